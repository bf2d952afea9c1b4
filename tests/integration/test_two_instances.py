"""Two gunicorn instances of the portal on one PostgreSQL, one Redis and one S3 server, as the deployment scales out:
whatever one instance does, the other sees, and the login lock and the rate limits count across both."""

import io
import random
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
import redis
import requests
from django.conf import settings as django_settings
from PIL import Image

from accounts.roles import Role
from applications.models import Application, Material
from cards.models import Card
from cards.services import card_produce
from cards.tokens import card_qr_text, card_token_issue
from tests.factories import PASSWORD, UserFactory, application_with_materials, approved_application
from tests.integration.conftest import free_port, needs_postgres_and_redis, worker_environment

VENV_BIN = Path(sys.executable).parent
BUCKET = "baiyun-private"
METRICS_TOKEN = "two-instances-metrics-token-0123456789"
LOGIN_FAILURE_LIMIT = 3
CARD_VERIFY_RATE_LIMIT = 6

pytestmark = [needs_postgres_and_redis, pytest.mark.django_db(transaction=True)]


class Instance:
    """One gunicorn serving the portal on its own port."""

    def __init__(self, *, name: str, environment: dict[str, str], log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"{name}.log"
        self._output = self.log.open("wb")
        metrics_dir = log_dir / f"{name}-metrics"
        self.process = subprocess.Popen(  # noqa: S603 - the venv's own gunicorn with fixed arguments
            [
                str(VENV_BIN / "gunicorn"),
                "-c",
                "python:baiyun_talent.gunicorn_conf",
                "baiyun_talent.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
            ],
            cwd=django_settings.BASE_DIR,
            env={**environment, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)},
            stdout=self._output,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> dict:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                # The first request of each worker connects to the database, Redis and S3 for the first time.
                response = requests.get(f"{self.url}/readyz/", timeout=30)
            except requests.ConnectionError:
                time.sleep(0.2)
                continue
            return response.json()
        raise AssertionError(f"the instance on {self.port} did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self._output.close()


@pytest.fixture
def s3_bucket(s3_endpoint):
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    client.create_bucket(Bucket=BUCKET)
    return s3_endpoint, client


@pytest.fixture
def instances(s3_bucket, tmp_path, settings):
    # The instances check passwords with the production hasher (the suite's own is a fast one they do not know).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    endpoint, _client = s3_bucket
    queue = f"test-{uuid.uuid4().hex}"
    environment = {
        **worker_environment(var_dir=tmp_path / "var"),
        # DEBUG on: the pages are served without collected static files; nothing tested here depends on it.
        "DEBUG": "true",
        "STORAGE": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "CARD_KEYS_DIR": str(settings.CARD_KEYS_DIR),
        "LOGIN_FAILURE_LIMIT": str(LOGIN_FAILURE_LIMIT),
        "CARD_VERIFY_RATE_LIMIT": str(CARD_VERIFY_RATE_LIMIT),
        # Each request names its client in X-Forwarded-For, so this run's counters are its own.
        "TRUSTED_PROXY_COUNT": "1",
        "CELERY_QUEUE": queue,
        "METRICS_TOKEN": METRICS_TOKEN,
        "LOG_FORMAT": "json",
    }
    started = [Instance(name=name, environment=environment, log_dir=tmp_path) for name in ("a", "b")]
    try:
        for instance in started:
            assert instance.wait_ready() == {
                "status": "ready",
                "checks": {"database": "ok", "redis": "ok", "storage": "ok"},
            }
        yield started
    finally:
        for instance in started:
            instance.stop()
        # The notices the instances enqueued for a worker that this test does not start.
        redis.Redis.from_url(django_settings.REDIS_URL).delete(queue)


def browser(client_address: str) -> requests.Session:
    session = requests.Session()
    session.headers.update({"Accept-Language": "en", "X-Forwarded-For": client_address})
    return session


def csrf_token(session: requests.Session, instance: Instance) -> str:
    session.get(f"{instance.url}/accounts/login/", timeout=10)
    return session.cookies["csrftoken"]


def log_in(session: requests.Session, instance: Instance, username: str, password: str = PASSWORD):
    token = csrf_token(session, instance)
    return session.post(
        f"{instance.url}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    )


def post(session: requests.Session, instance: Instance, path: str, **kwargs):
    data = {**kwargs.pop("data", {}), "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    return session.post(f"{instance.url}{path}", data=data, allow_redirects=False, timeout=30, **kwargs)


def address() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"  # noqa: S311


def jpeg(size: tuple[int, int]) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, "white").save(output, format="JPEG")
    return output.getvalue()


def test_what_one_instance_does_the_other_sees(instances, s3_bucket, signing_key):
    first, second = instances
    _endpoint, s3 = s3_bucket
    draft = application_with_materials(route="gold")
    submitted = application_with_materials(route="silver", submit=True)
    department = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    department.departments.add(submitted.employer.department)
    approved = approved_application(route="gold")
    card_produce(application_id=approved.pk)
    card = Card.objects.get(application=approved)
    talent = UserFactory(roles=[Role.TALENT_OFFICE])

    # A session opened on one instance is the same session on the other.
    applicant = browser(address())
    assert log_in(applicant, first, draft.applicant.username).status_code == 302
    assert applicant.get(f"{second.url}/applications/", allow_redirects=False, timeout=10).status_code == 200

    # An upload through one instance is stored in the shared bucket and downloaded through the other.
    response = post(
        applicant,
        first,
        f"/applications/{draft.pk}/edit/materials/",
        data={"scan_of-degree_certificates": "original"},
        files={"files-degree_certificates": ("学位证.jpg", jpeg((80, 60)), "image/jpeg")},
    )
    assert response.status_code == 302, response.text
    material = Material.objects.get(application=draft, item="degree_certificates", original_name="学位证.jpg")
    stored = s3.get_object(Bucket=BUCKET, Key=material.file.name)["Body"].read()
    download = applicant.get(f"{second.url}/applications/materials/{material.pk}/download/", timeout=10)
    assert (download.status_code, download.content) == (200, stored)
    with Image.open(io.BytesIO(download.content)) as image:
        assert (image.format, image.size) == ("JPEG", (80, 60))

    # A review decision taken through one instance is what the other shows.
    reviewer = browser(address())
    assert log_in(reviewer, second, department.username).status_code == 302
    decision = f"/reviews/applications/{submitted.pk}/transitions/pass_initial/"
    response = post(reviewer, second, decision, data={"pass_initial-opinion": "同意"})
    assert response.status_code == 302, response.text
    submitted_applicant = browser(address())
    assert log_in(submitted_applicant, first, submitted.applicant.username).status_code == 302
    page = submitted_applicant.get(f"{first.url}/applications/{submitted.pk}/", timeout=10)
    # Signed in, each page speaks the account's language (Chinese, the portal's default).
    assert "待复审" in page.text
    assert Application.objects.get(pk=submitted.pk).state == "initial_passed"

    # A card issued through one instance verifies as valid through the other.
    office = browser(address())
    assert log_in(office, first, talent.username).status_code == 302
    assert post(office, first, f"/cards/{card.pk}/issue/").status_code == 302
    card.refresh_from_db()
    qr_text = card_qr_text(card_token_issue(card=card, lifetime=timedelta(days=3 * 365)))
    verdict = browser(address()).post(f"{second.url}/api/v1/cards/verify", json={"token": qr_text}, timeout=10)
    assert (verdict.json()["status"], verdict.json()["card"]["number"]) == ("valid", card.number)

    # Both instances' metrics, read from either: the requests each served.
    metrics = requests.get(
        f"{first.url}/metrics/", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10
    ).text
    assert 'baiyun_applications{state="issued"} ' in metrics


def test_the_login_lock_and_the_rate_limit_count_across_instances(instances, signing_key):
    first, second = instances
    user = UserFactory(roles=[Role.APPLICANT])
    attacker = browser(address())
    for attempt in range(LOGIN_FAILURE_LIMIT):
        instance = (first, second)[attempt % 2]
        assert log_in(attacker, instance, user.username, "wrong-password").status_code in (200, 429)
    owner = browser(address())
    assert log_in(owner, second, user.username).status_code == 429
    assert log_in(owner, first, user.username).status_code == 429

    client = browser(address())
    answers = [
        client.post(
            f"{(first, second)[count % 2].url}/api/v1/cards/verify", json={"token": "BYTC1:x"}, timeout=10
        ).status_code
        for count in range(CARD_VERIFY_RATE_LIMIT + 2)
    ]
    assert answers[CARD_VERIFY_RATE_LIMIT:] == [429, 429]
    assert 429 not in answers[:CARD_VERIFY_RATE_LIMIT]
    other = browser(address())
    assert other.post(f"{second.url}/api/v1/cards/verify", json={"token": "BYTC1:x"}, timeout=10).status_code == 200
