from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings

# Eligibility depends on the date (第九条: baiyun-2021 is in force 2021-12-24 to 2026-12-24). Every test runs on a
# clock that starts at this instant and keeps ticking, so the suite means the same on any day it is run.
TEST_CLOCK_START = datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TEST_CLOCK_START, tick=True):
        yield


@pytest.fixture(autouse=True)
def _isolated_storage_and_tasks(settings, tmp_path):
    """Each test gets its own private storage; tasks run in-process unless a test starts a real worker."""
    settings.STORAGES = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # One in-process cache per test: throttling counters must not leak between tests or xdist workers.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    # Hashing is not under test here, and PBKDF2 at production strength costs most of a test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CARD_KEYS_DIR = tmp_path / "keys"
    from baiyun_talent.celery import app

    app.conf.task_always_eager = True
    yield


def login_verified(client, user) -> None:
    """Signs `user` in on the test client with a verified second factor, as django-otp's admin site requires."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def admin_client(client):
    """A superuser signed in with a verified second factor."""
    from tests.factories import UserFactory

    login_verified(client, UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def signing_key(db):
    """An active signing key that signs cards' QR tokens, its private half in the test's own key directory."""
    from cards.keys import signing_key_generate

    return signing_key_generate(activate=True)


@pytest.fixture(autouse=True)
def _verification_keys_reread():
    """Each test reads the keys of its own database: no process memory of an earlier test's keys."""
    from cards.keys import verification_keys_forget

    verification_keys_forget()
    yield
    verification_keys_forget()
