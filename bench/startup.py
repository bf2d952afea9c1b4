"""Start-up cost: `manage.py check`, and a fresh process's first response (importing the WSGI application and
answering one GET, as a gunicorn worker does after a restart), for the portal and for a minimal Django project
(`django-admin startproject` with one hello view) measured in the same run, alternating, each in a new process.

    .venv/bin/python bench/startup.py              # 5 rounds
    .venv/bin/python bench/startup.py --rounds 9

Prints the median wall time of each and the portal's ratio to the minimal project, and which of the heavy libraries
that only some requests need (openpyxl, pypdf, fontTools, qrcode, WeasyPrint, pydantic) the first response imported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HEAVY = ("openpyxl", "pypdf", "fontTools", "qrcode", "weasyprint", "pydantic")
# A page every visitor can open that runs the portal's whole middleware stack, URL resolution and a template.
PORTAL_PATH = "/accounts/login/"
MINIMAL_PATH = "/hello/"

FIRST_RESPONSE = """
import io, json, sys, time
started = time.perf_counter()
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
statuses = []
environ = {
    "REQUEST_METHOD": "GET", "PATH_INFO": sys.argv[1], "QUERY_STRING": "", "SERVER_NAME": "localhost",
    "SERVER_PORT": "80", "HTTP_HOST": "localhost", "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
    "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
}
response = application(environ, lambda status, headers: statuses.append(status))
b"".join(response)
heavy = sorted(name for name in sys.argv[2].split(",") if name in sys.modules)
print(json.dumps({"status": statuses[0], "seconds": time.perf_counter() - started, "heavy": heavy}))
"""


def minimal_project(directory: Path) -> Path:
    """`django-admin startproject hello` with one view answering "Hello, world"."""
    directory.mkdir()
    subprocess.run([str(BIN / "django-admin"), "startproject", "hello", str(directory)], check=True)  # noqa: S603
    urls = directory / "hello" / "urls.py"
    urls.write_text(
        "from django.contrib import admin\n"
        "from django.http import HttpResponse\n"
        "from django.urls import path\n\n"
        "urlpatterns = [\n"
        '    path("admin/", admin.site.urls),\n'
        '    path("hello/", lambda request: HttpResponse("Hello, world")),\n'
        "]\n"
    )
    return directory


def timed(command: list[str], *, cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """Wall time of one process from its start to its exit, and what it printed."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    return time.perf_counter() - started, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as temporary:
        minimal = minimal_project(Path(temporary) / "minimal")
        base = {"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1"}
        # DEBUG on for both: the portal's pages then need no collected static files; the middleware, URL
        # resolution and templates are the same as in production.
        portal_env = {
            **base,
            "DJANGO_SETTINGS_MODULE": "baiyun_talent.settings",
            "DEBUG": "true",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "VAR_DIR": str(Path(temporary) / "var"),
            "PYTHONPATH": str(ROOT),
        }
        minimal_env = {**base, "DJANGO_SETTINGS_MODULE": "hello.settings", "PYTHONPATH": str(minimal)}
        cases = {
            "check": (
                ([python, "manage.py", "check"], ROOT, portal_env),
                ([python, "manage.py", "check"], minimal, minimal_env),
            ),
            "first response": (
                ([python, "-c", FIRST_RESPONSE, PORTAL_PATH, ",".join(HEAVY)], ROOT, portal_env),
                ([python, "-c", FIRST_RESPONSE, MINIMAL_PATH, ",".join(HEAVY)], minimal, minimal_env),
            ),
        }
        times: dict[tuple[str, str], list[float]] = {}
        heavy: list[str] = []
        for _round in range(options.rounds):
            for case, (portal, bare) in cases.items():
                for who, (command, cwd, env) in (("portal", portal), ("minimal", bare)):
                    seconds, output = timed(command, cwd=cwd, env=env)
                    times.setdefault((case, who), []).append(seconds)
                    if case == "first response":
                        answer = json.loads(output)
                        if not answer["status"].startswith("200"):
                            raise SystemExit(f"{who} answered {answer['status']}")
                        if who == "portal":
                            heavy = answer["heavy"]
    print(f"{'':16} {'portal s':>9} {'minimal s':>10} {'ratio':>6}   (median of {options.rounds} rounds)")
    for case in cases:
        portal, bare = statistics.median(times[(case, "portal")]), statistics.median(times[(case, "minimal")])
        print(f"{case:16} {portal:9.3f} {bare:10.3f} {portal / bare:6.2f}")
    print(f"imported by the first response: {', '.join(heavy) or 'none'} (of {', '.join(HEAVY)})")


if __name__ == "__main__":
    main()
