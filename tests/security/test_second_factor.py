"""The second factor: a setup key of its own for each session, enrolment ends other sessions, the admin asks too."""

import pytest
from django.contrib.auth import get_user
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.navigation import role_home_url
from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory
from tests.security.conftest import ADMIN_LOGIN, current_code, login, wrong_code

pytestmark = pytest.mark.django_db
SETUP = "/accounts/2fa/setup/"
VERIFY = "/accounts/2fa/verify/"
QUEUE = role_home_url(Role.HR_REVIEWER)


def code_of(secret: str) -> str:
    """The current code an authenticator app shows for the base32 key of the setup page."""
    import base64

    return f"{totp(base64.b32decode(secret)):06d}"


def signed_in(username: str) -> Client:
    client = Client()
    assert login(client, username).status_code == 302
    return client


def test_each_session_is_shown_a_setup_key_of_its_own(settings):
    settings.REQUIRE_STAFF_2FA = True
    UserFactory(username="hr", roles=[Role.HR_REVIEWER])
    first, second = signed_in("hr"), signed_in("hr")

    first_key = first.get(SETUP).context["secret"]
    second_key = second.get(SETUP).context["secret"]

    assert first_key != second_key
    assert first.get(SETUP).context["secret"] == first_key  # a reload keeps the session's key
    assert TOTPDevice.objects.count() == 0


def test_a_key_read_in_another_session_never_passes_after_the_owner_enrols(settings):
    settings.REQUIRE_STAFF_2FA = True
    UserFactory(username="hr", roles=[Role.HR_REVIEWER])
    intruder, owner = signed_in("hr"), signed_in("hr")
    intruder_key = intruder.get(SETUP).context["secret"]
    owner_key = owner.get(SETUP).context["secret"]

    enrolled = owner.post(SETUP, {"token": code_of(owner_key), "next": QUEUE})
    attempt = intruder.post(VERIFY, {"token": code_of(intruder_key)})

    assert (enrolled.status_code, enrolled.headers["Location"]) == (302, QUEUE)
    assert owner.get(QUEUE).status_code == 200
    assert attempt.status_code == 302
    assert attempt.headers["Location"].startswith("/accounts/login/")
    assert get_user(intruder).is_authenticated is False


def test_enrolment_ends_every_other_session_opened_before_it(settings):
    settings.REQUIRE_STAFF_2FA = False  # the demo: enrolling is optional, so the earlier session had full access
    UserFactory(username="hr", roles=[Role.HR_REVIEWER])
    earlier, enrolling = signed_in("hr"), signed_in("hr")
    assert earlier.get(QUEUE).status_code == 200

    key = enrolling.get(SETUP).context["secret"]
    enrolling.post(SETUP, {"token": code_of(key)})
    response = earlier.get(QUEUE)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/accounts/login/?next={QUEUE}"
    assert enrolling.get(QUEUE).status_code == 200
    assert login(earlier, "hr").status_code == 302
    assert earlier.get(QUEUE).headers["Location"] == f"{VERIFY}?next=%2Freviews%2Fhr_reviewer%2F"


def test_a_wrong_code_at_setup_saves_no_device(settings):
    settings.REQUIRE_STAFF_2FA = True
    UserFactory(username="hr", roles=[Role.HR_REVIEWER])
    client = signed_in("hr")
    key = client.get(SETUP).context["secret"]
    wrong = "000000" if code_of(key) != "000000" else "111111"

    response = client.post(SETUP, {"token": wrong})

    assert response.context["form"].errors["token"] == ["验证码不正确。请检查手机时间并输入最新的验证码。"]
    assert TOTPDevice.objects.count() == 0


def staff_with_device(username: str = "root") -> TOTPDevice:
    user = UserFactory(username=username, is_staff=True, is_superuser=True)
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def admin_login(client, username: str, password: str = PASSWORD, *, token: str = "", device=None):
    data = {"username": username, "password": password, "otp_token": token, "next": "/admin/"}
    if device is not None:
        data["otp_device"] = device.persistent_id
    return client.post(ADMIN_LOGIN, data)


def test_admin_asks_for_the_code_of_an_enrolled_authenticator(client):
    device = staff_with_device()

    without_code = admin_login(client, "root")
    assert without_code.status_code == 200
    assert get_user(client).is_authenticated is False

    with_code = admin_login(client, "root", token=current_code(device), device=device)
    assert (with_code.status_code, with_code.headers["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_admin_refuses_a_staff_session_that_gave_no_code(client):
    staff_with_device()
    client.force_login(UserFactory(username="staff2", is_staff=True, is_superuser=True))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login/?next=/admin/"


def test_admin_login_failures_lock_the_account(client):
    device = staff_with_device()
    for _ in range(5):
        admin_login(client, "root", "wrong-password")

    response = admin_login(client, "root", token=current_code(device), device=device)

    assert response.status_code == 429
    assert get_user(client).is_authenticated is False


def test_admin_and_portal_failures_count_toward_one_lock(client):
    device = staff_with_device()
    for _ in range(3):
        admin_login(client, "root", "wrong-password", token=wrong_code(device), device=device)
    for _ in range(2):
        login(client, "root", "wrong-password")

    portal = login(client, "root")
    admin = admin_login(client, "root", token=current_code(device), device=device)

    assert (portal.status_code, admin.status_code) == (429, 429)
    assert get_user(client).is_authenticated is False


def test_staff_are_asked_to_enrol_like_reviewers(client, settings):
    settings.REQUIRE_STAFF_2FA = True
    UserFactory(username="root", is_staff=True, is_superuser=True)

    response = login(client, "root", follow=True)

    assert response.redirect_chain[-1][0].startswith(SETUP)
