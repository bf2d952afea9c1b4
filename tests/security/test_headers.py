"""A foreign Host header, caching of signed-in pages, and the deployment check."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.accounts.test_settings import PRODUCTION_ENV, run_manage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_host_not_in_allowed_hosts_answers_400(client):
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "请求无效" in response.text


def test_a_host_not_in_allowed_hosts_answers_400_to_a_signed_in_user(client):
    client.force_login(UserFactory(roles=[Role.APPLICANT]))

    assert client.get(reverse("applications:home"), HTTP_HOST="evil.example").status_code == 400


def test_signed_in_pages_are_never_stored(client):
    client.force_login(UserFactory(roles=[Role.APPLICANT]))

    response = client.get(reverse("applications:home"))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_public_pages_may_be_cached(client):
    assert "Cache-Control" not in client.get("/").headers


def test_check_deploy_reports_nothing_with_https_alone():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECURE_HSTS_PRELOAD"}

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.stderr == ""
    assert result.stdout.strip() == "System check identified no issues (2 silenced)."
