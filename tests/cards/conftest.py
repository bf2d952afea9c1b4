import pytest
from django.utils import translation

from tests.factories import issued_card


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    translation.deactivate()


@pytest.fixture
def rendered_card(signing_key, django_capture_on_commit_callbacks):
    """Makes issued cards as the tasks do after each commit: rendered at 制卡, rendered again and notified at 发卡."""

    def make(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return issued_card(**kwargs)

    return make


@pytest.fixture(autouse=True)
def _verification_keys_reread():
    """Each test reads the keys of its own database: no process memory of an earlier test's keys."""
    from cards.keys import verification_keys_forget

    verification_keys_forget()
    yield
    verification_keys_forget()


@pytest.fixture
def redis_cache(settings):
    """The cache every process shares in production (Redis), under a key prefix of this test's own."""
    import uuid

    from django.core.cache import caches

    from cards import verification

    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL), as CI has")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": uuid.uuid4().hex,
        }
    }
    # The process memory of card statuses belongs to the cache it was read under.
    verification._status_memory.clear()
    verification._status_version.update(value=None, read_at=0.0)
    yield caches["default"]
    caches["default"].clear()
