import io
import json
import logging
import re
import uuid

import pytest
from celery import shared_task
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django_guid import get_guid, set_guid
from pythonjsonlogger.json import JsonFormatter

from accounts.roles import Role
from applications.services import application_create
from applications.workflow import State
from baiyun_talent.envconfig import admins_from_env
from baiyun_talent.metrics import task_outcome_count
from tests.conftest import login_verified
from tests.factories import PROFILES, UserFactory

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-0123456789-abcdefghijklmnop"


def test_healthz_answers_whatever_the_host_name(client):
    response = client.get("/healthz/", HTTP_HOST="internal-address:8000")
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_readyz_lists_each_dependency(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "not configured", "storage": "ok"},
    }


def test_readyz_names_the_redis_that_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "failed", "storage": "ok"},
    }


def test_readyz_names_the_storage_that_cannot_be_written(client, settings, tmp_path):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": not_a_directory},
        },
    }
    response = client.get("/readyz/")
    assert (response.status_code, response.json()["checks"]["storage"]) == (503, "failed")


def test_the_request_id_sent_is_returned(client):
    sent = uuid.uuid4().hex
    assert client.get("/", HTTP_X_REQUEST_ID=sent).headers["X-Request-ID"] == sent


def test_a_request_id_is_made_when_none_or_a_malformed_one_is_sent(client):
    made = client.get("/").headers["X-Request-ID"]
    replaced = client.get("/", HTTP_X_REQUEST_ID="x\nforged log line").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)
    assert made != replaced


@shared_task
def request_id_seen_by_task() -> str | None:
    return get_guid()


def test_a_task_run_in_process_keeps_the_request_id_of_whoever_enqueued_it():
    set_guid("4f1c6e1a2b9d4c0e8f7a6b5c4d3e2f10")
    try:
        assert request_id_seen_by_task.delay().get() == "4f1c6e1a2b9d4c0e8f7a6b5c4d3e2f10"
        assert get_guid() == "4f1c6e1a2b9d4c0e8f7a6b5c4d3e2f10"
    finally:
        set_guid(None)


def test_a_published_task_carries_the_request_id_in_its_headers():
    from celery.signals import before_task_publish

    set_guid("0a1b2c3d4e5f60718293a4b5c6d7e8f9")
    headers: dict = {}
    try:
        before_task_publish.send(sender="reviews.tasks.build_queue_export", headers=headers, body=None)
    finally:
        set_guid(None)
    assert headers["request_id"] == "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def test_log_lines_are_json_with_the_request_id(settings):
    formatter_options = {key: value for key, value in settings.LOGGING["formatters"]["json"].items() if key != "()"}
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**formatter_options))
    from django_guid.log_filters import CorrelationId

    handler.addFilter(CorrelationId(correlation_id_field="request_id"))
    logger = logging.getLogger("tests.operations")
    logger.addHandler(handler)
    set_guid("5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b")
    try:
        logger.warning("审核队列 %s", "ok", extra={"status": 200})
    finally:
        set_guid(None)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert {key: line[key] for key in ("level", "logger", "message", "request_id", "status")} == {
        "level": "WARNING",
        "logger": "tests.operations",
        "message": "审核队列 ok",
        "request_id": "5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
        "status": 200,
    }


@pytest.mark.urls("tests.operations.failing_urls")
def test_an_error_is_mailed_to_the_administrators(settings):
    settings.ADMINS = [("值班", "ops@example.org")]
    client = Client(raise_request_exception=False)
    response = client.post("/broken/", {"document_number": "440111198503171234"})
    assert response.status_code == 500
    assert [message.to for message in mail.outbox] == [["ops@example.org"]]
    assert mail.outbox[0].subject.endswith("Internal Server Error: /broken/")
    report = mail.outbox[0].body
    assert "RuntimeError at /broken/\nthe view failed" in report
    assert "document_number = '********************'" in report
    assert "440111198503171234" not in report


def test_administrators_are_read_from_the_environment():
    environ = {"ADMINS": "值班室 <ops@example.org>, security@example.org"}
    assert admins_from_env("ADMINS", environ=environ) == [
        ("值班室", "ops@example.org"),
        ("security@example.org", "security@example.org"),
    ]
    assert admins_from_env("ADMINS", environ={}) == []
    with pytest.raises(ImproperlyConfigured, match="ADMINS must be e-mail addresses"):
        admins_from_env("ADMINS", environ={"ADMINS": "ops at example"})


def test_metrics_refuse_without_the_token_or_staff(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics/").status_code == 403
    assert client.get("/metrics/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 403
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/metrics/").status_code == 403, "staff without a verified second factor"


def test_metrics_without_a_configured_token_refuse_any_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics/", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def metric_value(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        metric, _space, value = line.rpartition(" ")
        if metric == (f"{name}{{{wanted}}}" if labels else name):
            return float(value)
    raise AssertionError(f"{name} {labels} not in the metrics")


def test_metrics_count_requests_queues_and_tasks(client, settings):
    settings.METRICS_TOKEN = TOKEN
    for _ in range(2):
        application_create(applicant=UserFactory(roles=[Role.APPLICANT]), profile=PROFILES["gold"], kind="new")
    before = client.get("/metrics/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    landing_before = (
        metric_value(before, "baiyun_http_requests_total", view="landing", method="GET", status="200")
        if 'view="landing"' in before
        else 0
    )
    client.get("/")
    task_outcome_count(task="reviews.tasks.build_queue_export", outcome="failed")
    response = client.get("/metrics/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    assert metric_value(text, "baiyun_http_requests_total", view="landing", method="GET", status="200") == (
        landing_before + 1
    )
    assert metric_value(text, "baiyun_applications", state=State.DRAFT) == 2
    assert metric_value(text, "baiyun_applications", state=State.REJECTED) == 0
    assert metric_value(text, "baiyun_celery_queue_length", queue="celery") == 0
    assert (
        metric_value(text, "baiyun_celery_tasks_total", task="reviews.tasks.build_queue_export", outcome="failed") == 1
    )
    assert (
        metric_value(text, "baiyun_celery_tasks_total", task="reviews.tasks.build_queue_export", outcome="succeeded")
        == 0
    )


def test_metrics_for_staff_verified_by_a_code(client):
    login_verified(client, UserFactory(is_staff=True))
    assert client.get("/metrics/").status_code == 200


def test_statistics_pages_read_from_the_replica_when_there_is_one(client, settings):
    from django.db import router

    from applications.models import Application as ApplicationModel
    from baiyun_talent.databases import reads_from_statistics_replica

    settings.STATISTICS_DATABASE_URL = "postgres://replica.internal:5432/baiyun"
    seen = {}

    def view(request):
        seen["read"] = router.db_for_read(ApplicationModel)
        seen["write"] = router.db_for_write(ApplicationModel)

    reads_from_statistics_replica(view)(None)
    assert seen == {"read": "statistics", "write": "default"}
    assert router.db_for_read(ApplicationModel) == "default"
    from django.urls import resolve

    for path in ("/reviews/statistics/", "/services/statistics/", "/services/statistics.csv"):
        assert resolve(path).func.__wrapped__.__name__ in {"statistics", "statistics_csv"}


def test_without_a_replica_the_statistics_read_the_primary():
    from django.db import router

    from applications.models import Application as ApplicationModel
    from baiyun_talent.databases import reads_from_statistics_replica

    assert reads_from_statistics_replica(lambda request: router.db_for_read(ApplicationModel))(None) == "default"
