"""Per-client request limits of the public endpoints that need no login (card verification)."""

import functools
import math
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest

from baiyun_talent.network import client_address


def client_rate_check(*, request: HttpRequest, group: str, limit: int, window: int = 60) -> int | None:
    """Count one request of the client in the current window; the seconds to wait when over `limit`, else None.

    A fixed window in Django's cache (Redis in production, shared by every worker), counted by the client's address
    as baiyun_talent.network reads it (through the trusted proxies only). 0 turns the limit off.
    """
    if limit <= 0:
        return None
    now = time.time()
    window_number = int(now // window)
    count = _count(f"rate:{group}:{client_address(request)}:{window_number}", timeout=window * 2)
    if count <= limit:
        return None
    return max(1, math.ceil((window_number + 1) * window - now))


def _count(key: str, *, timeout: int) -> int:
    """Adds one to a counter every process shares. With Redis in one round trip (INCR and EXPIRE pipelined), where
    Django's add-then-incr takes three: the counter is on the hot path of every verification."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        key = backend.make_and_validate_key(key)
        pipeline = _client_of(backend).pipeline(transaction=False)
        pipeline.incr(key)
        pipeline.expire(key, timeout, nx=True)
        count, _expiry_set = pipeline.execute()
        return count
    backend.add(key, 0, timeout=timeout)
    try:
        return backend.incr(key)
    except ValueError:
        # The key expired between add and incr: this request opens a fresh count.
        backend.set(key, 1, timeout=timeout)
        return 1


@functools.lru_cache(maxsize=1)
def _client_of(backend: RedisCache):
    """One redis-py client per process on Django's own connection pool (a client is costly to make per request)."""
    return backend._cache.get_client(write=True)
