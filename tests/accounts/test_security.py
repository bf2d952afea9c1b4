import base64

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.navigation import role_home_url
from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_reviewer_with_an_authenticator_must_give_the_code(client):
    user = UserFactory(username="hr", roles=[Role.HR_REVIEWER])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = login(client, "hr", follow=True)
    verify_url = reverse("accounts:otp_verify")
    assert response.redirect_chain[-1][0].startswith(verify_url)
    response = client.post(verify_url, {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"] == ["验证码不正确，请输入身份验证器应用显示的最新验证码。"]
    response = client.post(verify_url, {"token": current_code(device)})
    assert response.context["form"].errors["token"] == ["连续输错次数过多，请稍候再输入最新的验证码。"]
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    response = client.post(verify_url, {"token": current_code(device), "next": role_home_url(Role.HR_REVIEWER)})
    assert response.status_code == 302
    assert response.headers["Location"] == role_home_url(Role.HR_REVIEWER)


def test_verify_refuses_an_offsite_next(client):
    user = UserFactory(username="hr", roles=[Role.HR_REVIEWER])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    login(client, "hr")
    response = client.post(
        reverse("accounts:otp_verify"), {"token": current_code(device), "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == reverse("home")


def test_required_second_factor_makes_reviewers_enrol_first(client, settings):
    settings.REQUIRE_STAFF_2FA = True
    user = UserFactory(username="department", roles=[Role.DEPARTMENT_REVIEWER])
    response = login(client, "department", follow=True)
    setup_url = reverse("accounts:otp_setup")
    assert response.redirect_chain[-1][0].startswith(setup_url)
    assert response.context["qr"].startswith("data:image/svg+xml;base64,")
    secret = base64.b32decode(response.context["secret"])
    response = client.post(setup_url, {"token": f"{totp(secret):06d}"})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=user)
    assert (device.confirmed, device.bin_key) == (True, secret)


def test_second_factor_is_optional_in_the_demo_for_reviewers_without_a_device(client, settings):
    settings.REQUIRE_STAFF_2FA = False
    UserFactory(username="talent", roles=[Role.TALENT_OFFICE])
    response = login(client, "talent")
    assert response.headers["Location"] == reverse("home")
    response = client.get(reverse("accounts:otp_setup"))
    assert response.status_code == 200


def test_applicants_are_never_asked_for_a_second_factor(client, settings):
    settings.REQUIRE_STAFF_2FA = True
    UserFactory(username="applicant1", roles=[Role.APPLICANT])
    login(client, "applicant1")
    response = client.get(reverse("accounts:otp_setup"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("home")
