import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from applications.models import Application
from tests.factories import DepartmentFactory, EmployerFactory, UserFactory

_serial = itertools.count(1)


def bulk_applications(count: int, *, employer, state: str = "submitted", **fields) -> list[Application]:
    """Rows straight into the database, as a queue of `count` applications (not through the upload path)."""
    start = next(_serial) * 100_000
    users = User.objects.bulk_create(
        [User(username=f"bulk{start + index}", full_name=f"申请人{start + index}") for index in range(count)]
    )
    now = timezone.now()
    defaults = {
        "kind": "new",
        "requested_tier": "gold",
        "submitted_at": now - timedelta(days=3),
        "stage_entered_at": now - timedelta(days=1),
        "evaluation": {"criteria": ["G06"], "tier": "gold", "eligible": True, "evidence": []},
    }
    defaults.update(fields)
    return Application.objects.bulk_create(
        [
            Application(
                applicant=user,
                number=f"BY2026{start + index:07d}"[:20],
                state=state,
                full_name=user.full_name,
                employer=employer,
                department=employer.department,
                passed_initial_at=now if state not in ("draft", "submitted", "returned") else None,
                **defaults,
            )
            for index, user in enumerate(users)
        ]
    )


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def employer(department):
    return EmployerFactory(department=department)


@pytest.fixture
def department_reviewer(department):
    user = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    user.departments.add(department)
    return user


@pytest.fixture
def hr_reviewer():
    return UserFactory(roles=[Role.HR_REVIEWER])


@pytest.fixture
def talent_office():
    return UserFactory(roles=[Role.TALENT_OFFICE])


@pytest.fixture
def auditor():
    return UserFactory(roles=[Role.AUDITOR])
