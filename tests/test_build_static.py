"""The production image's static build, run as the Dockerfile runs it, then a page served with DEBUG=false."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

BUILD_SCRIPT = "scripts/build-static"
# What the image holds besides the code: the script writes compiled translations beside the catalogue, so it runs
# in a copy of the project rather than in the checkout the other tests read.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "var", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "*.mo"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a server of this test on loopback
        return response.status, dict(response.headers), response.read()


def test_dockerfile_builds_static_files_with_the_script():
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text(encoding="utf-8")
    assert f"RUN {BUILD_SCRIPT}\n" in dockerfile
    assert "collectstatic" not in dockerfile


def test_static_build_serves_pages_with_debug_off(tmp_path):
    project = tmp_path / "app"
    shutil.copytree(settings.BASE_DIR, project, ignore=NOT_COPIED)
    environment = {
        "PATH": os.environ["PATH"],
        "PYTHON": sys.executable,
        "VAR_DIR": str(tmp_path / "var"),
        "SHARED_DIR": str(settings.SHARED_DIR),
    }
    subprocess.run([str(project / BUILD_SCRIPT)], cwd=project, env=environment, check=True, timeout=300)  # noqa: S603
    assert (tmp_path / "var" / "staticfiles" / "staticfiles.json").is_file()

    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - gunicorn of this virtualenv with fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "baiyun_talent.wsgi:application", "-b", f"127.0.0.1:{port}"],
        cwd=project,
        env={
            **environment,
            "DEBUG": "false",
            "SECRET_KEY": "served-only-by-this-test-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        page = None
        deadline = time.monotonic() + 60
        while page is None and time.monotonic() < deadline:
            try:
                # A page that reads no table: the database of this test is not migrated (the front page reads the
                # policy in force from it).
                page = get(f"http://127.0.0.1:{port}/accounts/login/")
            except OSError:
                time.sleep(0.2)
        assert page is not None, "gunicorn did not answer within a minute"
        status, _headers, body = page
        stylesheet = re.search(rb'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', body)
        assert (status, stylesheet is not None) == (200, True)
        css_status, css_headers, css = get(f"http://127.0.0.1:{port}{stylesheet.group(1).decode()}")
        assert (css_status, css_headers["Content-Type"].split(";")[0]) == (200, "text/css")
        assert "immutable" in css_headers["Cache-Control"]
        assert css == (settings.BASE_DIR / "static" / "css" / "portal.css").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()
