"""Metrics in the Prometheus text format: requests and their latency, the review queues, the Celery queue and tasks.

Request counters live in each process (prometheus_client). Under gunicorn with several workers set
PROMETHEUS_MULTIPROC_DIR to an empty directory the workers share (baiyun_talent/gunicorn.conf.py clears it at
start and forgets a worker that exits), so a scrape adds up every worker. Queue lengths are read from the database
and the broker when scraped; task outcomes are counted in the shared cache (Redis), because the workers run in
other processes or containers than the web.
"""

import os

from django.core.cache import cache
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

TASK_OUTCOMES = ("succeeded", "failed", "retried")
_TASK_COUNT_KEY = "metrics:task:{task}:{outcome}"
# The sub-queues that kombu's Redis transport keeps beside a queue for message priorities.
_KOMBU_PRIORITY_SEPARATOR = "\x06\x16"

HTTP_REQUESTS = Counter(
    "baiyun_http_requests",
    "Requests answered, by the URL pattern's name, method and status code.",
    ["view", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "baiyun_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it, by the URL pattern's name.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10),
)


def request_observe(*, view: str, method: str, status: int, seconds: float) -> None:
    """Counts one answered request and its duration."""
    HTTP_REQUESTS.labels(view=view, method=method, status=str(status)).inc()
    HTTP_LATENCY.labels(view=view).observe(seconds)


def task_outcome_count(*, task: str, outcome: str) -> None:
    """Adds one to a task's outcome in the shared cache (atomic INCR in Redis)."""
    key = _TASK_COUNT_KEY.format(task=task, outcome=outcome)
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout=None)


class PortalCollector:
    """What is read when scraped: applications per state, the Celery queue, the tasks' outcomes."""

    def collect(self):
        from django.conf import settings
        from django.db.models import Count

        from applications.models import Application
        from applications.workflow import State
        from baiyun_talent.celery import app

        applications = GaugeMetricFamily(
            "baiyun_applications", "Applications in each state (the review queues among them).", labels=["state"]
        )
        counts = dict(Application.objects.values_list("state").annotate(count=Count("id")).order_by())
        for state in State:
            applications.add_metric([state.value], counts.get(state.value, 0))
        yield applications

        queue = GaugeMetricFamily(
            "baiyun_celery_queue_length", "Tasks waiting in the broker for a worker.", labels=["queue"]
        )
        queue.add_metric([settings.CELERY_TASK_DEFAULT_QUEUE], celery_queue_length())
        yield queue

        tasks = CounterMetricFamily(
            "baiyun_celery_tasks", "Tasks finished, by name and outcome.", labels=["task", "outcome"]
        )
        # The task modules the web process has not imported yet, as a worker imports them at start.
        app.loader.import_default_modules()
        names = sorted(name for name in app.tasks if not name.startswith("celery."))
        keys = {
            _TASK_COUNT_KEY.format(task=name, outcome=outcome): (name, outcome)
            for name in names
            for outcome in TASK_OUTCOMES
        }
        stored = cache.get_many(list(keys))
        for key, (name, outcome) in keys.items():
            tasks.add_metric([name, outcome], stored.get(key, 0))
        yield tasks


def celery_queue_length() -> int:
    """Messages waiting in the Redis broker's queue; 0 when tasks run in-process (no broker)."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return 0
    client = _broker_client()
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    names = [queue] + [f"{queue}{_KOMBU_PRIORITY_SEPARATOR}{step}" for step in (3, 6, 9)]
    with client.pipeline(transaction=False) as pipeline:
        for name in names:
            pipeline.llen(name)
        return sum(pipeline.execute())


_broker_clients: dict[str, object] = {}


def _broker_client():
    from django.conf import settings
    from redis import Redis

    url = settings.REDIS_URL
    if url not in _broker_clients:
        _broker_clients[url] = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return _broker_clients[url]


def metrics_text() -> bytes:
    """Every metric, as one scrape's body."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    portal = CollectorRegistry()
    portal.register(PortalCollector())
    return generate_latest(processes) + generate_latest(portal)
