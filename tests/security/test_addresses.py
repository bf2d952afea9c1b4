"""The client address behind the trusted proxies, and no lock by address that shuts out other users."""

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

from accounts.roles import Role
from tests.factories import UserFactory
from tests.security.conftest import PROXY, login

pytestmark = pytest.mark.django_db


def address_of(settings, *, proxies: int, remote: str, forwarded: str | None = None) -> str:
    from baiyun_talent.network import client_address

    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    return client_address(RequestFactory().get("/", **extra))


def test_without_trusted_proxy_the_forwarded_header_is_ignored(settings):
    assert address_of(settings, proxies=0, remote="198.51.100.7", forwarded="203.0.113.9") == "198.51.100.7"


def test_behind_one_proxy_the_client_is_the_address_it_appended(settings):
    assert address_of(settings, proxies=1, remote=PROXY, forwarded="198.51.100.7") == "198.51.100.7"


def test_behind_one_proxy_what_the_client_wrote_in_the_header_is_ignored(settings):
    forged = "203.0.113.9, 198.51.100.7"
    assert address_of(settings, proxies=1, remote=PROXY, forwarded=forged) == "198.51.100.7"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    chain = "203.0.113.9, 198.51.100.7, 10.0.0.9"
    assert address_of(settings, proxies=2, remote=PROXY, forwarded=chain) == "198.51.100.7"


def test_a_request_that_bypassed_the_proxy_counts_by_its_connection(settings):
    assert address_of(settings, proxies=1, remote="198.51.100.7") == "198.51.100.7"


def test_failures_from_one_address_never_shut_out_other_users(client, one_trusted_proxy):
    UserFactory(username="hr", roles=[Role.HR_REVIEWER])
    UserFactory(username="auditor", roles=[Role.AUDITOR])
    for number in range(20):
        login(client, f"guess{number}", "wrong-password", client_address="198.51.100.7")

    elsewhere = login(client, "hr", client_address="198.51.100.8")
    client.logout()
    same_network = login(client, "auditor", client_address="198.51.100.7")

    assert (elsewhere.status_code, same_network.status_code) == (302, 302)
    assert get_user(client).username == "auditor"


def test_lock_records_name_the_client_behind_the_proxy(client, one_trusted_proxy):
    from axes.models import AccessAttempt

    UserFactory(username="hr", roles=[Role.HR_REVIEWER])

    login(client, "hr", "wrong-password", client_address="203.0.113.9, 198.51.100.7")

    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [("hr", "198.51.100.7")]


def test_api_rate_limit_counts_each_client_behind_the_proxy(client, settings, one_trusted_proxy):
    settings.ELIGIBILITY_API_RATE_LIMIT = 2
    url = "/api/v1/eligibility/criteria"
    first = [client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code for _ in range(3)]

    other = client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert first == [200, 200, 429]
    assert other.status_code == 200
