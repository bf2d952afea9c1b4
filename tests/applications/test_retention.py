from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import Role
from applications.models import Application, HistoryEntry
from applications.retention import materials_retention_delete
from applications.services import application_transition
from applications.workflow import State
from tests.factories import UserFactory, application_with_materials, approved_application

pytestmark = pytest.mark.django_db


def rejected_application():
    application = application_with_materials(route="gold", submit=True)
    department = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    department.departments.add(application.employer.department)
    hr = UserFactory(roles=[Role.HR_REVIEWER])
    application_transition(application_id=application.pk, name="pass_initial", actor=department, opinion="同意")
    application_transition(application_id=application.pk, name="reject", actor=hr, reasons="学历证明不符合")
    return Application.objects.get(pk=application.pk)


def withdrawn_application():
    application = application_with_materials(route="gold", submit=True)
    application_transition(application_id=application.pk, name="withdraw", actor=application.applicant)
    return Application.objects.get(pk=application.pk)


def files_of(application) -> list[bool]:
    return [default_storage.exists(material.file.name) for material in application.materials.order_by("pk")]


def deleted_marks(application) -> set[bool]:
    return {material.content_deleted_at is not None for material in application.materials.all()}


def days_later(days: int):
    return time_machine.travel(timezone.now() + timedelta(days=days), tick=False)


@pytest.fixture
def periods(settings):
    settings.RETENTION_REJECTED_DAYS = 365
    settings.RETENTION_WITHDRAWN_DAYS = 90
    settings.RETENTION_DRAFT_DAYS = 180


def test_uploads_of_a_rejected_application_go_after_its_period_and_the_decision_stays(periods):
    application = rejected_application()
    count = application.materials.count()
    with days_later(364):
        assert materials_retention_delete() == {}
    assert set(files_of(application)) == {True}
    with days_later(366):
        assert materials_retention_delete() == {"rejected": count}
    assert files_of(application) == [False] * count
    assert deleted_marks(application) == {True}
    application.refresh_from_db()
    assert application.state == State.REJECTED
    rejection = HistoryEntry.objects.get(application=application, transition="reject")
    assert rejection.reasons == "学历证明不符合"
    assert application.submissions.get().materials.count() == count


def test_uploads_of_a_withdrawn_application_go_after_its_own_period(periods):
    application = withdrawn_application()
    with days_later(89):
        assert materials_retention_delete() == {}
    with days_later(91):
        assert materials_retention_delete() == {"withdrawn": application.materials.count()}
    assert set(files_of(application)) == {False}


def test_uploads_of_a_draft_never_submitted_go_after_its_period(periods):
    draft = application_with_materials(route="gold")
    with days_later(179):
        assert materials_retention_delete() == {}
    with days_later(181):
        assert materials_retention_delete() == {"draft": draft.materials.count()}
    assert deleted_marks(draft) == {True}


def test_applications_under_review_or_with_a_card_keep_their_uploads(periods):
    approved = approved_application(route="gold")
    submitted = application_with_materials(route="silver", submit=True)
    with days_later(3650):
        assert materials_retention_delete() == {}
    assert set(files_of(approved) + files_of(submitted)) == {True}


def test_the_command_reports_the_periods_and_what_it_deleted(periods, capsys):
    withdrawn = withdrawn_application()
    with days_later(91):
        call_command("retention", "--dry-run")
        assert capsys.readouterr().out == (
            f"rejected: 365 days\nwithdrawn: 90 days\ndraft: 180 days\ndue: {withdrawn.materials.count()} files\n"
        )
        assert set(files_of(withdrawn)) == {True}
        call_command("retention")
    assert capsys.readouterr().out.endswith(
        f"deleted: {withdrawn.materials.count()} files (withdrawn {withdrawn.materials.count()})\n"
    )
    assert set(files_of(withdrawn)) == {False}


def test_the_nightly_schedule_runs_the_retention_task(settings):
    from baiyun_talent.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["applications-retention"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def test_the_auditor_sees_what_was_deleted_and_when(client, periods):
    withdrawn = withdrawn_application()
    with days_later(91):
        materials_retention_delete()
    material = withdrawn.materials.order_by("pk").first()
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    response = client.get("/applications/deleted-files/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == withdrawn.materials.count()
    assert {row["state"] for row in rows} == {"Withdrawn"}
    assert {row["material"].content_deleted_at for row in rows} == {material.content_deleted_at}
    page = response.content.decode()
    assert material.original_name in page
    assert timezone.localtime(material.content_deleted_at).strftime("%Y-%m-%d %H:%M") in page
