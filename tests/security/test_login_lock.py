"""The login lock (django-axes): per account whatever identifier was typed, in the database, never per address."""

import pytest
from django.contrib.auth import get_user
from django.core.cache import cache
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory
from tests.security.conftest import login

pytestmark = pytest.mark.django_db
LOCKED_TEXT = "为了您的账户安全，该账户在15分钟内不能登录"


def test_five_failures_lock_the_account_even_for_the_right_password(client):
    UserFactory(username="hr", roles=[Role.HR_REVIEWER])
    for _ in range(4):
        assert login(client, "hr", "wrong-password").status_code == 200

    fifth = login(client, "hr", "wrong-password")
    response = login(client, "hr")

    assert (fifth.status_code, response.status_code) == (429, 429)
    assert LOCKED_TEXT in response.text
    assert get_user(client).is_authenticated is False


def test_a_success_before_the_limit_forgets_the_failures(client):
    UserFactory(username="hr", roles=[Role.HR_REVIEWER])
    for _ in range(4):
        login(client, "hr", "wrong-password")
    assert login(client, "hr").status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        login(client, "hr", "wrong-password")
    assert login(client, "hr").status_code == 302


def test_failures_count_per_account_whichever_identifier_was_typed(client):
    UserFactory(username="hr", mobile="13800000001", email="hr@example.org", roles=[Role.HR_REVIEWER])
    for identifier in ("hr", "hr", "13800000001", "13800000001", "HR@example.org"):
        login(client, identifier, "wrong-password")

    by_mobile = login(client, "13800000001")
    by_email = login(client, "hr@example.org")

    assert (by_mobile.status_code, by_email.status_code) == (429, 429)
    assert get_user(client).is_authenticated is False


def test_failures_are_kept_in_the_database_that_every_process_shares(client):
    from axes.models import AccessAttempt

    UserFactory(username="hr", mobile="13800000001", roles=[Role.HR_REVIEWER])
    for identifier in ("hr", "13800000001", "hr", "13800000001", "hr"):
        login(client, identifier, "wrong-password")
    cache.clear()  # a worker process with its own memory sees no counter of the others
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [("hr", 5)]

    assert login(client, "hr").status_code == 429


def test_unknown_names_are_counted_without_locking_anyone_else(client):
    UserFactory(username="hr", roles=[Role.HR_REVIEWER])
    for _ in range(5):
        login(client, "no-such-user", "wrong-password")

    assert login(client, "no-such-user", "wrong-password").status_code == 429
    assert login(client, "hr").status_code == 302
