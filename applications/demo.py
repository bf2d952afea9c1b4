"""Demo applications for `seed_demo`: a few talents at each review stage, made through the real services."""

import io
from datetime import date

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from accounts.models import Employer, User
from accounts.roles import Role
from applications.identity import resident_id_check_character
from applications.models import Application, ScanOf
from applications.services import (
    application_create,
    application_submit,
    application_transition,
    application_update,
    date_add_months,
    material_upload,
    materials_checklist,
    today_local,
)

# (username, name, profile, requested tier or "" for 一事一议, steps after submission)
DEMO_TALENTS = (
    ("demo-zhou", "周建华", {"honours": ["senior_professional_title"]}, "diamond", ["pass_initial"]),
    (
        "demo-wu",
        "吴晓雯",
        {"education": {"degree": "doctorate", "postgraduate": True, "full_time": True, "university": "other"}},
        "gold",
        [],
    ),
    (
        "demo-zheng",
        "郑凯",
        {
            "education": {
                "degree": "master",
                "postgraduate": True,
                "full_time": True,
                "university": "double_first_class",
            }
        },
        "silver",
        ["pass_initial", "pass_second"],
    ),
    ("demo-feng", "冯敏", {}, "", ["pass_initial", "pass_second"]),
)


def _portrait() -> SimpleUploadedFile:
    """A stand-in 证件照: a head-and-shoulders outline on the blue of an ID photo, 358 × 441 pixels."""
    image = Image.new("RGB", (358, 441), color=(67, 142, 219))
    draw = ImageDraw.Draw(image)
    draw.ellipse((24, 300, 334, 620), fill=(236, 240, 244))
    draw.ellipse((104, 80, 254, 270), fill=(236, 240, 244))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=90)
    return SimpleUploadedFile("photo.jpg", output.getvalue(), content_type="image/jpeg")


def _scan(name: str, size: tuple[int, int] = (620, 877)) -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", size, color="white").save(output, format="JPEG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/jpeg")


def demo_application_submit(
    *, username: str, name: str, facts: dict, tier: str, serial: int, password: str
) -> Application | None:
    """Creates one demo talent with a complete, submitted application; None if the talent exists already."""
    user, is_new = User.objects.get_or_create(
        username=username, defaults={"full_name": name, "email": f"{username}@example.org"}
    )
    if not is_new:
        return None
    user.set_password(password)
    user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=Role.APPLICANT))
    profile = {"employer": {"registered_in_district": True}, **facts}
    application = application_create(applicant=user, profile=profile)
    first_17 = f"44011119850{serial}17{serial:03d}"[:17]
    application = application_update(
        application_id=application.pk,
        actor=user,
        fields={
            "full_name": name,
            "document_number": first_17 + resident_id_check_character(first_17=first_17),
            "birth_date": date(1985, serial, 17),
            "mobile": f"1380013800{serial}",
            "email": user.email,
            "employer": Employer.objects.order_by("pk").first(),
            "job_title": "高级工程师",
            "contract_valid_until": date_add_months(today_local(), months=36),
            "insurance_months": 24,
            "requested_tier": tier,
            "case_by_case": not tier,
        },
    )
    for item in materials_checklist(application=application):
        if item.required:
            scan = _portrait() if item.code == "photo" else _scan(f"{item.code}.jpg")
            material_upload(
                application_id=application.pk, actor=user, item=item.code, file=scan, scan_of=ScanOf.ORIGINAL
            )
    application_submit(application_id=application.pk, actor=user, expected_state="draft")
    return application


def demo_applications_seed(*, password: str) -> list[Application]:
    """Creates the demo talents' applications once; later runs leave them as they are."""
    department_reviewer = User.objects.get(username="department")
    hr = User.objects.get(username="hr")
    created = []
    for serial, (username, name, facts, tier, steps) in enumerate(DEMO_TALENTS, start=1):
        application = demo_application_submit(
            username=username, name=name, facts=facts, tier=tier, serial=serial, password=password
        )
        if application is None:
            continue
        for step in steps:
            if step == "pass_initial":
                application_transition(
                    application_id=application.pk, name=step, actor=department_reviewer, opinion="材料齐全，同意。"
                )
            else:
                application_transition(
                    application_id=application.pk, name=step, actor=hr, opinion="符合条件。", determined_tier=tier
                )
        created.append(Application.objects.get(pk=application.pk))
    return created
