import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from rosters.models import Invitation, Roster, RosterStatus
from tests.factories import EmployerFactory, UserFactory
from tests.rosters.helpers import roster_bytes, ten_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    user = UserFactory(roles=[Role.EMPLOYER])
    user.employers.add(EmployerFactory())
    return user


def upload(client, officer, content: bytes, name: str = "staff.xlsx"):
    """Posts a roster as the officer; the reading task runs when the request's transaction commits."""
    from django.test import TestCase

    client.force_login(officer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("rosters:home"),
            {"employer": officer.employers.get().pk, "file": SimpleUploadedFile(name, content)},
        )


def test_roster_upload_evaluates_every_row_and_stays_a_draft(client, officer):
    response = upload(client, officer, roster_bytes(ten_staff()))

    roster = Roster.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("rosters:detail", kwargs={"pk": roster.pk})
    assert roster.status == RosterStatus.DRAFT
    assert (roster.rows_total, roster.rows_qualifying, roster.rows_with_errors) == (10, 2, 0)
    rows = {row.row_number: row for row in roster.rows.all()}
    assert (rows[2].tier, rows[2].criteria) == ("diamond", ["D11"])
    assert (rows[3].tier, rows[3].criteria) == ("gold", ["G06"])
    assert rows[4].tier == ""
    assert Invitation.objects.count() == 0
