import socket
from datetime import timedelta

import pytest
from django.urls import reverse

from applications.models import Application, Notice
from applications.notices import notices_email_retry
from tests.factories import application_with_materials


def closed_port() -> int:
    """A loopback port nobody listens on: a mail server that cannot be reached."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def unreachable_mail_server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 5


def submit(client, applicant) -> Application:
    application = application_with_materials(applicant=applicant)
    Application.objects.filter(pk=application.pk).update(declared_at=None)
    response = client.post(
        reverse("applications:edit", kwargs={"pk": application.pk, "step": "submit"}),
        {"declaration": "on", "expected_state": "draft"},
    )
    assert response.status_code == 302
    return Application.objects.get(pk=application.pk)


# Transactional: the notice is sent when the submission commits, inside the request, as in production.
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("unreachable_mail_server")
def test_submit_with_no_reachable_mail_server_succeeds_and_records_the_failure(client, applicant):
    application = submit(client, applicant)

    notice = Notice.objects.get(application=application)
    assert application.state == "submitted"
    assert (notice.emailed_at, notice.email_attempts, notice.email_error) == (None, 1, "ConnectionRefusedError")
    assert notice.email_failed_at is not None


@pytest.mark.django_db(transaction=True)
def test_failed_notice_is_emailed_by_the_scheduled_retry_after_its_wait(client, applicant, settings, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 5
    application = submit(client, applicant)
    failed_at = Notice.objects.get(application=application).email_failed_at
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    too_soon = notices_email_retry(now=failed_at + timedelta(minutes=9))
    sent = notices_email_retry(now=failed_at + timedelta(minutes=10))
    again = notices_email_retry(now=failed_at + timedelta(days=1))

    notice = Notice.objects.get(application=application)
    assert (too_soon, sent, again) == (0, 1, 0)
    assert [message.to for message in mailoutbox] == [[application.email]]
    assert (notice.emailed_to, notice.email_attempts) == (application.email, 2)
    assert notice.emailed_at is not None


@pytest.mark.django_db
def test_the_retry_gives_up_after_its_last_attempt(applicant, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 5
    application = application_with_materials(applicant=applicant, submit=True)
    notice = Notice.objects.create(
        recipient=applicant, application=application, subject="s", body="b", email_attempts=1
    )
    Notice.objects.filter(pk=notice.pk).update(email_failed_at=notice.created_at)

    attempts = []
    for day in range(1, 12):
        notices_email_retry(now=notice.created_at + timedelta(days=day))
        attempts.append(Notice.objects.get(pk=notice.pk).email_attempts)

    assert attempts == [2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9]
