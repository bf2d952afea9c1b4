import pytest
from django.utils import translation

from cards.keys import signing_key_generate


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    translation.deactivate()


@pytest.fixture
def signing_key(db):
    """An active signing key, its private half in the test's own key directory."""
    return signing_key_generate(activate=True)


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
