import hashlib
import io
import re
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

from applications.uploads import (
    CHUNK_BYTES,
    OLE2_SIGNATURE,
    InspectedFile,
    UploadKind,
    inspect_upload,
    name_for_kind,
    random_storage_name,
    safe_display_name,
    validate_id_photo,
)
from tests.office import docx, ole_file, relationships, word_97_document, word_document_stream

MAX_BYTES = 10 * 1024 * 1024
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"
GENERIC_REFUSAL = (
    "The content of this file is not GIF, JPG, PNG, PDF, DOC or DOCX, whatever its name says; "
    "please upload a file in one of those formats."
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def upload(content: bytes, name: str = "scan.bin", content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def image_bytes(size=(40, 30), *, image_format="JPEG", mode="RGB", **save_options) -> bytes:
    image = Image.new(mode, size, color="white" if mode in {"RGB", "L"} else 1)
    output = io.BytesIO()
    image.save(output, format=image_format, **save_options)
    return output.getvalue()


def jpeg_with_gps(size=(40, 30), *, orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCameraMaker"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (23.0, 10.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (113.0, 16.0, 0.0)
    image = Image.new("RGB", size, color="white")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif, comment=b"SecretComment")
    return output.getvalue()


def pdf_bytes(*, pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(user_password=password, algorithm="AES-256")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return output.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/content-types"/>',
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def ole2_lookalike(*stream_names: str, stream_offset: int = 1024, total: int = 4096) -> bytes:
    """An OLE2 signature followed by directory names in UTF-16LE: what a text search took for a Word file."""
    content = bytearray(OLE2_SIGNATURE + b"\x00" * (total - len(OLE2_SIGNATURE)))
    position = stream_offset
    for name in stream_names:
        encoded = name.encode("utf-16-le")
        content[position : position + len(encoded)] = encoded
        position += 128
    return bytes(content)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions: what a decompression bomb looks like before decoding."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def stored_bytes(inspected: InspectedFile) -> bytes:
    return inspected.as_file().read()


def error_of(file, **options) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        inspect_upload(file, max_bytes=options.pop("max_bytes", MAX_BYTES), **options)
    return caught.value


# Images


def test_jpeg_is_recognised_and_reencoded():
    original = jpeg_with_gps()
    inspected = inspect_upload(upload(original, "photo.jpeg", "image/jpeg"), max_bytes=MAX_BYTES)
    stored = stored_bytes(inspected)
    assert (inspected.kind, inspected.content_type, inspected.extension) == (UploadKind.JPEG, "image/jpeg", "jpg")
    assert (inspected.width, inspected.height) == (40, 30)
    assert inspected.size == len(stored)
    assert inspected.sha256 == hashlib.sha256(stored).hexdigest()
    assert inspected.display_name == "photo.jpeg"
    assert inspected.is_image is True


def test_jpeg_exif_gps_and_comment_are_stripped():
    original = jpeg_with_gps()
    assert b"SecretCameraMaker" in original
    assert b"SecretComment" in original
    stored = stored_bytes(inspect_upload(upload(original), max_bytes=MAX_BYTES))
    assert b"SecretCameraMaker" not in stored
    assert b"SecretComment" not in stored
    assert b"Exif\x00\x00" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert "comment" not in image.info
        assert "exif" not in image.info


def test_jpeg_exif_orientation_is_applied_before_stripping():
    original = jpeg_with_gps((40, 30), orientation=6)
    inspected = inspect_upload(upload(original), max_bytes=MAX_BYTES)
    assert (inspected.width, inspected.height) == (30, 40)
    with Image.open(io.BytesIO(stored_bytes(inspected))) as image:
        assert image.size == (30, 40)
        red, green, _ = image.convert("RGB").getpixel((15, 5))
        assert red > 200
        assert green < 60
        assert ExifTags.Base.Orientation not in image.getexif()


def test_cmyk_jpeg_is_stored_as_rgb():
    inspected = inspect_upload(upload(image_bytes(mode="CMYK")), max_bytes=MAX_BYTES)
    with Image.open(io.BytesIO(stored_bytes(inspected))) as image:
        assert image.mode == "RGB"


def test_png_named_jpg_is_recognised_as_png_and_text_chunks_dropped():
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "SecretAuthor")
    original = image_bytes(image_format="PNG", pnginfo=text, icc_profile=b"SecretIccProfile" * 8)
    inspected = inspect_upload(upload(original, "scan.jpg", "image/jpeg"), max_bytes=MAX_BYTES)
    stored = stored_bytes(inspected)
    assert (inspected.kind, inspected.content_type, inspected.extension) == (UploadKind.PNG, "image/png", "png")
    assert b"SecretAuthor" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG"
        assert "Author" not in image.info
        assert "icc_profile" not in image.info


def test_png_transparency_is_kept():
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    output = io.BytesIO()
    image.save(output, format="PNG")
    stored = stored_bytes(inspect_upload(upload(output.getvalue()), max_bytes=MAX_BYTES))
    with Image.open(io.BytesIO(stored)) as reopened:
        assert reopened.mode == "RGBA"
        assert reopened.getpixel((0, 0)) == (0, 0, 0, 0)


def test_animated_gif_keeps_only_the_first_frame_without_comment():
    frames = [Image.new("P", (20, 10), color) for color in (1, 2, 3)]
    output = io.BytesIO()
    frames[0].save(output, format="GIF", save_all=True, append_images=frames[1:], comment=b"SecretGifComment")
    original = output.getvalue()
    assert b"SecretGifComment" in original
    inspected = inspect_upload(upload(original, "scan.pdf", "application/pdf"), max_bytes=MAX_BYTES)
    stored = stored_bytes(inspected)
    assert (inspected.kind, inspected.content_type, inspected.extension) == (UploadKind.GIF, "image/gif", "gif")
    assert (inspected.width, inspected.height) == (20, 10)
    assert b"SecretGifComment" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "GIF"
        assert image.n_frames == 1


@pytest.mark.parametrize(
    "payload",
    [
        HTML_PAYLOAD,
        zip_bytes({"evil.html": HTML_PAYLOAD}),
        b"%PDF-1.4\n1 0 obj<</JS(app.alert(1))>>endobj\n%%EOF",
    ],
    ids=["html", "zip", "pdf"],
)
def test_jpeg_polyglot_payload_is_not_stored(payload):
    original = image_bytes() + payload
    inspected = inspect_upload(upload(original, "scan.jpg", "image/jpeg"), max_bytes=MAX_BYTES)
    stored = stored_bytes(inspected)
    assert inspected.kind == UploadKind.JPEG
    assert payload[:16] not in stored
    assert b"<script>" not in stored
    assert b"PK\x03\x04" not in stored


def test_gif_comment_polyglot_payload_is_not_stored():
    original = image_bytes(image_format="GIF", mode="L", comment=HTML_PAYLOAD)
    assert HTML_PAYLOAD in original
    stored = stored_bytes(inspect_upload(upload(original), max_bytes=MAX_BYTES))
    assert b"<script>" not in stored


def test_in_memory_uploaded_file_is_accepted():
    original = image_bytes(image_format="PNG")
    file = InMemoryUploadedFile(io.BytesIO(original), "file", "scan.png", "image/png", len(original), None)
    assert inspect_upload(file, max_bytes=MAX_BYTES).kind == UploadKind.PNG


@pytest.mark.parametrize(
    "content",
    [b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 20, image_bytes(image_format="PNG")[:60]],
    ids=["jpeg-junk", "png-truncated"],
)
def test_corrupt_image_is_refused(content):
    error = error_of(upload(content))
    assert error.code == "corrupt_image"
    assert error.messages == ["This image cannot be read (it may be damaged or incomplete); please scan it again."]


def test_truncated_jpeg_is_refused():
    original = jpeg_with_gps((300, 300))
    error = error_of(upload(original[: len(original) * 2 // 3]))
    assert error.code == "corrupt_image"


def test_decompression_bomb_beyond_pillow_limit_is_refused():
    bomb = png_declaring(30000, 30000)
    assert len(bomb) < 200
    error = error_of(upload(bomb, "bomb.png", "image/png"))
    assert error.code == "image_too_large_pixels"
    assert error.messages == [
        "This image has more than 20 megapixels; please scan at a lower resolution (300 dpi is enough)."
    ]


def test_image_of_the_probe_7000_by_7000_is_refused_before_decoding():
    error = error_of(upload(png_declaring(7000, 7000), "big.png", "image/png"))
    assert error.code == "image_too_large_pixels"


@pytest.mark.parametrize("size", [(2480, 3508), (4000, 5000)], ids=["a4-300dpi", "20-megapixels"])
def test_image_within_the_pixel_limit_is_accepted(size):
    inspected = inspect_upload(upload(image_bytes(size, image_format="PNG", mode="L")), max_bytes=MAX_BYTES)
    assert (inspected.width, inspected.height) == size


def test_image_over_own_pixel_limit_below_pillow_limit_is_refused():
    error = error_of(upload(png_declaring(10000, 6000)))
    assert error.code == "image_too_large_pixels"


def test_pixel_limit_is_configurable():
    original = image_bytes((100, 100), image_format="PNG")
    assert inspect_upload(upload(original), max_bytes=MAX_BYTES, max_pixels=10_000).width == 100
    error = error_of(upload(original), max_pixels=9_999)
    assert error.code == "image_too_large_pixels"


def test_id_photo_of_the_standard_size_passes():
    inspected = inspect_upload(upload(image_bytes((358, 441))), max_bytes=MAX_BYTES)
    assert validate_id_photo(inspected) is None


def test_id_photo_of_another_size_is_refused():
    inspected = inspect_upload(upload(image_bytes((800, 600))), max_bytes=MAX_BYTES)
    with pytest.raises(ValidationError) as caught:
        validate_id_photo(inspected)
    assert caught.value.code == "photo_size"
    assert caught.value.messages == [
        "The photo must be a JPEG of 358 × 441 pixels (second-generation ID card standard); this one is JPEG 800 × 600."
    ]


@pytest.mark.parametrize(("size", "shown"), [((358, 441), "PNG 358 × 441"), ((800, 600), "PNG 800 × 600")])
def test_id_photo_png_is_refused_even_at_the_right_size(size, shown):
    inspected = inspect_upload(upload(image_bytes(size, image_format="PNG")), max_bytes=MAX_BYTES)
    with pytest.raises(ValidationError) as caught:
        validate_id_photo(inspected)
    assert caught.value.code == "photo_format"
    assert caught.value.messages == [
        f"The photo must be a JPEG of 358 × 441 pixels (second-generation ID card standard); this one is {shown}."
    ]


def test_id_photo_pdf_is_refused():
    inspected = inspect_upload(upload(pdf_bytes()), max_bytes=MAX_BYTES)
    with pytest.raises(ValidationError) as caught:
        validate_id_photo(inspected)
    assert caught.value.code == "photo_format"
    assert caught.value.messages == [
        "The photo must be a JPEG of 358 × 441 pixels (second-generation ID card standard); this one is a PDF document."
    ]


def test_id_photo_rotated_by_exif_is_judged_upright():
    inspected = inspect_upload(upload(jpeg_with_gps((441, 358), orientation=8)), max_bytes=MAX_BYTES)
    assert validate_id_photo(inspected) is None


# PDF, DOC, DOCX


def test_pdf_is_stored_as_uploaded():
    original = pdf_bytes(pages=2)
    inspected = inspect_upload(upload(original, "合同.PDF", "application/x-whatever"), max_bytes=MAX_BYTES)
    assert (inspected.kind, inspected.content_type, inspected.extension) == (
        UploadKind.PDF,
        "application/pdf",
        "pdf",
    )
    assert (inspected.width, inspected.height, inspected.is_image) == (None, None, False)
    assert inspected.size == len(original)
    assert inspected.sha256 == hashlib.sha256(original).hexdigest()
    assert stored_bytes(inspected) == original
    assert inspected.display_name == "合同.PDF"


def test_pdf_in_temporary_uploaded_file_is_streamed_from_disk():
    original = pdf_bytes(pages=3) + b"\n" * (3 * CHUNK_BYTES)
    file = TemporaryUploadedFile("scan.pdf", "application/pdf", len(original), None)
    file.write(original)
    file.seek(0)
    try:
        inspected = inspect_upload(file, max_bytes=MAX_BYTES)
        assert inspected.sha256 == hashlib.sha256(original).hexdigest()
        assert inspected.size == len(original)
        assert stored_bytes(inspected) == original
    finally:
        file.close()


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.4\n" + b"\x8f junk that is not a PDF body " * 50, pdf_bytes(pages=3)[:300]],
    ids=["header-then-junk", "truncated"],
)
def test_corrupt_pdf_is_refused(content):
    error = error_of(upload(content, "scan.pdf", "application/pdf"))
    assert error.code == "corrupt_pdf"
    assert error.messages == [
        "This PDF cannot be read (it may be damaged or incomplete); please save or scan it again."
    ]


def test_pdf_without_pages_is_refused():
    output = io.BytesIO()
    PdfWriter().write(output)
    assert len(PdfReader(io.BytesIO(output.getvalue())).pages) == 0
    error = error_of(upload(output.getvalue()))
    assert error.code == "corrupt_pdf"
    assert error.messages == ["This PDF has no pages; please upload the complete scan."]


def test_encrypted_pdf_is_refused():
    error = error_of(upload(pdf_bytes(password="secret")))
    assert error.code == "encrypted"
    assert error.messages == [
        "This file is protected by a password, so reviewers could not open it; please upload it without one."
    ]


def test_docx_is_stored_as_uploaded():
    original = docx_bytes()
    inspected = inspect_upload(upload(original, "简历.docx"), max_bytes=MAX_BYTES)
    assert (inspected.kind, inspected.extension) == (UploadKind.DOCX, "docx")
    assert inspected.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert inspected.sha256 == hashlib.sha256(original).hexdigest()
    assert stored_bytes(inspected) == original


@pytest.mark.parametrize(
    "entries",
    [
        {"readme.txt": b"hello"},
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"},
    ],
    ids=["plain-zip", "xlsx"],
)
def test_zip_that_is_not_a_word_document_is_refused(entries):
    error = error_of(upload(zip_bytes(entries), "scan.docx"))
    assert error.code == "unsupported_type"
    assert error.messages == [
        "This is a ZIP archive or an Office file other than Word (for example Excel); "
        "please upload a PDF or a Word document instead."
    ]


def test_docx_without_content_types_is_corrupt():
    error = error_of(upload(zip_bytes({"word/document.xml": b"<w:document/>"}), "scan.docx"))
    assert error.code == "corrupt_document"


def test_broken_zip_is_a_corrupt_document():
    error = error_of(upload(b"PK\x03\x04" + b"\x00garbage" * 40, "scan.docx"))
    assert error.code == "corrupt_document"
    assert error.messages == [
        "This Word document cannot be read (it may be damaged or incomplete); please save it again."
    ]


def test_docx_with_macros_is_refused():
    error = error_of(upload(docx({"word/vbaProject.bin": b"\x00"}), "scan.docx"))
    assert error.code == "active_content"
    assert error.messages == [
        "Word documents with macros are not accepted; please save it as DOCX or PDF without macros."
    ]


def test_doc_is_recognised_by_parsing_its_ole2_container():
    original = word_97_document()
    inspected = inspect_upload(upload(original, "scan.pdf"), max_bytes=MAX_BYTES)
    assert (inspected.kind, inspected.content_type, inspected.extension) == (
        UploadKind.DOC,
        "application/msword",
        "doc",
    )
    assert inspected.display_name == "scan.doc"
    assert stored_bytes(inspected) == original


def test_ole2_lookalike_holding_the_stream_name_as_text_is_refused():
    error = error_of(upload(ole2_lookalike("Root Entry", "WordDocument", "1Table"), "scan.doc"))
    assert error.code == "corrupt_document"
    assert error.messages == [
        "This Word document cannot be read (it may be damaged or incomplete); please save it again."
    ]


def test_ole2_file_that_is_not_word_is_refused():
    error = error_of(upload(ole_file({"Workbook": b"\x09\x08" + b"\x00" * 100}), "scan.doc"))
    assert error.code == "unsupported_type"
    assert error.messages == [
        "This is an Office file but not a Word document (for example Excel or PowerPoint); "
        "please save it as PDF and upload that."
    ]


def test_word_stream_without_a_word_header_is_refused():
    error = error_of(upload(ole_file({"WordDocument": b"not a FIB" * 10}), "scan.doc"))
    assert error.code == "corrupt_document"


@pytest.mark.parametrize(
    "content",
    [
        ole_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x00" * 64}),
        word_97_document(encrypted=True),
    ],
    ids=["encrypted-docx", "encrypted-doc"],
)
def test_password_protected_word_file_is_refused_as_encrypted(content):
    error = error_of(upload(content, "scan.docx"))
    assert error.code == "encrypted"


class RecordingFile(io.BytesIO):
    """A file that remembers how much each read asked for."""

    def __init__(self, content: bytes, name: str):
        super().__init__(content)
        self.name = name
        self.size = len(content)
        self.read_sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.read_sizes.append(-1 if size is None else size)
        return super().read(size)


def test_doc_is_read_in_chunks_not_whole():
    content = ole_file({"WordDocument": word_document_stream(size=5 * CHUNK_BYTES)})
    file = RecordingFile(content, "scan.doc")
    assert inspect_upload(file, max_bytes=MAX_BYTES).size == len(content)
    assert all(0 < size <= CHUNK_BYTES for size in file.read_sizes)


# Refusals by type and size


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100, "scan.jpg", "image/jpeg"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "scan.jpg", "image/jpeg"),
        (HTML_PAYLOAD, "scan.png", "image/png"),
        (b"Just some text that someone renamed.", "scan.pdf", "application/pdf"),
        (b"Rar!\x1a\x07\x01\x00", "scan.doc", "application/msword"),
    ],
    ids=["elf", "exe", "html", "text", "rar"],
)
def test_other_content_is_refused_whatever_its_name(content, name, content_type):
    error = error_of(upload(content, name, content_type))
    assert error.code == "unsupported_type"
    assert error.messages == [GENERIC_REFUSAL]


def test_svg_is_refused_with_its_own_message():
    error = error_of(upload(SVG, "scan.svg", "image/svg+xml"))
    assert error.code == "unsupported_type"
    assert error.messages == ["SVG images are not accepted; please upload JPG, PNG, GIF or PDF."]


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "WebP"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "HEIC"),
        (b"II*\x00\x08\x00\x00\x00", "TIFF"),
        (image_bytes(image_format="BMP"), "BMP"),
    ],
)
def test_common_refused_image_formats_are_named(content, shown):
    error = error_of(upload(content, "scan.jpg", "image/jpeg"))
    assert error.code == "unsupported_type"
    assert error.messages == [f"{shown} images are not accepted; please upload JPG, PNG, GIF or PDF."]


def test_empty_file_is_refused():
    error = error_of(upload(b"", "scan.pdf"))
    assert error.code == "empty"
    assert error.messages == ["The file is empty; please upload the scan again."]


def test_oversize_file_is_refused_before_reading():
    file = RecordingFile(b"%PDF-" + b"0" * (2 * 1024 * 1024), "scan.pdf")
    error = error_of(file, max_bytes=2 * 1024 * 1024)
    assert error.code == "too_large"
    assert error.messages == ["The file is larger than 2 MB; please upload a smaller scan."]
    assert file.read_sizes == []


@pytest.mark.parametrize(
    "content",
    [pdf_bytes() + b"\n" * (3 * CHUNK_BYTES), jpeg_with_gps((400, 400))],
    ids=["pdf", "jpeg"],
)
def test_file_larger_than_its_declared_size_is_refused_while_reading(content):
    file = upload(content)
    file.size = 10
    error = error_of(file, max_bytes=len(content) - 1)
    assert error.code == "too_large"


def test_file_of_exactly_the_limit_is_accepted():
    original = pdf_bytes()
    assert inspect_upload(upload(original), max_bytes=len(original)).size == len(original)


# Names


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\x\\scan.pdf", "scan.pdf"),
        (".htaccess", "htaccess"),
        ("...", ""),
        ("", ""),
        (" 学历证书.pdf ", "学历证书.pdf"),
        ("scan\x00\r\n.pdf", "scan.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ],
)
def test_safe_display_name(name, shown):
    assert safe_display_name(name) == shown


def test_safe_display_name_caps_length_keeping_the_extension():
    shown = safe_display_name("证" * 300 + ".docx")
    assert len(shown) == 120
    assert shown == "证" * 114 + "….docx"


def test_safe_display_name_caps_length_without_an_extension():
    assert safe_display_name("a" * 300) == "a" * 119 + "…"


def test_random_storage_name_is_unguessable_and_uses_the_safe_extension():
    first = random_storage_name(kind=UploadKind.JPEG, prefix="applications/42")
    second = random_storage_name(kind="jpeg", prefix="applications/42")
    assert re.fullmatch(r"materials/applications/42/[0-9a-f]{32}\.jpg", first)
    assert re.fullmatch(r"materials/applications/42/[0-9a-f]{32}\.jpg", second)
    assert first != second


@pytest.mark.parametrize("prefix", ["../etc", "/abs", "a//b", "a/", "", "a b"])
def test_random_storage_name_refuses_unsafe_prefix(prefix):
    with pytest.raises(ValueError, match="Storage prefix"):
        random_storage_name(kind="pdf", prefix=prefix)


def test_large_pdf_is_not_read_whole():
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    stream = DecodedStreamObject()
    stream.set_data(b"%" + bytes(range(48, 58)) * 200_000 + b"\n")
    page[NameObject("/Contents")] = writer._add_object(stream)
    output = io.BytesIO()
    writer.write(output)
    file = RecordingFile(output.getvalue(), "scan.pdf")
    assert inspect_upload(file, max_bytes=MAX_BYTES).size > 16 * CHUNK_BYTES
    assert max(file.read_sizes) <= CHUNK_BYTES
    assert -1 not in file.read_sizes


# Content that is not active is kept


def test_pdf_opening_at_a_page_and_linking_to_a_web_page_is_accepted():
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject("/OpenAction")] = ArrayObject([page.indirect_reference, NameObject("/Fit")])
    writer.add_uri(0, "https://www.baiyun.gov.cn/", [0, 0, 100, 20])
    output = io.BytesIO()
    writer.write(output)
    assert inspect_upload(upload(output.getvalue(), "scan.pdf"), max_bytes=MAX_BYTES).kind == UploadKind.PDF


def test_docx_with_images_fonts_and_hyperlinks_is_accepted():
    parts = {
        "word/media/image1.png": image_bytes(image_format="PNG"),
        "word/fonts/font1.odttf": b"\x00" * 32,
        "word/theme/theme1.xml": b'<?xml version="1.0"?><a:theme xmlns:a="urn:a"/>',
        "customXml/item1.xml": b'<?xml version="1.0"?><b:Sources xmlns:b="urn:b"/>',
        "word/_rels/document.xml.rels": relationships(
            ("image", "media/image1.png", ""), ("hyperlink", "https://www.baiyun.gov.cn/", "External")
        ),
    }
    assert inspect_upload(upload(docx(parts), "cv.docx"), max_bytes=MAX_BYTES).kind == UploadKind.DOCX


@pytest.mark.parametrize(
    ("name", "kind", "shown"),
    [
        ("x.hta", UploadKind.PDF, "x.pdf"),
        ("合同.PDF", UploadKind.PDF, "合同.PDF"),
        ("photo.jpeg", UploadKind.JPEG, "photo.jpeg"),
        ("photo.png", UploadKind.JPEG, "photo.jpg"),
        ("scan", UploadKind.PNG, "scan.png"),
        ("简历 v1.2 final", UploadKind.DOCX, "简历 v1.2 final.docx"),
        ("", UploadKind.PDF, ""),
    ],
)
def test_name_for_kind_takes_the_extension_of_the_content(name, kind, shown):
    assert name_for_kind(name, kind=kind) == shown
