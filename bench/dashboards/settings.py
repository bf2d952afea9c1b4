"""The portal's settings plus a bare hello-world view, so both are served the same way in one run."""

from baiyun_talent.settings import *  # noqa: F403 - the benchmark measures the real configuration

ROOT_URLCONF = "bench.dashboards.urls"
# The benchmark's own login is a session cookie: no second factor, no throttling in the way.
REQUIRE_STAFF_2FA = False
# With REDIS_URL the portal would queue tasks for a worker; the benchmark starts none, and no page of it enqueues one.
CELERY_TASK_ALWAYS_EAGER = True
