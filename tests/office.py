"""Office files built from scratch for the upload tests: real OLE2 compound files (as Word 97–2003 writes them)
and DOCX packages, so that the checks are exercised by what a parser reads, not by bytes that merely look alike."""

import io
import struct
import zipfile

SECTOR = 512
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
# Streams below this size would live in the mini stream; padding keeps this writer to regular sectors only.
MINI_STREAM_CUTOFF = 4096
STORAGE, STREAM, ROOT = 1, 2, 5


def word_document_stream(*, encrypted: bool = False, size: int = MINI_STREAM_CUTOFF) -> bytes:
    """The start of a Word 97–2003 FIB: wIdent 0xA5EC, nFib, and the flags word whose bit 8 is fEncrypted."""
    flags = 0x0100 if encrypted else 0
    header = struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0409, 0, flags)
    return header + b"\x00" * (size - len(header))


def ole_file(tree: dict) -> bytes:
    """An OLE2 compound file (version 3) holding `tree`: a name maps to bytes (a stream) or a dict (a storage)."""
    entries: list[dict] = [{"name": "Root Entry", "type": ROOT, "data": b"", "children": []}]

    def add(children: dict, parent: dict) -> None:
        for name, value in children.items():
            entry = {"name": name, "type": STORAGE if isinstance(value, dict) else STREAM, "children": []}
            entry["data"] = b"" if isinstance(value, dict) else value.ljust(MINI_STREAM_CUTOFF, b"\x00")
            entries.append(entry)
            parent["children"].append(len(entries) - 1)
            if isinstance(value, dict):
                add(value, entry)

    add(tree, entries[0])
    directory_sectors = -(-len(entries) * 128 // SECTOR)
    data_sectors = [-(-len(entry["data"]) // SECTOR) for entry in entries]
    content_sectors = directory_sectors + sum(data_sectors)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < fat_sectors + content_sectors:
        fat_sectors += 1
    fat = [FAT_SECTOR] * fat_sectors
    chains = []

    def chain(count: int) -> int:
        start = len(fat)
        fat.extend(range(start + 1, start + count))
        fat.append(END)
        return start

    directory_start = chain(directory_sectors)
    for entry, count in zip(entries, data_sectors, strict=True):
        entry["start"] = chain(count) if count else END
        chains.append(entry["start"])
    fat.extend([FREE] * (fat_sectors * (SECTOR // 4) - len(fat)))

    directory = bytearray()
    for entry in entries:
        siblings = entry["children"]
        for position, index in enumerate(siblings):
            entries[index]["right"] = siblings[position + 1] if position + 1 < len(siblings) else NO_STREAM
        name = entry["name"].encode("utf-16-le") + b"\x00\x00"
        directory += name.ljust(64, b"\x00") + struct.pack(
            "<HBBIII16sIQQIQ",
            len(name),
            entry["type"],
            1,
            NO_STREAM,
            entry.get("right", NO_STREAM),
            siblings[0] if siblings else NO_STREAM,
            b"\x00" * 16,
            0,
            0,
            0,
            entry["start"],
            len(entry["data"]),
        )
    directory = bytes(directory).ljust(directory_sectors * SECTOR, b"\x00")
    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\x00" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"\x00" * 6,
        0,
        fat_sectors,
        directory_start,
        0,
        MINI_STREAM_CUTOFF,
        END,
        0,
        END,
        0,
        *difat,
    )
    body = struct.pack(f"<{len(fat)}I", *fat) + directory
    for entry in entries:
        body += entry["data"].ljust(-(-len(entry["data"]) // SECTOR) * SECTOR, b"\x00")
    return header + body


def word_97_document(extra: dict | None = None, *, encrypted: bool = False) -> bytes:
    """A Word 97–2003 document as Word lays it out: the FIB stream, a table stream and an empty ObjectPool."""
    tree = {
        "WordDocument": word_document_stream(encrypted=encrypted),
        "1Table": b"\x00" * 16,
        "ObjectPool": {},
        "\x05SummaryInformation": b"\x00" * 16,
    }
    return ole_file({**tree, **(extra or {})})


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
PACKAGE_RELATIONSHIPS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="word/document.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    b"</Relationships>"
)
DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>\xe7\xae\x80\xe5\x8e\x86</w:t></w:r></w:p></w:body></w:document>"
)


def relationships(*targets: tuple[str, str, str]) -> bytes:
    """A .rels part with one relationship per (type suffix, target, target mode)."""
    items = b"".join(
        f'<Relationship Id="rId{index}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'{kind}" Target="{target}"{f" TargetMode={chr(34)}{mode}{chr(34)}" if mode else ""}/>'.encode()
        for index, (kind, target, mode) in enumerate(targets, start=1)
    )
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + items
        + b"</Relationships>"
    )


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal DOCX package, with any extra parts."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELATIONSHIPS,
        "word/document.xml": DOCUMENT,
        "word/_rels/document.xml.rels": relationships(("styles", "styles.xml", "")),
        "word/styles.xml": b'<?xml version="1.0"?><w:styles xmlns:w="urn:w"/>',
        "docProps/core.xml": b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="urn:cp"/>',
        **(extra or {}),
    }
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return output.getvalue()
