"""Recognise uploaded materials by content, refuse what is not a readable scan, and strip what must not be kept."""

from __future__ import annotations

import hashlib
import io
import math
import re
import unicodedata
import uuid
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

import olefile
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    # pypdf is imported where a PDF is checked: it costs every process that starts otherwise (bench/startup.py).
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

MEBIBYTE = 1024 * 1024
# An A4 page scanned at 300 dpi is 8.7 megapixels (2480 × 3508), an A3 page 17.4, and phone cameras give 12 to 16
# by default. Checked from the header before any pixel is decoded, so decoding one upload holds at most
# 20 megapixels (80 MB as RGBA, 60 MB as an RGB JPEG) besides the encoded result (at most the per-file limit) and
# costs about a second of CPU (bench/uploads.py). A JPEG of up to four times as many (a 22 or 50 MP phone photo) is
# decoded at half its width and height, within the same bound; its entropy decoding, which no scale avoids, stays
# within four times the limit's.
DEFAULT_MAX_PIXELS = 20_000_000
JPEG_SCALES = (1, 2)
CHUNK_BYTES = 64 * 1024
HEAD_BYTES = 8 * 1024
JPEG_QUALITY = 90
# The camera's orientation, EXIF (TIFF 6.0) tag 274: PIL.ExifTags.Base.Orientation, not imported for one number.
EXIF_ORIENTATION = 0x0112
# Lower qualities tried in turn when re-encoding at JPEG_QUALITY would exceed the per-file limit.
JPEG_QUALITIES = (JPEG_QUALITY, 80, 70)
DISPLAY_NAME_MAX_LENGTH = 120
# 二代身份证 photo standard (GA 461): 358 × 441 px, 26 × 32 mm at 350 dpi.
ID_PHOTO_SIZE = (358, 441)

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# MS-DOC 2.5.1: the WordDocument stream starts with the FIB; wIdent 0xA5EC, and bit 8 of its flags is fEncrypted.
WORD_FIB_IDENT = 0xA5EC
WORD_FIB_ENCRYPTED = 0x0100
# Storages of an OLE2 Word file that carry code or other programs: VBA macros (MS-OVBA), and embedded OLE objects
# in ObjectPool (MS-DOC 2.1.6), among them packages holding any file (the "\x01Ole10Native" stream).
OLE_MACRO_STORAGES = frozenset({"macros", "_vba_project_cur", "vba"})
OLE_OBJECT_STORAGE = "objectpool"
# The parts a DOCX may hold (ECMA-376 Part 1, as Word writes them): the document, its styles and settings, images,
# fonts, themes, custom XML and properties. Anything else — macros (vbaProject.bin), ActiveX controls, embedded
# objects and files (word/embeddings/), or a stray payload — is refused.
_DOCX_PARTS = re.compile(
    r"\[content_types\]\.xml"
    r"|_rels/\.rels"
    r"|docprops/[\w.-]+\.xml|docprops/thumbnail\.(?:jpe?g|png|emf|wmf)"
    r"|customxml/(?:_rels/)?[\w.-]+\.(?:xml|rels)"
    r"|word/(?:(?:theme|glossary|diagrams|charts)/)?(?:_rels/)?[\w.-]+\.(?:xml|rels)"
    r"|word/media/[\w.-]+\.(?:png|jpe?g|jfif|gif|bmp|tiff?|emf|wmf|wdp|svg)"
    r"|word/fonts/[\w.-]+\.odttf"
    r"|word/printersettings/[\w.-]+\.bin"
)
# Relationships that load code or another program into Word (ECMA-376 Part 1, 15.2; MS-OI29500 for the rest).
_DOCX_ACTIVE_RELATIONSHIPS = frozenset(
    {"attachedtemplate", "vbaproject", "oleobject", "package", "control", "afchunk", "subdocument", "frame"}
)
_XML_PART_MAX_BYTES = 1024 * 1024
# PDF (ISO 32000-1 12.6): actions that run code, open other files or programs, or send data; and the entries that
# fire actions without a click (OpenAction, AA) or carry files (EmbeddedFiles, EF, FileAttachment) or scripts (JS,
# the JavaScript name tree, XFA forms).
_PDF_ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
        "/Sound",
        "/Movie",
    }
)
_PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"})
_PDF_ACTIVE_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})
# Entries that hold page content, fonts, images or back-references: no action can be reached through them, and
# not reading them keeps the check from loading a large scan's image streams.
_PDF_DATA_KEYS = frozenset(
    {
        "/Contents",
        "/Resources",
        "/Metadata",
        "/Thumb",
        "/AP",
        "/StructTreeRoot",
        "/Parent",
        "/P",
        "/Info",
        "/OutputIntents",
        "/PieceInfo",
        "/ID",
        "/Encrypt",
    }
)
# A scan or an exported document has hundreds of objects outside its content; far more is not a document to check.
PDF_MAX_OBJECTS = 50_000


class UploadKind(models.TextChoices):
    # 申领指南 六（一）: 上传材料可以 gif、jpg、pdf、doc 等格式上传; the spec adds png and docx.
    GIF = "gif", "GIF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    PDF = "pdf", "PDF"
    DOC = "doc", "DOC"
    DOCX = "docx", "DOCX"


CONTENT_TYPES = {
    UploadKind.GIF: "image/gif",
    UploadKind.JPEG: "image/jpeg",
    UploadKind.PNG: "image/png",
    UploadKind.PDF: "application/pdf",
    UploadKind.DOC: "application/msword",
    UploadKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# The spellings of each kind's extension that an uploaded name may keep; any other extension is replaced.
NAME_EXTENSIONS = {
    UploadKind.GIF: frozenset({"gif"}),
    UploadKind.JPEG: frozenset({"jpg", "jpeg", "jpe"}),
    UploadKind.PNG: frozenset({"png"}),
    UploadKind.PDF: frozenset({"pdf"}),
    UploadKind.DOC: frozenset({"doc"}),
    UploadKind.DOCX: frozenset({"docx"}),
}
EXTENSIONS = {
    UploadKind.GIF: "gif",
    UploadKind.JPEG: "jpg",
    UploadKind.PNG: "png",
    UploadKind.PDF: "pdf",
    UploadKind.DOC: "doc",
    UploadKind.DOCX: "docx",
}
IMAGE_KINDS = frozenset({UploadKind.GIF, UploadKind.JPEG, UploadKind.PNG})
# MPO is how Pillow names the multi-picture JPEG that many phone cameras write.
_PILLOW_FORMATS = {UploadKind.GIF: ("GIF",), UploadKind.JPEG: ("JPEG", "MPO"), UploadKind.PNG: ("PNG",)}
# Only the pixels and the transparency survive re-encoding: EXIF (GPS, camera, owner), XMP, comments, text
# chunks and ICC profiles are dropped. ICC goes too because it is an opaque blob an attacker controls, and a
# scan of a paper document stays legible in sRGB.
_KEPT_IMAGE_INFO = ("transparency",)
_STORAGE_PREFIX_SHAPE = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


@dataclass(frozen=True)
class InspectedFile:
    """An upload that passed every check, with what must be stored in place of what was sent."""

    kind: UploadKind
    content_type: str
    extension: str
    size: int
    sha256: str
    display_name: str
    width: int | None = None
    height: int | None = None
    content: bytes | None = field(default=None, repr=False)
    source: Any = field(default=None, repr=False, compare=False)

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGE_KINDS

    def as_file(self) -> File:
        """The bytes to store, ready for Storage.save(): re-encoded images, or the checked upload rewound."""
        if self.content is not None:
            return ContentFile(self.content)
        self.source.seek(0)
        return File(self.source)


def _megabytes(count: int) -> str:
    value = count / MEBIBYTE
    return f"{value:.1f}".removesuffix(".0") if value >= 0.1 else f"{value:.3f}"


def _too_large(max_bytes: int) -> ValidationError:
    return ValidationError(
        _("The file is larger than %(limit)s MB; please upload a smaller scan."),
        code="too_large",
        params={"limit": _megabytes(max_bytes)},
    )


def _unsupported(head: bytes) -> ValidationError:
    """Name the refused format when it is a common one, so the applicant knows what to convert."""
    refused_image = _refused_image_format(head)
    if refused_image is not None:
        return ValidationError(
            _("%(format)s images are not accepted; please upload JPG, PNG, GIF or PDF."),
            code="unsupported_type",
            params={"format": refused_image},
        )
    return ValidationError(
        _(
            "The content of this file is not GIF, JPG, PNG, PDF, DOC or DOCX, whatever its name says; "
            "please upload a file in one of those formats."
        ),
        code="unsupported_type",
    )


def _refused_image_format(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1"}:
        return "HEIC"
    if head[4:8] == b"ftyp" and head[8:12] in {b"avif", b"avis"}:
        return "AVIF"
    if head[:4] in {b"II*\x00", b"MM\x00*"}:
        return "TIFF"
    if head[:2] == b"BM":
        return "BMP"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<") and b"<svg" in text.lower():
        return "SVG"
    return None


def _sniff(head: bytes) -> UploadKind:
    """Decide the kind from magic bytes alone; the file name and the browser's content type are never trusted."""
    if head.startswith(b"\xff\xd8\xff"):
        return UploadKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return UploadKind.PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return UploadKind.GIF
    if head.startswith(b"%PDF-"):
        return UploadKind.PDF
    if head.startswith(OLE2_SIGNATURE):
        return UploadKind.DOC
    if head.startswith(ZIP_SIGNATURE):
        return UploadKind.DOCX
    raise _unsupported(head)


def _chunks(file: IO[bytes], *, max_bytes: int) -> Iterator[bytes]:
    """Read from the start in chunks, refusing as soon as more than max_bytes arrive whatever .size claimed."""
    file.seek(0)
    total = 0
    while chunk := file.read(CHUNK_BYTES):
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(max_bytes)
        yield chunk


def inspect_upload(file: Any, *, max_bytes: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> InspectedFile:
    """Recognise an upload by its content and check it opens; images are re-encoded, other kinds kept as sent."""
    declared_size = getattr(file, "size", None)
    if declared_size is not None and declared_size > max_bytes:
        raise _too_large(max_bytes)
    file.seek(0)
    head = file.read(HEAD_BYTES)
    if not head:
        raise ValidationError(_("The file is empty; please upload the scan again."), code="empty")
    kind = _sniff(head)
    display_name = name_for_kind(safe_display_name(getattr(file, "name", None) or ""), kind=kind)
    if kind in IMAGE_KINDS:
        # Counted first, whatever .size claimed; then decoded from the file itself.
        for _chunk in _chunks(file, max_bytes=max_bytes):
            pass
        return _inspect_image(
            file=file, kind=kind, display_name=display_name, max_pixels=max_pixels, max_bytes=max_bytes
        )

    digest = hashlib.sha256()
    size = 0
    for chunk in _chunks(file, max_bytes=max_bytes):
        digest.update(chunk)
        size += len(chunk)
    if kind == UploadKind.PDF:
        _check_pdf(file)
    elif kind == UploadKind.DOCX:
        _check_docx(file)
    else:
        _check_doc(file)
    file.seek(0)
    return InspectedFile(
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        extension=EXTENSIONS[kind],
        size=size,
        sha256=digest.hexdigest(),
        display_name=display_name,
        source=file,
    )


def _check_doc(file: IO[bytes]) -> None:
    """Parse the OLE2 container: a Word 97–2003 document has a WordDocument stream with a Word FIB (XLS and PPT do
    not), and it must carry no macros, no embedded objects and no encryption."""
    file.seek(0)
    try:
        with olefile.OleFileIO(file) as container:
            paths = [[part.lower() for part in path] for path in container.listdir(streams=True, storages=True)]
            if container.exists("EncryptedPackage"):
                # MS-OFFCRYPTO: a password-protected Office 2007+ file is an OLE2 container around the package.
                raise _encrypted()
            if not container.exists("WordDocument"):
                raise _not_word()
            fib = container.openstream("WordDocument").read(12)
    except ValidationError:
        raise
    except Exception:  # olefile raises OSError, struct.error and others on malformed input
        raise _corrupt_document() from None
    if len(fib) < 12 or int.from_bytes(fib[:2], "little") != WORD_FIB_IDENT:
        raise _corrupt_document()
    if int.from_bytes(fib[10:12], "little") & WORD_FIB_ENCRYPTED:
        raise _encrypted()
    if any(part in OLE_MACRO_STORAGES for path in paths for part in path):
        raise _macros()
    if any(path[0] == OLE_OBJECT_STORAGE and len(path) > 1 for path in paths):
        raise _embedded_objects()


def _not_word() -> ValidationError:
    return ValidationError(
        _(
            "This is an Office file but not a Word document (for example Excel or PowerPoint); "
            "please save it as PDF and upload that."
        ),
        code="unsupported_type",
    )


def _corrupt_document() -> ValidationError:
    return ValidationError(
        _("This Word document cannot be read (it may be damaged or incomplete); please save it again."),
        code="corrupt_document",
    )


def _macros() -> ValidationError:
    return ValidationError(
        _("Word documents with macros are not accepted; please save it as DOCX or PDF without macros."),
        code="active_content",
    )


def _embedded_objects() -> ValidationError:
    return ValidationError(
        _(
            "Word documents with embedded objects or files (other documents, programs, controls) are not accepted; "
            "please save it as PDF and upload that."
        ),
        code="active_content",
    )


def _encrypted() -> ValidationError:
    return ValidationError(
        _("This file is protected by a password, so reviewers could not open it; please upload it without one."),
        code="encrypted",
    )


def _inspect_image(
    *, file: IO[bytes], kind: UploadKind, display_name: str, max_pixels: int, max_bytes: int
) -> InspectedFile:
    """Decode and re-encode, so metadata is gone and any payload hidden beside the pixels is not stored.

    Memory is bounded by the decoded pixels (at most max_pixels, 4 bytes each) plus the encoded result (at most
    max_bytes): the upload is read from its file (on disk above 2 MB), never copied whole into memory.
    """
    corrupt = ValidationError(
        _("This image cannot be read (it may be damaged or incomplete); please scan it again."),
        code="corrupt_image",
    )
    # Warnings about malformed input are moot since only decoded pixels are kept, and Pillow's own bomb
    # warning is replaced by the explicit pixel limit below. catch_warnings is process-wide; the worst a
    # concurrent thread can do is see these filters for a moment.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        file.seek(0)
        try:
            image = Image.open(file, formats=_PILLOW_FORMATS[kind])
        except Image.DecompressionBombError:
            raise _too_many_pixels(max_pixels) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise corrupt from None
        with image:
            if kind == UploadKind.JPEG:
                _jpeg_decode_within(image, max_pixels=max_pixels)
            elif image.width * image.height > max_pixels:
                raise _too_many_pixels(max_pixels)
            try:
                image.load()
                clean = _without_metadata(image, kind=kind)
                content, (width, height) = _encoded_within(clean, kind=kind, max_bytes=max_bytes)
            except ValidationError:
                raise
            except (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError):
                raise corrupt from None
    return InspectedFile(
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        extension=EXTENSIONS[kind],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        display_name=display_name,
        width=width,
        height=height,
        content=content,
    )


def _jpeg_decode_within(image: Image.Image, *, max_pixels: int) -> None:
    """A JPEG decodes at half its size directly from its DCT coefficients (Pillow's draft): a photo above the limit
    is decoded, and stored, at half its width and height when that is within it, and refused otherwise."""
    width, height = image.size
    for scale in JPEG_SCALES:
        if math.ceil(width / scale) * math.ceil(height / scale) <= max_pixels:
            break
    else:
        raise _too_many_pixels(max_pixels)
    if scale > 1:
        image.draft(image.mode, (width // scale, height // scale))


def _encoded_within(image: Image.Image, *, kind: UploadKind, max_bytes: int) -> tuple[bytes, tuple[int, int]]:
    """The image encoded in its own format, never larger than the limit the upload passed, and its size.

    Re-encoding can grow a file (another encoder, quality or compression than the sender's): a JPEG is encoded
    again at lower qualities, a PNG with its thorough compression, and any kind is halved in size until it fits
    (a scan stays legible at half its resolution; the limit is about 10 MB, so this is rare).
    """
    for _attempt in range(4):
        if kind == UploadKind.JPEG:
            for quality in JPEG_QUALITIES:
                content = _encoded(image, kind=kind, quality=quality)
                if len(content) <= max_bytes:
                    return content, image.size
        else:
            # PNG's thorough compression costs several times the CPU: tried only when the quick one is too large.
            for optimize in (False, True) if kind == UploadKind.PNG else (False,):
                content = _encoded(image, kind=kind, optimize=optimize)
                if len(content) <= max_bytes:
                    return content, image.size
        image = image.reduce(2)
    raise _too_large(max_bytes)


def _encoded(image: Image.Image, *, kind: UploadKind, quality: int = JPEG_QUALITY, optimize: bool = False) -> bytes:
    output = io.BytesIO()
    if kind == UploadKind.JPEG:
        image.save(output, format="JPEG", quality=quality)
    else:
        image.save(output, format=_PILLOW_FORMATS[kind][0], optimize=optimize)
    return output.getvalue()


def _without_metadata(image: Image.Image, *, kind: UploadKind) -> Image.Image:
    """The first frame, upright as the camera meant it, with nothing but pixels and transparency."""
    # Applying the EXIF orientation first keeps phone photos of documents upright once EXIF is dropped
    # (申领指南 六（一）: 材料为文字正向，不可颠倒). Only an image that carries a turning orientation is transposed
    # (in place: the pixels are turned into one new buffer, the old one freed).
    kept = {key: image.info[key] for key in _KEPT_IMAGE_INFO if key in image.info}
    if image.getexif().get(EXIF_ORIENTATION, 1) not in (None, 1):
        ImageOps.exif_transpose(image, in_place=True)
    upright = image
    # CMYK JPEGs from print workflows render inconsistently across browsers; reviewers get RGB.
    if kind == UploadKind.JPEG and upright.mode not in {"L", "RGB"}:
        upright = upright.convert("RGB")
    upright.info = kept
    return upright


def _too_many_pixels(max_pixels: int) -> ValidationError:
    return ValidationError(
        _("This image has more than %(limit)s megapixels; please scan at a lower resolution (300 dpi is enough)."),
        code="image_too_large_pixels",
        params={"limit": max_pixels // 1_000_000},
    )


def _check_pdf(file: IO[bytes]) -> None:
    """Open with pypdf from the seekable upload, so a large PDF is not copied into memory first."""
    corrupt = ValidationError(
        _("This PDF cannot be read (it may be damaged or incomplete); please save or scan it again."),
        code="corrupt_pdf",
    )
    from pypdf import PdfReader

    file.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(file, strict=False)
            if reader.is_encrypted:
                raise _encrypted()
            page_count = len(reader.pages)
        except ValidationError:
            raise
        except Exception:  # pypdf raises many unrelated exception types on malformed input
            raise corrupt from None
        if page_count < 1:
            raise ValidationError(_("This PDF has no pages; please upload the complete scan."), code="corrupt_pdf")
        try:
            active = _pdf_has_active_content(reader)
        except ValidationError:
            raise
        except Exception:  # a broken reference or object, reported by pypdf in its many ways
            raise corrupt from None
    if active:
        # Refused rather than cleaned: removing actions means rewriting the file, which breaks the digital
        # signature of an electronic certificate and may change what reviewers see; scans and ordinary exports
        # carry none, and the applicant is told how to make a clean copy.
        raise ValidationError(
            _(
                "This PDF contains scripts, automatic actions or attached files, which are not accepted; "
                "print it to a new PDF (or scan the paper document) and upload that."
            ),
            code="active_content",
        )


def _pdf_has_active_content(reader: PdfReader) -> bool:
    """Walk every object reachable from the trailer (outside page content) looking for what can act on its own."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    pending: list[Any] = [reader.trailer]
    while pending:
        node = pending.pop()
        if isinstance(node, IndirectObject):
            reference = (node.idnum, node.generation)
            if reference in seen:
                continue
            seen.add(reference)
            if len(seen) > PDF_MAX_OBJECTS:
                raise ValidationError(
                    _("This PDF is too complex to check; print it to a new PDF (or scan it) and upload that."),
                    code="corrupt_pdf",
                )
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if _pdf_dictionary_is_active(node):
                return True
            pending.extend(value for key, value in node.items() if key not in _PDF_DATA_KEYS)
        elif isinstance(node, ArrayObject):
            pending.extend(node)
    return False


def _pdf_dictionary_is_active(node: DictionaryObject) -> bool:
    from pypdf.generic import DictionaryObject, IndirectObject

    if not _PDF_ACTIVE_KEYS.isdisjoint(node.keys()):
        return True
    action = node.get("/S")
    if action in _PDF_ACTIVE_ACTIONS or node.get("/Subtype") in _PDF_ACTIVE_ANNOTATIONS:
        return True
    if node.get("/Type") == "/EmbeddedFile":
        return True
    opening = node.get("/OpenAction")
    if isinstance(opening, IndirectObject):
        opening = opening.get_object()
    # An opening destination (a page and a zoom) is harmless; an opening action other than "go to" is not.
    return isinstance(opening, DictionaryObject) and opening.get("/S") != "/GoTo"


def _check_docx(file: IO[bytes]) -> None:
    """A DOCX is a ZIP holding the Word parts; other ZIPs (XLSX, PPTX, archives) are refused, and so is any part
    that is not an ordinary document part or any relationship that loads code."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = [member for member in archive.infolist() if not member.is_dir()]
            names = {member.filename.lower() for member in members}
            if "word/document.xml" not in names:
                raise ValidationError(
                    _(
                        "This is a ZIP archive or an Office file other than Word (for example Excel); "
                        "please upload a PDF or a Word document instead."
                    ),
                    code="unsupported_type",
                )
            if "[content_types].xml" not in names:
                raise ValidationError(
                    _("This Word document is incomplete (it has no content types part); please save it again."),
                    code="corrupt_document",
                )
            if any(name.endswith("vbaproject.bin") or name.endswith("vbadata.xml") for name in names):
                raise _macros()
            if not all(_DOCX_PARTS.fullmatch(name) for name in names):
                raise _embedded_objects()
            for member in members:
                if member.filename.lower().endswith(".rels") and _loads_code(archive, member):
                    raise _embedded_objects()
    except ValidationError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, NotImplementedError):
        raise _corrupt_document() from None


def _loads_code(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether a relationships part links a template, an OLE object, a control or another document into Word."""
    if member.file_size > _XML_PART_MAX_BYTES:
        raise _corrupt_document()
    try:
        root = ElementTree.fromstring(archive.read(member))
    except (ElementTree.ParseError, DefusedXmlException):
        raise _corrupt_document() from None
    for relationship in root:
        kind = relationship.get("Type", "").rsplit("/", 1)[-1].lower()
        if kind in _DOCX_ACTIVE_RELATIONSHIPS:
            return True
    return False


def safe_display_name(name: str) -> str:
    """The uploaded name fit to show back to people; storage names never come from it."""
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(character for character in name if unicodedata.category(character) not in _INVISIBLE_CATEGORIES)
    name = name.strip().lstrip(". ")
    if len(name) <= DISPLAY_NAME_MAX_LENGTH:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        return name[: DISPLAY_NAME_MAX_LENGTH - 1] + "…"
    return stem[: DISPLAY_NAME_MAX_LENGTH - len(extension) - 2] + "…." + extension


def name_for_kind(name: str, *, kind: UploadKind) -> str:
    """The shown and downloaded name with the extension of what the file is, whatever the uploader called it."""
    if not name:
        return ""
    stem, dot, extension = name.rpartition(".")
    if dot and stem and extension.lower() in NAME_EXTENSIONS[kind]:
        return name
    if dot and stem and re.fullmatch(r"[A-Za-z0-9]{1,5}", extension):
        name = stem
    return f"{name}.{EXTENSIONS[kind]}"


def random_storage_name(*, kind: str, prefix: str) -> str:
    """An unguessable storage path, so nothing the applicant typed reaches the file system or the bucket."""
    if not _STORAGE_PREFIX_SHAPE.fullmatch(prefix):
        raise ValueError(f"Storage prefix must be slash-separated letters, digits, _ or -: {prefix!r}")
    return f"materials/{prefix}/{uuid.uuid4().hex}.{EXTENSIONS[UploadKind(kind)]}"


def validate_id_photo(inspected: InspectedFile) -> None:
    """申领指南 五（一）7: 符合第二代身份证制作标准的电子相片, i.e. a 358 × 441 px JPEG."""
    width, height = ID_PHOTO_SIZE
    if inspected.width is None:
        raise ValidationError(
            _(
                "The photo must be a JPEG of %(width)s × %(height)s pixels (second-generation ID card "
                "standard); this one is a %(format)s document."
            ),
            code="photo_format",
            params={"width": width, "height": height, "format": inspected.kind.label},
        )
    params = {
        "width": width,
        "height": height,
        "format": inspected.kind.label,
        "actual_width": inspected.width,
        "actual_height": inspected.height,
    }
    message = _(
        "The photo must be a JPEG of %(width)s × %(height)s pixels (second-generation ID card standard); "
        "this one is %(format)s %(actual_width)s × %(actual_height)s."
    )
    if inspected.kind != UploadKind.JPEG:
        raise ValidationError(message, code="photo_format", params=params)
    if (inspected.width, inspected.height) != ID_PHOTO_SIZE:
        raise ValidationError(message, code="photo_size", params=params)
