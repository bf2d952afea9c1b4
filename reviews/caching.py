"""Caches of the reviewers' dashboards: what a queue page reads and renders is kept until a write changes it.

Two kinds of entries:
- Data (a queue page's rows and count, the filter lists, the stage limits) lives under a key that carries a version
  token; a write replaces the token (reviews/signals.py), so every entry made before it is never read again and
  simply expires. Bulk writes (QuerySet.update(), bulk_create(), bulk_update()) of the models a queue shows send a
  signal of their own (accounts.writes), so no write path has to remember the versions. Tokens are random rather
  than counters, so a token evicted from the cache cannot come back with a value that old entries were stored
  under. These caches are on when the cache is shared by every process (Redis in production): a per-process cache
  (the local-memory default of development and tests) could not be invalidated from another process, so they are
  off there unless REVIEWS_QUEUE_CACHE says otherwise.
- Rendered fragments (the rows, the filter form, the bulk form) live under a key made of everything they show, so they
  need no invalidation and are always on.
Keys also carry a digest of the code, templates and translations that produce the values, so a deployment never
shows what the previous release rendered.

A third kind: a reviewer's whole GET page, kept a minute for the same session (session_page_cached), so that the
fixed cost of a signed-in page (template, forms, translations) is paid once per page and write, not per reload.

A value never changes under its key, so each process also keeps the last few it read in memory: after the version
tokens (one round trip per request) a page is served without another read from Redis and without unpickling.
"""

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from uuid import uuid4

import django
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# What one version covers: the applications of every queue, and the organisations and stage limits they show.
QUEUE_VERSION = "reviews:version:queue"
CHOICES_VERSION = "reviews:version:choices"
DEADLINES_VERSION = "reviews:version:deadlines"
VERSIONS = (QUEUE_VERSION, CHOICES_VERSION, DEADLINES_VERSION)
# Entries outlive no working day by much; a version change makes them unreachable long before.
TIMEOUT = 60 * 60
LOCAL_BACKENDS = ("django.core.cache.backends.locmem.", "django.core.cache.backends.dummy.")
LOCAL_ENTRIES = 256

T = TypeVar("T")


@functools.cache
def code_digest() -> str:
    """What renders the cached values: this app's code and templates, the shared templates, the translations.

    Read once, on the first dashboard of a process rather than at its start.
    """
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256(django.get_version().encode())
    paths = [*(root / "reviews").rglob("*.py"), *(root / "reviews").rglob("*.html"), *(root / "templates").rglob("*")]
    paths += [path for locale in settings.LOCALE_PATHS for path in Path(locale).rglob("*.mo")]
    for path in sorted(paths):
        if path.is_file():
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class _Local(threading.local):
    # The version tokens read during the current request (None outside a request: always read afresh).
    versions: dict[str, str] | None = None


_request = _Local()
_values: OrderedDict[str, object] = OrderedDict()
_values_lock = threading.Lock()


def _request_begins(**kwargs) -> None:
    _request.versions = {}


def _request_ends(**kwargs) -> None:
    _request.versions = None


request_started.connect(_request_begins, dispatch_uid="reviews_caching_request_started")
request_finished.connect(_request_ends, dispatch_uid="reviews_caching_request_finished")


def queue_cache_enabled() -> bool:
    """Whether the dashboards may cache: only with a cache every process shares, or when a setting says so."""
    configured = getattr(settings, "REVIEWS_QUEUE_CACHE", None)
    if configured is not None:
        return bool(configured)
    return not settings.CACHES["default"]["BACKEND"].startswith(LOCAL_BACKENDS)


def cache_version(name: str) -> str:
    """The current token of one version, all of them read in one round trip and once per request.

    A missing token (first use, eviction) is replaced by a fresh one.
    """
    known = _request.versions
    if known and name in known:
        return known[name]
    tokens = cache.get_many(VERSIONS)
    for missing in set(VERSIONS) - set(tokens):
        cache.add(missing, uuid4().hex, None)
        tokens[missing] = cache.get(missing) or uuid4().hex
    if known is not None:
        known.update(tokens)
    return tokens[name]


def cache_versions_bump(*names: str) -> None:
    """Makes every entry under these versions unreachable, now and again when the current transaction commits.

    Now, so that this process never reads its own stale entry; at commit, so that a page computed from the
    uncommitted-before state by another request in between is not kept either.
    """

    def bump() -> None:
        cache.set_many({name: uuid4().hex for name in names}, None)
        if _request.versions is not None:
            _request.versions = {}

    bump()
    transaction.on_commit(bump)


def cache_key(*parts: object) -> str:
    """A fixed-length key from the parts that decide a cached value and the code that renders it."""
    return "reviews:" + hashlib.sha256(repr((code_digest(), *parts)).encode()).hexdigest()


def fragment_key(*parts: object) -> str:
    """Names a template fragment by everything it shows, in the active language.

    Such a key addresses its content, so it needs no version and is safe with any cache, shared or not.
    """
    return cache_key("fragment", *parts, get_language())


def _remember(key: str, value: object) -> None:
    with _values_lock:
        _values[key] = value
        _values.move_to_end(key)
        while len(_values) > LOCAL_ENTRIES:
            _values.popitem(last=False)


def cached(key: str, compute: Callable[[], T]) -> T:
    """The value under `key`: from this process's memory, else from the cache, else computed and stored in both.

    Values must not be changed by their readers (frozen dataclasses, strings).
    """
    with _values_lock:
        value = _values.get(key)
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    _remember(key, value)
    return value


def cached_html(key: str, template_name: str, context: dict) -> SafeString:
    """A template fragment rendered once per key (no key: rendered every time); no request, no context processor."""
    if not key:
        return render_to_string(template_name, context)
    return mark_safe(cached(f"{key}:{template_name}", lambda: str(render_to_string(template_name, context))))  # noqa: S308 - HTML our own template rendered, with its variables escaped


# Whole pages, per session ---------------------------------------------------------------------------------------

# A reviewer's page is kept this long for the same session, path and language while the versions stay.
PAGE_TIMEOUT = 60


def page_cache_enabled() -> bool:
    """Whole pages are kept when the dashboards' caches are on, unless REVIEWS_PAGE_CACHE says otherwise."""
    configured = getattr(settings, "REVIEWS_PAGE_CACHE", None)
    if configured is not None:
        return bool(configured)
    return queue_cache_enabled()


def _carries_messages(request) -> bool:
    # Django's default message storage: a cookie first, then the session.
    return bool(request.COOKIES.get(CookieStorage.cookie_name)) or SessionStorage.session_key in request.session


def session_page_cached(on_hit: Callable | None = None):
    """Keeps a signed-in GET page for its session: what a reviewer reloads or comes back to is sent as it was.

    The key holds the session, the user's scope stamp (roles and departments), the full path, the language and the
    day; the entry holds the version tokens it was made under, read with it in one round trip, so a write or a change
    of scope is never hidden. Entries live PAGE_TIMEOUT seconds.
    A page that carries messages is neither kept nor served from the cache. `on_hit(request, *args, **kwargs)`
    runs on every hit (the auditor's access log).
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET" or not page_cache_enabled() or _carries_messages(request):
                return view(request, *args, **kwargs)
            session_key = request.session.session_key
            if not session_key:
                return view(request, *args, **kwargs)
            key = cache_key(
                "session-page",
                hashlib.sha256(session_key.encode()).hexdigest(),
                request.user.pk,
                request.user.scope_stamp,
                request.get_full_path(),
                get_language(),
                timezone.localdate().isoformat(),
            )
            # The page and the version tokens it was made under, in one round trip.
            found = cache.get_many([*VERSIONS, key])
            versions = tuple(found.get(name) for name in VERSIONS)
            if _request.versions is not None and all(versions):
                _request.versions.update(zip(VERSIONS, versions, strict=True))
            kept = found.get(key)
            if kept is not None and kept[0] == versions and all(versions):
                if on_hit is not None:
                    on_hit(request, *args, **kwargs)
                return HttpResponse(kept[1], content_type=kept[2])
            versions = tuple(cache_version(name) for name in VERSIONS)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not _carries_messages(request):
                cache.set(key, (versions, response.content, response["Content-Type"]), PAGE_TIMEOUT)
            return response

        return wrapper

    return decorate
