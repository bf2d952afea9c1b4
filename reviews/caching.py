"""Versioned caches of the reviewers' dashboards: what a queue page shows is kept until a write changes it.

Each cached value lives under a key that carries a version token; a write replaces the token (reviews/signals.py),
so every entry made before it is never read again and simply expires. Tokens are random rather than counters, so a
token evicted from the cache cannot come back with a value that old entries were stored under.

The caches are on when the cache is shared by every process (Redis in production); a per-process cache (the
local-memory default of development and tests) could not be invalidated from another process, so they are off there
unless REVIEWS_QUEUE_CACHE says otherwise.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

# What one version covers: the applications of every queue, and the organisations and stage limits they show.
QUEUE_VERSION = "reviews:version:queue"
CHOICES_VERSION = "reviews:version:choices"
DEADLINES_VERSION = "reviews:version:deadlines"
# Entries outlive no working day by much; a version change makes them unreachable long before.
TIMEOUT = 60 * 60
LOCAL_BACKENDS = ("django.core.cache.backends.locmem.", "django.core.cache.backends.dummy.")

T = TypeVar("T")


def queue_cache_enabled() -> bool:
    """Whether the dashboards may cache: only with a cache every process shares, or when a setting says so."""
    configured = getattr(settings, "REVIEWS_QUEUE_CACHE", None)
    if configured is not None:
        return bool(configured)
    return not settings.CACHES["default"]["BACKEND"].startswith(LOCAL_BACKENDS)


def cache_version(name: str) -> str:
    """The current token of one version; a missing token (first use, eviction) is replaced by a fresh one."""
    token = cache.get(name)
    if token is None:
        cache.add(name, uuid4().hex, None)
        token = cache.get(name) or uuid4().hex
    return token


def cache_versions_bump(*names: str) -> None:
    """Makes every entry under these versions unreachable, now and again when the current transaction commits.

    Now, so that this process never reads its own stale entry; at commit, so that a page computed from the
    uncommitted-before state by another request in between is not kept either.
    """

    def bump() -> None:
        cache.set_many({name: uuid4().hex for name in names}, None)

    bump()
    transaction.on_commit(bump)


def cache_key(*parts: object) -> str:
    """A fixed-length key from the parts that decide a cached value."""
    return "reviews:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached(key: str, compute: Callable[[], T]) -> T:
    """The value under `key`, computed and stored when absent."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
