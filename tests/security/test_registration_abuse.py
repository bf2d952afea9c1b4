"""Registration: rate limits, expiry of unconfirmed accounts, usernames, and nothing told about who is registered."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User, VerificationCode, VerificationMessage
from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
REGISTER = "/accounts/register/"
DATA = {
    "full_name": "王芳",
    "mobile": "13912345678",
    "email": "wang.fang@example.org",
    "password1": "Baiyun-Talent-2026!",
    "password2": "Baiyun-Talent-2026!",
}
LIMITED = "您所在的网络或该邮箱、手机号的注册或验证码请求过多，请一小时后再试。"


def register(client, django_capture_on_commit_callbacks, address="198.51.100.7", **changes):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(REGISTER, {**DATA, **changes}, REMOTE_ADDR=address)


def codes_for(destination: str) -> str:
    """The latest code sent to `destination`, as its holder reads it in the message."""
    body = VerificationMessage.objects.filter(destination=destination).first().body
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_registration_is_limited_per_client_address(client, django_capture_on_commit_callbacks):
    statuses = [
        register(
            client, django_capture_on_commit_callbacks, mobile=f"1391234567{n}", email=f"w{n}@example.org"
        ).status_code
        for n in range(6)
    ]
    refused = register(client, django_capture_on_commit_callbacks, mobile="13912345670", email="x@example.org")

    assert statuses == [302, 302, 302, 302, 302, 429]
    assert refused.context["form"].non_field_errors() == [LIMITED]
    assert User.objects.count() == 5
    assert VerificationMessage.objects.count() == 10


def test_registration_is_limited_per_destination_whatever_the_address(client, django_capture_on_commit_callbacks):
    statuses = [
        register(client, django_capture_on_commit_callbacks, address=f"198.51.100.{n}").status_code for n in range(4)
    ]

    assert statuses == [302, 302, 302, 429]
    assert VerificationMessage.objects.filter(destination="13912345678").count() == 3


def test_resending_codes_counts_toward_the_destination_limit(client, django_capture_on_commit_callbacks):
    for n in range(3):
        register(client, django_capture_on_commit_callbacks, address=f"198.51.100.{n}")
    VerificationCode.objects.update(created_at=VerificationCode.objects.first().created_at - timedelta(minutes=5))

    response = client.post(reverse("accounts:verify_resend"), REMOTE_ADDR="198.51.100.9", follow=True)

    assert [str(message) for message in response.context["messages"]] == [LIMITED]
    assert VerificationMessage.objects.filter(destination="13912345678").count() == 3


def test_registration_answers_the_same_whether_the_address_has_an_account(client, django_capture_on_commit_callbacks):
    UserFactory(mobile="13912345678", email="wang.fang@example.org", roles=[Role.APPLICANT])

    response = register(client, django_capture_on_commit_callbacks)

    assert (response.status_code, response.headers["Location"]) == (302, reverse("accounts:verify"))
    assert sorted(VerificationMessage.objects.values_list("destination", flat=True)) == [
        "13912345678",
        "wang.fang@example.org",
    ]


def test_only_the_holder_of_the_codes_learns_the_address_is_taken(client, django_capture_on_commit_callbacks):
    UserFactory(mobile="13912345678", email="wang.fang@example.org", roles=[Role.APPLICANT])
    register(client, django_capture_on_commit_callbacks)
    codes = {"email": codes_for("wang.fang@example.org"), "mobile": codes_for("13912345678")}

    response = client.post(reverse("accounts:verify"), codes)

    assert response.context["form"].non_field_errors() == ["该邮箱或手机号已有账号，请直接用它登录。"]
    assert User.objects.filter(is_active=False).count() == 1


def test_a_registration_not_yet_confirmed_holds_no_ones_mobile_or_email(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks, address="198.51.100.1", full_name="冒名者")
    client.cookies.clear()
    register(client, django_capture_on_commit_callbacks, address="198.51.100.2")
    codes = {"email": codes_for("wang.fang@example.org"), "mobile": codes_for("13912345678")}

    response = client.post(reverse("accounts:verify"), codes)

    assert response.status_code == 302
    assert get_user(client).full_name == "王芳"
    assert list(User.objects.filter(is_active=True).values_list("full_name", flat=True)) == ["王芳"]


def test_unconfirmed_accounts_expire_and_free_their_identifiers(client, django_capture_on_commit_callbacks):
    from accounts.tasks import expire_pending_accounts

    register(client, django_capture_on_commit_callbacks)
    pending = User.objects.get()
    User.objects.filter(pk=pending.pk).update(date_joined=pending.date_joined - timedelta(hours=23))
    assert expire_pending_accounts() == 0
    User.objects.filter(pk=pending.pk).update(date_joined=pending.date_joined - timedelta(hours=25))
    UserFactory(username="switched-off", is_active=False, last_login=None)

    assert expire_pending_accounts() == 1
    assert list(User.objects.values_list("username", flat=True)) == ["switched-off"]
    assert VerificationCode.objects.count() == 0


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("talent@example.org", "用户名不能包含 @，否则会像邮箱地址。"),
        ("13800000000", "用户名不能全是数字，否则会像手机号。"),
        ("+8613800000000", "用户名不能全是数字，否则会像手机号。"),
        ("138-0000-0000", "用户名不能全是数字，否则会像手机号。"),
    ],
)
def test_a_username_never_looks_like_an_email_or_a_mobile(username, message):
    user = UserFactory.build(username=username, email="someone@example.org")

    with pytest.raises(ValidationError) as refused:
        user.full_clean()

    assert refused.value.message_dict == {"username": [message]}


def test_an_unconfirmed_account_named_like_an_email_never_stands_in_front_of_its_owner(client):
    squatter = User.objects.create(username="talent@example.org", is_active=False)
    VerificationCode.objects.create(
        user=squatter, channel="email", destination="x@example.org", code_hash="-", expires_at=squatter.date_joined
    )
    owner = UserFactory(username="talent", email="talent@example.org", roles=[Role.TALENT_OFFICE])

    client.post(reverse("accounts:login"), {"username": "talent@example.org", "password": PASSWORD})

    assert get_user(client) == owner


class CountingHasher(MD5PasswordHasher):
    """The tests' hasher, counting each hash it computes (the cost that timing would reveal)."""

    algorithm = "md5"
    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt)


def hashes_for_login(client, identifier: str, password: str) -> int:
    CountingHasher.computed = 0
    client.post(reverse("accounts:login"), {"username": identifier, "password": password})
    return CountingHasher.computed


def test_a_failed_login_costs_the_same_for_any_account(client, settings):
    settings.PASSWORD_HASHERS = ["tests.security.test_registration_abuse.CountingHasher"]
    UserFactory(username="confirmed", mobile="13800000001")
    pending = UserFactory(username="pending", mobile="13912345678", is_active=False, password=DATA["password1"])
    VerificationCode.objects.create(
        user=pending, channel="mobile", destination="13912345678", code_hash="-", expires_at=pending.date_joined
    )

    costs = {
        "unknown": hashes_for_login(client, "13800000009", "wrong-password"),
        "confirmed": hashes_for_login(client, "13800000001", "wrong-password"),
        "unconfirmed": hashes_for_login(client, "13912345678", "wrong-password"),
        "unconfirmed, right password": hashes_for_login(client, "13912345678", DATA["password1"]),
    }

    assert costs == {"unknown": 1, "confirmed": 1, "unconfirmed": 1, "unconfirmed, right password": 1}
