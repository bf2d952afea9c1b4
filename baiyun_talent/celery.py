"""The Celery application: tasks run eagerly in-process unless REDIS_URL names a broker.

A task carries the request id of whoever enqueued it (a request, or another task) in its headers, so its log lines
share the request's id; the worker logs as the web does (settings.LOGGING), and counts each task's outcome for
/metrics/ (baiyun_talent.metrics).
"""

import os
from typing import Any

from celery import Celery
from celery.signals import before_task_publish, setup_logging, task_failure, task_postrun, task_prerun, task_retry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiyun_talent.settings")

app = Celery("baiyun_talent")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

REQUEST_ID_HEADER = "request_id"
# django-guid's own Celery integration makes a new id for a task run in-process (no publish happens) and clears
# the request's id afterwards; these hooks keep the enqueuing request's id in both cases.
_previous_request_ids: dict[str, Any] = {}


@setup_logging.connect
def _logging_as_django(**_kwargs: Any) -> None:
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@before_task_publish.connect
def _request_id_into_headers(headers: dict, **_kwargs: Any) -> None:
    from django_guid import get_guid

    request_id = get_guid()
    if request_id:
        headers[REQUEST_ID_HEADER] = request_id


@task_prerun.connect
def _request_id_from_headers(task_id: str, task: Any, **_kwargs: Any) -> None:
    from django_guid import get_guid, set_guid
    from django_guid.utils import generate_guid

    current = get_guid()
    _previous_request_ids[task_id] = current
    carried = task.request.get(REQUEST_ID_HEADER)
    if carried:
        set_guid(carried)
    elif not (task.request.is_eager and current):
        # A scheduled task (Celery beat) starts its own chain of log lines.
        set_guid(generate_guid())


@task_postrun.connect
def _request_id_restored(task_id: str, task: Any, state: str | None = None, **_kwargs: Any) -> None:
    from django_guid import set_guid

    from baiyun_talent.metrics import task_outcome_count

    set_guid(_previous_request_ids.pop(task_id, None))
    if state == "SUCCESS":
        task_outcome_count(task=task.name, outcome="succeeded")


@task_failure.connect
def _task_failed(sender: Any = None, **_kwargs: Any) -> None:
    from baiyun_talent.metrics import task_outcome_count

    task_outcome_count(task=sender.name, outcome="failed")


@task_retry.connect
def _task_retried(sender: Any = None, **_kwargs: Any) -> None:
    from baiyun_talent.metrics import task_outcome_count

    task_outcome_count(task=sender.name, outcome="retried")
