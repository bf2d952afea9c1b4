"""Liveness and readiness: whether the process answers, and whether what it needs answers it."""

import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections

logger = logging.getLogger(__name__)

OK, FAILED, NOT_CONFIGURED = "ok", "failed", "not configured"


def readiness_checks() -> dict[str, str]:
    """The database, Redis (when configured) and the private file storage, each "ok", "failed" or "not configured".

    A failure is logged with its cause; the answer names only which one failed.
    """
    return {
        "database": _checked("database", _database_answers),
        "redis": _checked("redis", _redis_answers) if settings.REDIS_URL else NOT_CONFIGURED,
        "storage": _checked("storage", _storage_answers),
    }


def _checked(name: str, check) -> str:
    try:
        check()
    except Exception:  # any failure of a dependency means not ready; the cause goes to the log
        logger.exception("readiness: %s failed", name)
        return FAILED
    return OK


def _database_answers() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _redis_answers() -> None:
    from baiyun_talent.metrics import _broker_client

    _broker_client().ping()


def _storage_answers() -> None:
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        # The directory is made on the first upload: until then its nearest existing parent must be writable.
        location = Path(storage.location)
        while not location.exists():
            location = location.parent
        if not (location.is_dir() and os.access(location, os.W_OK | os.X_OK)):
            raise PermissionError(f"cannot write to {location}")
        return
    # S3: the bucket exists and the keys are accepted (a HEAD request).
    storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
