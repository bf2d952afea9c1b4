"""Per-client request limits of the public endpoints that need no login (card verification)."""

import math
import time

from django.core.cache import cache
from django.http import HttpRequest


def client_rate_check(*, request: HttpRequest, group: str, limit: int, window: int = 60) -> int | None:
    """Count one request of the client in the current window; the seconds to wait when over `limit`, else None.

    A fixed window in Django's cache (Redis in production, shared by every worker), counted by the connection's
    address: a forwarded-for header is the client's to forge. 0 turns the limit off.
    """
    if limit <= 0:
        return None
    now = time.time()
    window_number = int(now // window)
    key = f"rate:{group}:{request.META.get('REMOTE_ADDR', '')}:{window_number}"
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this request opens a fresh count.
        cache.set(key, 1, timeout=window * 2)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((window_number + 1) * window - now))
