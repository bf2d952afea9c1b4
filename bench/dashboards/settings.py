"""The portal's settings plus a bare hello-world view, so both are served the same way in one run."""

import os

from baiyun_talent.settings import *  # noqa: F403 - the benchmark measures the real configuration

ROOT_URLCONF = "bench.dashboards.urls"
# The benchmark's own login is a session cookie: no second factor, no throttling in the way.
REQUIRE_STAFF_2FA = False
# With REDIS_URL the portal would queue tasks for a worker; the benchmark starts none, and no page of it enqueues one.
CELERY_TASK_ALWAYS_EAGER = True

# For comparison only (README, Performance): BENCH_DATABASE_CONNECTIONS=pool uses psycopg's pool in each worker
# instead of Django's persistent connection; =unchecked keeps the connection without the per-request health check.
if os.environ.get("BENCH_DATABASE_CONNECTIONS") == "pool":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {"pool": {"min_size": 1, "max_size": 2}}  # noqa: F405
elif os.environ.get("BENCH_DATABASE_CONNECTIONS") == "unchecked":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405

# For comparison only: BENCH_PAGE_CACHE=off makes every reviewer's page afresh (the queue's data caches stay on).
if os.environ.get("BENCH_PAGE_CACHE") == "off":
    REVIEWS_PAGE_CACHE = False
