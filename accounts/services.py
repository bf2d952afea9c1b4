"""Writes for accounts and organisations."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction

from accounts.models import Department, Employer, ServiceDesk, User
from accounts.roles import Role
from accounts.validators import uscc_check_character

DEMO_PASSWORD = "Baiyun-demo-2026"  # noqa: S105 - printed for the local demo, documented in the README

# Demo employers: (17-character code body, name, English name, department code).
DEMO_EMPLOYERS = (
    (
        "91440111MA5D00011",
        "广州白云智造科技有限公司",
        "Guangzhou Baiyun Smart Manufacturing Technology Co., Ltd.",
        "sci-tech-industry",
    ),
    ("12440111MB2C00022", "白云区第一人民医院", "Baiyun District First People's Hospital", "health"),
    (
        "91440111MA9B00033",
        "广州云山农业发展有限公司",
        "Guangzhou Yunshan Agricultural Development Co., Ltd.",
        "agriculture",
    ),
)

# One account a role: (username, real name, role).
DEMO_ACCOUNTS = (
    ("applicant", "李明", Role.APPLICANT),
    ("employer", "王芳", Role.EMPLOYER),
    ("department", "张伟", Role.DEPARTMENT_REVIEWER),
    ("hr", "陈静", Role.HR_REVIEWER),
    ("talent", "刘洋", Role.TALENT_OFFICE),
    ("desk", "赵磊", Role.SERVICE_DESK),
    ("auditor", "孙丽", Role.AUDITOR),
)


def reference_data_load() -> None:
    """Loads the industry departments and service desks fixtures (idempotent: rows are matched by code)."""
    call_command("loaddata", "departments", "service_desks", verbosity=0)


@transaction.atomic
def demo_data_seed() -> list[tuple[str, str, Role]]:
    """Creates reference data, demo employers and one account a role; returns (username, password, role)."""
    reference_data_load()
    employers = []
    for body, name, name_en, department_code in DEMO_EMPLOYERS:
        employer, _ = Employer.objects.update_or_create(
            uscc=body + uscc_check_character(body),
            confirmed=True,
            defaults={
                "name": name,
                "name_en": name_en,
                "department": Department.objects.get(code=department_code),
            },
        )
        employers.append(employer)
    accounts = []
    for username, full_name, role in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "email": f"{username}@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role.value))
        if role == Role.TALENT_OFFICE and not user.is_staff:
            # The talent office loads and publishes policy versions in the admin (第九条).
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        if role == Role.EMPLOYER:
            user.employers.add(employers[0])
        elif role == Role.DEPARTMENT_REVIEWER:
            user.departments.add(employers[0].department)
        elif role == Role.SERVICE_DESK:
            user.service_desks.add(ServiceDesk.objects.get(code="library"))
        accounts.append((username, DEMO_PASSWORD, role))
    return accounts


def access_log_record(*, user: User, action: str, obj, role: str = "") -> None:
    """Records a read or a download of `obj` (an instance of any model) by `user`."""
    from accounts.models import AccessLog

    AccessLog.objects.create(
        user=user, role=role, action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )


def user_language_set(*, user: User, language: str) -> bool:
    """Records the language a person chose: their notices are written in it. True when it changed."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True
