import io
import tracemalloc

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse
from django.utils import translation
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from accounts.models import AccessLog
from accounts.roles import Role
from applications.models import Material
from applications.services import application_create, material_upload
from tests.applications.test_uploads import HTML_PAYLOAD, SVG, pdf_bytes, png_declaring
from tests.factories import PROFILES, UserFactory, application_with_materials, id_photo, jpeg_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in English leaves English active in this thread; later tests expect the default language."""
    yield
    translation.deactivate()


MEBIBYTE = 1024 * 1024


@pytest.fixture
def draft(applicant):
    return application_create(applicant=applicant, profile=PROFILES["gold"])


def materials_url(application):
    return reverse("applications:edit", kwargs={"pk": application.pk, "step": "materials"})


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def large_pdf(size: int) -> bytes:
    """A readable one-page PDF whose content stream makes it about `size` bytes."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    stream = DecodedStreamObject()
    stream.set_data(b"%" + b"0" * size + b"\n")
    page[NameObject("/Contents")] = writer._add_object(stream)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def scanned(data: dict) -> dict:
    """The upload form's data with every file but the photo declared a scan of the original (申领指南 六（一）)."""
    answers = {
        f"scan_of-{name.removeprefix('files-')}": "original"
        for name in data
        if name.startswith("files-") and name != "files-photo"
    }
    return {**data, **answers}


def item_errors(response, item: str) -> list[str]:
    return response.context["form"].errors.get(f"files-{item}", [])


def test_materials_step_lists_the_checklist_of_the_evaluation(client, draft):
    response = client.get(materials_url(draft))

    codes = [item.code for item, _field, _scan_of, _replace in response.context["form"].rows()]
    assert codes == [
        "application_form",
        "identity_document",
        "degree_certificates",
        "professional_qualification",
        "employment_contract",
        "social_insurance_or_tax",
        "photo",
        "degree_verification",
    ]


def test_upload_stores_the_file_privately_under_a_random_name(client, draft):
    response = client.post(
        materials_url(draft), scanned({"files-degree_certificates": upload("学位证.pdf", pdf_bytes())})
    )

    material = Material.objects.get(application=draft)
    assert response.status_code == 302
    assert (material.item, material.original_name, material.kind) == ("degree_certificates", "学位证.pdf", "pdf")
    assert material.file.name.startswith(f"materials/{draft.pk}/")
    assert material.file.name.endswith(".pdf")
    assert "学位证" not in material.file.name
    assert default_storage.exists(material.file.name)


def test_several_files_for_one_item_are_all_kept(client, draft):
    client.post(
        materials_url(draft),
        scanned({"files-degree_certificates": [upload("a.pdf", pdf_bytes()), jpeg_file("b.jpg")]}),
    )

    assert sorted(Material.objects.filter(item="degree_certificates").values_list("original_name", flat=True)) == [
        "a.pdf",
        "b.jpg",
    ]


def test_a_path_in_the_file_name_is_dropped(client, draft):
    client.post(
        materials_url(draft), scanned({"files-degree_certificates": upload("../../etc/passwd.pdf", pdf_bytes())})
    )

    material = Material.objects.get(application=draft)
    assert material.original_name == "passwd.pdf"
    assert ".." not in material.file.name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "degree.pdf",
            b"This is a plain text file renamed to PDF.",
            "degree.pdf: The content of this file is not GIF, JPG, PNG, PDF, DOC or DOCX, whatever its name says; "
            "please upload a file in one of those formats.",
        ),
        (
            "scan.jpg",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
            "scan.jpg: The content of this file is not GIF, JPG, PNG, PDF, DOC or DOCX, whatever its name says; "
            "please upload a file in one of those formats.",
        ),
        (
            "scan.png",
            HTML_PAYLOAD,
            "scan.png: The content of this file is not GIF, JPG, PNG, PDF, DOC or DOCX, whatever its name says; "
            "please upload a file in one of those formats.",
        ),
        ("logo.svg", SVG, "logo.svg: SVG images are not accepted; please upload JPG, PNG, GIF or PDF."),
        (
            "bomb.png",
            png_declaring(40_000, 40_000),
            "bomb.png: This image has more than 20 megapixels; please scan at a lower resolution (300 dpi is enough).",
        ),
        (
            "broken.pdf",
            b"%PDF-1.4\n" + b"\x8f junk that is not a PDF body " * 50,
            "broken.pdf: This PDF cannot be read (it may be damaged or incomplete); please save or scan it again.",
        ),
    ],
    ids=["text-renamed-pdf", "executable-as-image", "html-as-image", "svg", "decompression-bomb", "corrupt-pdf"],
)
def test_bad_file_is_refused_beside_its_item(client, draft, name, content, message):
    response = client.post(materials_url(draft), scanned({"files-degree_certificates": upload(name, content)}))

    assert response.status_code == 200
    assert item_errors(response, "degree_certificates") == [message]
    assert not Material.objects.filter(application=draft).exists()


def test_oversize_file_is_refused_with_the_limit(client, draft):
    content = b"%PDF-1.4\n" + b"0" * (12 * MEBIBYTE)

    response = client.post(materials_url(draft), scanned({"files-degree_certificates": upload("huge.pdf", content)}))

    assert item_errors(response, "degree_certificates") == [
        "huge.pdf: The file is larger than 10 MB; please upload a smaller scan."
    ]
    assert not Material.objects.filter(application=draft).exists()


def test_a_refused_file_keeps_the_other_uploads(client, draft):
    response = client.post(
        materials_url(draft),
        scanned(
            {
                "files-degree_certificates": [upload("good.pdf", pdf_bytes()), upload("bad.pdf", b"not a pdf")],
                "files-employment_contract": upload("contract.pdf", pdf_bytes()),
            }
        ),
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["files-degree_certificates"]
    assert sorted(Material.objects.values_list("original_name", flat=True)) == ["contract.pdf", "good.pdf"]
    shown = {item.code: [file.original_name for file in item.files] for item in response.context["form"].checklist}
    assert shown["degree_certificates"] == ["good.pdf"]
    assert shown["employment_contract"] == ["contract.pdf"]


def test_photo_must_meet_the_id_card_standard(client, draft):
    response = client.post(materials_url(draft), scanned({"files-photo": jpeg_file("me.jpg", size=(300, 400))}))

    assert item_errors(response, "photo") == [
        "me.jpg: The photo must be a JPEG of 358 × 441 pixels (second-generation ID card standard); "
        "this one is JPEG 300 × 400."
    ]


def test_new_photo_replaces_the_current_one(client, draft):
    client.post(materials_url(draft), scanned({"files-photo": id_photo()}))
    client.post(materials_url(draft), scanned({"files-photo": id_photo()}))

    assert list(Material.objects.filter(item="photo").values_list("is_current", flat=True).order_by("pk")) == [
        False,
        True,
    ]


def test_replace_option_supersedes_the_items_current_files(client, draft):
    client.post(materials_url(draft), scanned({"files-degree_certificates": upload("old.pdf", pdf_bytes())}))
    client.post(
        materials_url(draft),
        scanned({"files-degree_certificates": upload("new.pdf", pdf_bytes()), "replace-degree_certificates": "on"}),
    )

    assert list(Material.objects.filter(is_current=True).values_list("original_name", flat=True)) == ["new.pdf"]
    assert Material.objects.count() == 2


def test_remove_takes_the_file_out_of_the_current_materials(client, draft, applicant):
    material = material_upload(
        application_id=draft.pk, actor=applicant, item="application_form", file=jpeg_file(), scan_of="original"
    )

    response = client.post(reverse("applications:material_remove", kwargs={"pk": material.pk}))

    material.refresh_from_db()
    assert response.status_code == 302
    assert material.is_current is False


def test_remove_of_another_users_file_is_not_found(client, applicant):
    other = application_with_materials()
    material = other.materials.first()

    response = client.post(reverse("applications:material_remove", kwargs={"pk": material.pk}))

    material.refresh_from_db()
    assert response.status_code == 404
    assert material.is_current is True


def test_large_pdf_is_streamed_without_holding_it_in_memory(draft, applicant):
    content = large_pdf(8 * MEBIBYTE)
    file = TemporaryUploadedFile("big.pdf", "application/pdf", len(content), None)
    file.write(content)
    file.seek(0)
    size = len(content)
    del content
    try:
        tracemalloc.start()
        material = material_upload(
            application_id=draft.pk, actor=applicant, item="degree_certificates", file=file, scan_of="original"
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        file.close()
    assert material.size == size
    assert peak < size // 8


def test_owner_downloads_a_file_as_an_attachment(client, draft, applicant):
    material = material_upload(
        application_id=draft.pk,
        actor=applicant,
        item="degree_certificates",
        file=upload("学位证.pdf", pdf_bytes()),
        scan_of="original",
    )

    response = client.get(reverse("applications:material_download", kwargs={"pk": material.pk}))

    body = b"".join(response.streaming_content)  # the test client closes the file once read
    assert response.status_code == 200
    assert body.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E5%AD%A6%E4%BD%8D%E8%AF%81.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AccessLog.objects.count() == 0


def test_another_applicants_file_is_not_found(client, applicant):
    other = application_with_materials(submit=True)

    response = client.get(reverse("applications:material_download", kwargs={"pk": other.materials.first().pk}))

    assert response.status_code == 404


def test_reviewer_of_the_department_downloads_and_is_logged(client):
    application = application_with_materials(submit=True)
    reviewer = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    reviewer.departments.add(application.department)
    client.force_login(reviewer)
    material = application.materials.first()

    response = client.get(reverse("applications:material_download", kwargs={"pk": material.pk}))
    b"".join(response.streaming_content)

    assert response.status_code == 200
    assert list(AccessLog.objects.values_list("user", "action", "object_id", "role")) == [
        (reviewer.pk, "download", str(material.pk), "department_reviewer")
    ]


def test_reviewer_does_not_see_a_draft_file(client):
    application = application_with_materials()
    reviewer = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    reviewer.departments.add(application.employer.department)
    client.force_login(reviewer)

    response = client.get(reverse("applications:material_download", kwargs={"pk": application.materials.first().pk}))

    assert response.status_code == 404


def test_download_needs_a_login(client):
    application = application_with_materials()

    response = client.get(reverse("applications:material_download", kwargs={"pk": application.materials.first().pk}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_materials_page_does_not_query_per_file(client, draft, applicant, django_assert_max_num_queries):
    for index in range(6):
        material_upload(
            application_id=draft.pk,
            actor=applicant,
            item="degree_certificates",
            file=jpeg_file(f"{index}.jpg"),
            scan_of="original",
        )

    with django_assert_max_num_queries(12):
        response = client.get(materials_url(draft))

    assert response.status_code == 200


def employer_officer_of(application):
    officer = UserFactory(roles=[Role.EMPLOYER])
    officer.employers.add(application.employer)
    return officer


def test_employer_officer_does_not_download_materials(client):
    application = application_with_materials(submit=True)
    client.force_login(employer_officer_of(application))

    statuses = [
        client.get(reverse("applications:material_download", kwargs={"pk": material.pk})).status_code
        for material in application.materials.all()
    ]

    assert statuses == [404] * application.materials.count()
    assert AccessLog.objects.filter(action="download").count() == 0


def test_employer_officer_follows_progress_without_the_material_links(client):
    application = application_with_materials(submit=True)
    client.force_login(employer_officer_of(application))

    response = client.get(reverse("applications:detail", kwargs={"pk": application.pk}))

    assert response.status_code == 200
    assert response.context["materials_visible"] is False
    assert "/download/" not in response.content.decode()
    assert "Its materials are read by the applicant and the reviewers only." in response.content.decode()
