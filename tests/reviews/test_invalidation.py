"""Every write of what a dashboard shows moves the version its cached pages are kept under, bulk writes included."""

import pytest

from accounts.models import Department, Employer
from accounts.roles import Role
from accounts.writes import WriteSignallingQuerySet
from applications.models import Application
from applications.services import application_create, application_submit, application_transition, application_update
from reviews.caching import CHOICES_VERSION, DEADLINES_VERSION, QUEUE_VERSION, cache_version
from reviews.models import StageDeadline
from reviews.services import applications_bulk_transition, employer_confirm
from tests.factories import DepartmentFactory, EmployerFactory, UserFactory, application_with_materials
from tests.reviews.conftest import bulk_applications

pytestmark = pytest.mark.django_db

OPINION = "材料齐全，符合条件。"
# What each model's writes must move: the queues show applications, the names of organisations and the limits.
FOLLOWED = {
    Application: (QUEUE_VERSION,),
    Department: (QUEUE_VERSION, CHOICES_VERSION),
    Employer: (QUEUE_VERSION, CHOICES_VERSION),
    StageDeadline: (QUEUE_VERSION, DEADLINES_VERSION),
}


def tokens(*names: str) -> dict[str, str]:
    return {name: cache_version(name) for name in names}


def assert_moves(names: tuple[str, ...], write) -> None:
    before = tokens(*names)
    write()
    after = tokens(*names)
    assert [after[name] != before[name] for name in names] == [True] * len(names)


@pytest.mark.parametrize("model", list(FOLLOWED))
def test_every_manager_of_a_followed_model_announces_bulk_writes(model):
    # A manager added later on a plain QuerySet would let its update() pass unseen: this fails first.
    assert [isinstance(manager.get_queryset(), WriteSignallingQuerySet) for manager in model._meta.managers] == [
        True
    ] * len(model._meta.managers)


def _application_writes(employer):
    def rows():
        return Application.objects.filter(employer=employer)

    def bulk_update():
        applications = list(rows())
        for application in applications:
            application.full_name = "改名"
        Application.objects.bulk_update(applications, ["full_name"])

    def save():
        application = rows().first()
        application.full_name = "另一个名字"
        application.save()

    return {
        "update": lambda: rows().update(full_name="新名字"),
        "related update": lambda: employer.applications.update(full_name="经由单位"),
        "bulk_update": bulk_update,
        "bulk_create": lambda: bulk_applications(1, employer=employer),
        "save": save,
        "queryset delete": lambda: rows().filter(pk=rows().first().pk).delete(),
    }


@pytest.mark.parametrize("write", ["update", "related update", "bulk_update", "bulk_create", "save", "queryset delete"])
def test_every_kind_of_application_write_moves_the_queue_version(employer, write):
    bulk_applications(3, employer=employer)
    assert_moves(FOLLOWED[Application], _application_writes(employer)[write])


def _organisation_writes(model):
    if model is StageDeadline:
        instance = StageDeadline.objects.get(state="submitted")
        field = {"days": 12}
        made = [StageDeadline(state="issued", days=3)]
    elif model is Department:
        instance = DepartmentFactory()
        field = {"name": "改名的部门"}
        made = [Department(code="bulk-made", name="批量部门")]
    else:
        instance = EmployerFactory()
        field = {"name": "改名的单位"}
        made = [EmployerFactory.build(department=instance.department)]
    return {
        "update": lambda: model.objects.filter(pk=instance.pk).update(**field),
        "bulk_create": lambda: model.objects.bulk_create(made),
        "save": instance.save,
        "delete": lambda: model.objects.filter(pk=instance.pk).delete(),
    }


@pytest.mark.parametrize("write", ["update", "bulk_create", "save", "delete"])
@pytest.mark.parametrize("model", [Department, Employer, StageDeadline])
def test_every_kind_of_organisation_or_limit_write_moves_its_versions(model, write):
    assert_moves(FOLLOWED[model], _organisation_writes(model)[write])


# The services that write applications: each is one of the paths above, checked end to end.


def test_creating_and_editing_an_application_moves_the_queue_version():
    applicant = UserFactory(roles=[Role.APPLICANT])
    created = {}
    assert_moves((QUEUE_VERSION,), lambda: created.setdefault("application", application_create(applicant=applicant)))
    assert_moves(
        (QUEUE_VERSION,),
        lambda: application_update(
            application_id=created["application"].pk, actor=applicant, fields={"full_name": "王五"}
        ),
    )


def test_submitting_moves_the_queue_version():
    application = application_with_materials(route="gold")
    assert_moves(
        (QUEUE_VERSION,),
        lambda: application_submit(
            application_id=application.pk, actor=application.applicant, expected_state=application.state
        ),
    )


def test_a_transition_and_a_bulk_decision_move_the_queue_version(department, department_reviewer):
    first, second = (
        application_with_materials(route="gold", submit=True, employer=EmployerFactory(department=department))
        for _index in range(2)
    )
    assert_moves(
        (QUEUE_VERSION,),
        lambda: application_transition(
            application_id=first.pk, name="pass_initial", actor=department_reviewer, opinion=OPINION
        ),
    )
    assert_moves(
        (QUEUE_VERSION,),
        lambda: applications_bulk_transition(
            actor=department_reviewer, name="pass_initial", application_ids=[second.pk], opinion=OPINION
        ),
    )


def test_confirming_an_employer_that_moves_applications_moves_the_queue_version(department, department_reviewer):
    application = application_with_materials(route="gold", submit=True, employer=EmployerFactory(department=department))
    entered = EmployerFactory(department=department, confirmed=False)
    Application.objects.filter(pk=application.pk).update(employer=entered)
    registered = EmployerFactory(department=department)
    Employer.objects.filter(pk=registered.pk).update(uscc=entered.uscc)
    # No save of an application or an employer here: the applications move by one update().
    assert_moves(
        (QUEUE_VERSION,),
        lambda: employer_confirm(application_id=application.pk, actor=department_reviewer),
    )
    application.refresh_from_db()
    assert application.employer_id == registered.pk
