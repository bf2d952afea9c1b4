import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture
def s3_endpoint():
    """A real S3 API server (moto's) on a free local port, for the life of one test."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - the venv's own moto_server with fixed arguments
        [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


needs_postgres_and_redis = pytest.mark.skipif(
    connection.vendor != "postgresql" or not settings.REDIS_URL,
    reason="a worker process shares the test database and broker only with PostgreSQL and Redis (as in CI)",
)


def worker_environment(*, var_dir: Path) -> dict[str, str]:
    """The environment of a Celery worker that uses this test run's database and broker."""
    database = connection.settings_dict
    return {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
            f"/{database['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "VAR_DIR": str(var_dir),
        "EMAIL_BACKEND": "file",
    }
