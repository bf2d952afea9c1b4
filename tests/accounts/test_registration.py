import logging
from datetime import timedelta

import pytest
from django.contrib.auth import get_user
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User, VerificationCode, VerificationMessage
from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in English leaves English active in this thread; later tests expect the default language."""
    yield
    translation.deactivate()


DATA = {
    "full_name": "王芳",
    "mobile": "139 1234 5678",
    "email": "wang.fang@example.org",
    "password1": "Baiyun-Talent-2026!",
    "password2": "Baiyun-Talent-2026!",
}


class RecordingGateway:
    """Stands in for the SMS gateway and mail relay: the only external service these tests replace."""

    sent: list[dict] = []

    def send(self, *, channel: str, destination: str, body: str) -> None:
        RecordingGateway.sent.append({"channel": channel, "destination": destination, "body": body})


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def register(client, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:register"), {**DATA, **changes})


def codes() -> dict[str, str]:
    """The codes as the applicant reads them in the messages the default sender kept."""
    found = {}
    for message in VerificationMessage.objects.order_by("created_at", "id"):
        found[message.channel] = next(word for word in message.body.split() if word.rstrip(".").isdigit()).rstrip(".")
    return found


def test_registration_creates_an_inactive_applicant_and_sends_two_codes(
    client, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.INFO, logger="accounts.verification"):
        response = register(client, django_capture_on_commit_callbacks)

    user = User.objects.get(mobile="13912345678")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    assert user.username.startswith("applicant-")
    assert (user.full_name, user.mobile, user.email, user.is_active) == (
        "王芳",
        "13912345678",
        "wang.fang@example.org",
        False,
    )
    assert user.role_codes == frozenset() and list(user.groups.values_list("name", flat=True)) == ["applicant"]
    assert sorted(VerificationMessage.objects.values_list("channel", "destination")) == [
        ("email", "wang.fang@example.org"),
        ("mobile", "13912345678"),
    ]
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert all(code not in logged for code in codes().values())
    assert "13912345678" not in logged and "wang.fang" not in logged
    assert VerificationCode.objects.filter(user=user).count() == 2
    hashes = " ".join(VerificationCode.objects.values_list("code_hash", flat=True))
    assert all(code not in hashes for code in codes().values())


def test_weak_password_is_refused_and_the_form_keeps_what_was_typed(client, django_capture_on_commit_callbacks):
    response = register(client, django_capture_on_commit_callbacks, password1="12345678", password2="12345678")

    assert response.status_code == 200
    assert response.context["form"].errors["password2"] == [
        "This password is too short. It must contain at least 10 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    assert response.context["form"]["full_name"].value() == "王芳"
    assert not User.objects.exists()


def test_malformed_mobile_is_refused(client, django_capture_on_commit_callbacks):
    response = register(client, django_capture_on_commit_callbacks, mobile="5551234")

    assert response.context["form"].errors == {
        "mobile": ["Give an 11-digit mainland mobile number, or an international number starting with +."]
    }


def test_right_codes_activate_the_account_and_sign_in(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)

    response = client.post(reverse("accounts:verify"), codes())

    user = User.objects.get(mobile="13912345678")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert user.is_active is True
    assert get_user(client) == user
    assert client.get(reverse("applications:home")).status_code == 200


def test_registration_keeps_where_the_person_was_going(client, django_capture_on_commit_callbacks):
    start = reverse("applications:start")
    login_page = client.get(reverse("accounts:login") + f"?next={start}").text
    assert f'href="{reverse("accounts:register")}?next=/applications/start/"' in login_page
    form = client.get(reverse("accounts:register") + f"?next={start}").text
    assert f'<input type="hidden" name="next" value="{start}">' in form
    register(client, django_capture_on_commit_callbacks, next=start)

    response = client.post(reverse("accounts:verify"), codes())

    assert response.status_code == 302
    assert response["Location"] == start


def test_registration_ignores_an_offsite_next(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks, next="https://evil.example/")

    response = client.post(reverse("accounts:verify"), codes())

    assert response["Location"] == reverse("home")


def test_wrong_code_is_refused_and_counted(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    right = codes()

    response = client.post(reverse("accounts:verify"), {"email": right["email"], "mobile": "000000"})

    assert response.context["form"].errors == {"mobile": ["This code is not right; check the latest message."]}
    assert response.context["form"]["email"].value() == right["email"]
    assert User.objects.get(mobile="13912345678").is_active is False
    assert VerificationCode.objects.get(channel="mobile").attempts == 1


def test_too_many_wrong_codes_need_new_codes(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    right = codes()
    for _ in range(5):
        client.post(reverse("accounts:verify"), {"email": right["email"], "mobile": "000000"})

    response = client.post(reverse("accounts:verify"), right)

    assert response.context["form"].errors == {"mobile": ["Too many wrong codes; ask for new codes."]}
    assert User.objects.get(mobile="13912345678").is_active is False


def test_expired_code_is_refused(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    VerificationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.post(reverse("accounts:verify"), codes())

    assert response.context["form"].errors == {
        "email": ["This code has expired; ask for new codes."],
        "mobile": ["This code has expired; ask for new codes."],
    }


def test_resend_replaces_the_codes_but_not_within_a_minute(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)

    soon = client.post(reverse("accounts:verify_resend"), follow=True)
    VerificationCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    client.post(reverse("accounts:verify_resend"))

    assert [str(message) for message in soon.context["messages"]] == [
        "A code was sent less than a minute ago; please wait before asking for another."
    ]
    assert VerificationMessage.objects.count() == 4
    assert VerificationCode.objects.count() == 2


def test_verify_without_a_pending_registration_is_not_found(client):
    assert client.get(reverse("accounts:verify")).status_code == 404
    assert client.post(reverse("accounts:verify_resend")).status_code == 404


def test_unverified_account_cannot_log_in(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)

    client.post(reverse("accounts:login"), {"username": DATA["email"], "password": DATA["password1"]})

    assert get_user(client).is_authenticated is False


def test_a_new_account_left_unconfirmed_is_sent_on_to_confirm_it_from_the_login(
    client, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks)
    sent = codes()
    client.cookies.pop("sessionid")

    response = client.post(
        reverse("accounts:login"), {"username": "139 1234 5678".replace(" ", ""), "password": DATA["password1"]}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    assert get_user(client).is_authenticated is False
    response = client.post(reverse("accounts:verify"), sent)
    assert response["Location"] == reverse("home")
    assert get_user(client) == User.objects.get(mobile="13912345678")


def test_an_unconfirmed_account_with_a_wrong_password_is_just_a_failed_login(
    client, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks)
    client.cookies.pop("sessionid")

    response = client.post(reverse("accounts:login"), {"username": "13912345678", "password": "not-the-password"})

    assert response.status_code == 200
    assert client.get(reverse("accounts:verify")).status_code == 404


def test_demo_shows_the_kept_messages_only_with_debug(client, django_capture_on_commit_callbacks, settings):
    register(client, django_capture_on_commit_callbacks)

    hidden = client.get(reverse("accounts:verify"))
    settings.DEBUG = True
    shown = client.get(reverse("accounts:verify"))

    assert hidden.context["demo_messages"] == []
    assert len(shown.context["demo_messages"]) == 2


def test_sender_is_pluggable(client, django_capture_on_commit_callbacks, settings):
    settings.VERIFICATION_SENDER = "tests.accounts.test_registration.RecordingGateway"
    RecordingGateway.sent = []

    register(client, django_capture_on_commit_callbacks)

    assert sorted(message["destination"] for message in RecordingGateway.sent) == [
        "13912345678",
        "wang.fang@example.org",
    ]
    assert VerificationMessage.objects.count() == 0


@pytest.mark.parametrize("identifier", ["applicant7", "13800000007", "Applicant7@Example.org"])
def test_login_by_username_mobile_or_email(client, identifier):
    user = UserFactory(
        username="applicant7", mobile="13800000007", email="applicant7@example.org", roles=[Role.APPLICANT]
    )

    client.post(reverse("accounts:login"), {"username": identifier, "password": PASSWORD})

    assert get_user(client) == user


def test_login_by_an_email_two_accounts_share_is_refused(client):
    UserFactory(email="shared@example.org")
    UserFactory(email="shared@example.org")

    client.post(reverse("accounts:login"), {"username": "shared@example.org", "password": PASSWORD})

    assert get_user(client).is_authenticated is False


def test_login_with_a_wrong_password_is_refused(client):
    UserFactory(username="applicant8", mobile="13800000008")

    client.post(reverse("accounts:login"), {"username": "13800000008", "password": "wrong-password-1"})

    assert get_user(client).is_authenticated is False
