import factory
from django.contrib.auth.models import Group

from accounts.models import Department, Employer, ServiceDesk, User
from accounts.roles import Role
from accounts.validators import uscc_check_character

PASSWORD = "Correct-horse-42"


def valid_uscc(sequence: int) -> str:
    body = f"91440111MA{sequence:07d}"
    return body + uscc_check_character(body)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"department-{n}")
    name = factory.Sequence(lambda n: f"区测试局{n}")
    name_en = factory.Sequence(lambda n: f"Test Bureau {n}")


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    uscc = factory.Sequence(valid_uscc)
    name = factory.Sequence(lambda n: f"广州测试科技有限公司{n}")
    name_en = factory.Sequence(lambda n: f"Guangzhou Test Technology Co. {n}")
    department = factory.SubFactory(DepartmentFactory)


class ServiceDeskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceDesk

    code = factory.Sequence(lambda n: f"desk-{n}")
    name = factory.Sequence(lambda n: f"服务窗口{n}")
    phone = "86000000"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs) -> None:
        if create and extracted:
            # get_or_create: transactional tests empty the tables, the role groups of the migration included.
            self.groups.add(*(Group.objects.get_or_create(name=role.value)[0] for role in extracted))


# Applications -------------------------------------------------------------------------------------------------

import io  # noqa: E402 - kept beside the application helpers that use it
from datetime import date  # noqa: E402

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402

from applications.identity import resident_id_check_character  # noqa: E402
from applications.models import Application  # noqa: E402
from applications.services import (  # noqa: E402
    application_create,
    application_update,
    date_add_months,
    material_upload,
    materials_checklist,
)

# Profiles of the eligibility spec for each route.
PROFILES = {
    "diamond": {"employer": {"registered_in_district": True}, "honours": ["senior_professional_title"]},
    "gold": {
        "employer": {"registered_in_district": True},
        "education": {"degree": "doctorate", "postgraduate": True, "full_time": True, "university": "other"},
    },
    "silver": {
        "employer": {"pays_tax_in_district": True},
        "education": {"degree": "master", "postgraduate": True, "full_time": True, "university": "double_first_class"},
    },
    "case_by_case": {"employer": {"registered_in_district": True}},
}


def resident_id(birth: str = "19850317", serial: int = 123) -> str:
    first_17 = f"440111{birth}{serial:03d}"
    return first_17 + resident_id_check_character(first_17=first_17)


def jpeg_file(name: str = "scan.jpg", size: tuple[int, int] = (60, 40)) -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", size, color="white").save(output, format="JPEG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/jpeg")


def id_photo() -> SimpleUploadedFile:
    return jpeg_file("photo.jpg", size=(358, 441))


def application_with_materials(
    *, applicant=None, route: str = "diamond", employer=None, submit: bool = False, kind: str | None = None
) -> Application:
    """A complete application of the given route (diamond, gold, silver, case_by_case), as an applicant makes one."""
    from applications.services import application_transition

    applicant = applicant or UserFactory(roles=[Role.APPLICANT])
    employer = employer or EmployerFactory()
    application = application_create(applicant=applicant, profile=PROFILES[route], kind=kind or "new")
    today = timezone.localdate()
    application = application_update(
        application_id=application.pk,
        actor=applicant,
        fields={
            "full_name": applicant.full_name,
            "document_number": resident_id(serial=applicant.pk % 1000),
            "birth_date": date(1985, 3, 17),
            "mobile": "13800138000",
            "email": applicant.email,
            "employer": employer,
            "contract_valid_until": date_add_months(today, months=24),
            "insurance_months": 12,
            "requested_tier": "" if route == "case_by_case" else route,
            "case_by_case": route == "case_by_case",
        },
    )
    for item in materials_checklist(application=application):
        if item.required:
            material_upload(
                application_id=application.pk,
                actor=applicant,
                item=item.code,
                file=id_photo() if item.code == "photo" else jpeg_file(f"{item.code}.jpg"),
                scan_of="original",
            )
    Application.objects.filter(pk=application.pk).update(declared_at=timezone.now())
    if submit:
        application_transition(application_id=application.pk, name="submit", actor=applicant)
    return Application.objects.get(pk=application.pk)


def approved_application(*, route: str = "gold", tier: str | None = None, applicant=None, kind: str | None = None):
    """An application taken through 初审, 复审 and 审定 by reviewers of its department and the district."""
    from applications.models import Application
    from applications.services import application_transition

    application = application_with_materials(route=route, submit=True, applicant=applicant, kind=kind)
    tier = tier or route
    department = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    department.departments.add(application.employer.department)
    hr, talent = UserFactory(roles=[Role.HR_REVIEWER]), UserFactory(roles=[Role.TALENT_OFFICE])
    approver = talent if tier == "diamond" else hr
    for name, actor, data in (
        ("pass_initial", department, {"opinion": "同意"}),
        ("pass_second", hr, {"opinion": "同意", "determined_tier": tier}),
        ("approve", approver, {"opinion": "同意"}),
    ):
        application_transition(application_id=application.pk, name=name, actor=actor, **data)
    return Application.objects.get(pk=application.pk)


def issued_card(*, route: str = "gold", tier: str | None = None, applicant=None, kind: str | None = None):
    """A card taken from approval through 制卡 and 发卡, as the task and the talent office do."""
    from applications.services import application_transition
    from cards.models import Card
    from cards.services import card_produce

    application = approved_application(route=route, tier=tier, applicant=applicant, kind=kind)
    card_produce(application_id=application.pk)
    talent = UserFactory(roles=[Role.TALENT_OFFICE])
    application_transition(application_id=application.pk, name="issue_card", actor=talent)
    return Card.objects.get(application=application)


# Policy versions ----------------------------------------------------------------------------------------------

from eligibility.catalogue import POLICY_DIRECTORY  # noqa: E402
from eligibility.dates import date_add_years  # noqa: E402
from eligibility.services import policy_source_with  # noqa: E402

SHIPPED_POLICY = (POLICY_DIRECTORY / "baiyun-2021.yaml").read_text(encoding="utf-8")
# A revision as a district might publish it: D17's tax threshold raised, G04 reworded, S06 dropped, G14 added.
REVISED_D17 = "            - {field: enterprise.district_tax_yuan, gt: 12000000, evidence: [tax_certificate]}\n"
NEW_CRITERION = """  - code: G14
    tier: gold
    zh: 白云区青年英才计划入选者
    en: Selected for the Baiyun young talent programme
    citation: {zh: 第三条（二）第14项, en: Art. 3(2) item 14}
    evidence: [talent_program_certificate]
    honours: [baiyun_young_talent]
"""


def successor_policy_text(*, code: str = "baiyun-2027", start: date = date(2026, 12, 25), revised: bool = True) -> str:
    """The shipped policy as a successor in force from `start` for 5 years, with the revisions above."""
    text = policy_source_with(
        SHIPPED_POLICY,
        code=code,
        document_number="云委人才领字〔2026〕1号",
        issued_on=start.isoformat(),
        in_force_from=start.isoformat(),
        in_force_until=date_add_years(start, years=5).isoformat(),
    )
    if not revised:
        return text
    text = text.replace(
        "            - {field: enterprise.district_tax_yuan, gt: 10000000, evidence: [tax_certificate]}\n", REVISED_D17
    )
    text = text.replace("    zh: 珠江科技新星奖获奖者\n", "    zh: 珠江科技新星奖获得者\n")
    start_s06 = text.index("  - code: S06\n")
    end_s06 = text.index("  - code: S07\n")
    text = text[:start_s06] + text[end_s06:]
    text = text.replace("  - code: S01\n", NEW_CRITERION + "  - code: S01\n")
    return text.replace(
        "  - {code: city_skills_award,",
        "  - {code: baiyun_young_talent, zh: 白云区青年英才计划入选者, en: Baiyun young talent}\n"
        "  - {code: city_skills_award,",
    )
