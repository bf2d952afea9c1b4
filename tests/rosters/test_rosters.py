import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import VerificationMessage
from accounts.roles import Role
from applications.models import Application
from rosters.models import Consent, Invitation, Roster, RosterStatus
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


def confirm(client, roster, rows=None):
    from django.test import TestCase

    qualifying = rows if rows is not None else [row.pk for row in roster.rows.filter(eligible=True)]
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("rosters:confirm", kwargs={"pk": roster.pk}), {"rows": qualifying})


def invitation_token(mobile: str) -> str:
    """The token of the link the SMS carried to `mobile`."""
    body = VerificationMessage.objects.filter(destination=mobile).latest("created_at").body
    return body.split("/rosters/invitation/")[1].split("/")[0]


def test_confirmed_roster_invites_the_qualifying_rows_by_sms_and_email(client, officer, mailoutbox):
    upload(client, officer, roster_bytes(ten_staff()))
    roster = Roster.objects.get()

    response = confirm(client, roster)

    roster.refresh_from_db()
    assert response.status_code == 302
    assert roster.status == RosterStatus.CONFIRMED
    assert sorted(Invitation.objects.values_list("row__row_number", flat=True)) == [2, 3]
    assert sorted(message.to[0] for message in mailoutbox) == ["staff1@example.org", "staff2@example.org"]
    sms = VerificationMessage.objects.get(destination="13900000001")
    # The link names nothing of the person: a random token only.
    token = invitation_token("13900000001")
    assert len(token) == 43
    assert "440111" not in sms.body and "员工1" not in sms.body


def test_invitee_consents_corrects_and_starts_a_prefilled_application(client, officer):
    upload(client, officer, roster_bytes(ten_staff()))
    roster = Roster.objects.get()
    confirm(client, roster)
    token = invitation_token("13900000002")
    person = UserFactory(roles=[Role.APPLICANT], mobile="13900000002", email="someone@example.org")
    client.force_login(person)

    client.post(reverse("rosters:invitation_open", kwargs={"token": token}))
    invitation = Invitation.objects.get(person=person)
    page = client.get(reverse("rosters:invitation", kwargs={"pk": invitation.pk}))
    assert page.status_code == 200
    assert "4401**********" in page.content.decode()
    data = {key: value for key, value in page.context["form"].initial.items() if value not in ("", None, [])}
    data.update({"job_title": "高级工程师", "education__full_time": "yes", "consent": "on"})
    response = client.post(reverse("rosters:invitation", kwargs={"pk": invitation.pk}), data)

    application = Application.objects.get(applicant=person)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse(
        "applications:edit", kwargs={"pk": application.pk, "step": "identity"}
    )
    assert application.full_name == "员工2"
    assert application.document_number == invitation.row.document_number
    assert application.job_title == "高级工程师"
    assert application.employer == officer.employers.get()
    assert application.profile["education"]["degree"] == "doctorate"
    assert application.profile["education"]["full_time"] is True
    consent = Consent.objects.get(invitation=invitation)
    assert consent.person == person
    # Recorded exactly as shown: the purpose, the data and who sees it.
    shown = page.context["texts"]
    assert (consent.purpose, consent.data, consent.recipients) == (
        shown["purpose"],
        shown["data"],
        shown["recipients"],
    )
    assert officer.employers.get().name in consent.purpose


def test_invitation_whose_email_fails_is_recorded_and_its_sms_still_goes(client, officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    upload(client, officer, roster_bytes(ten_staff()))

    confirm(client, Roster.objects.get())

    invitation = Invitation.objects.get(row__row_number=2)
    assert (invitation.sms_sent_to, invitation.emailed_to) == ("13900000001", "")
    assert invitation.email_error == "ConnectionRefusedError"
