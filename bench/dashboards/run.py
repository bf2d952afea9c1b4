"""Dashboards under load: 100,000 applications in PostgreSQL, pages served by gunicorn, measured with wrk.

Usage: [REDIS_URL=redis://127.0.0.1:6379/0] .venv/bin/python -m bench.dashboards.run [--seconds 15] [--connections 8]
       [--applications 100000] [--rounds 3] [--port 8765]
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/baiyun_bench) and Debian's wrk.
REDIS_URL, when given, is kept, as production sets it: the cache (sessions, the dashboards' versioned caches) is then
Redis; without it the cache is per process and the dashboards' caches stay off (reviews/caching.py). Celery tasks run
in-process either way (no page of the benchmark enqueues one).
Prints requests/s and p50/p95/p99 latency of a bare hello-world view, the department queue, the HR queue and the
statistics page, served by the same gunicorn in the same run, and each page's share of the hello-world rate; then the
time the statistics take when computed afresh (after a write replaced the cached page), and the HR queue's whole
export as CSV and .xlsx, in-process.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/baiyun_bench"
RESULT = re.compile(r"RESULT requests=(\d+) rps=([\d.]+) p50=([\d.]+) p95=([\d.]+) p99=([\d.]+) failed=(\d+)")


def database_create(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def session_cookie(username: str) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.module_loading import import_string

    from accounts.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that signs users in (the first one, django-axes's, only checks locks).
    session[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def wrk(url: str, *, seconds: int, connections: int, cookie: str = "") -> dict:
    command = [
        "/usr/bin/wrk",
        f"-d{seconds}s",
        f"-c{connections}",
        "-t2",
        "-s",
        str(Path(__file__).with_name("report.lua")),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = RESULT.search(output)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    requests, rps, p50, p95, p99, failed = match.groups()
    return {
        "requests": int(requests),
        "rps": float(rps),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "failed": int(failed),
    }


def statistics_computed(*, repeat: int) -> dict:
    """The statistics computed afresh (what a request pays after a write replaced the cached page), in-process."""
    from django.db import connection

    from accounts.models import User
    from reviews.statistics import _statistics_read

    user = User.objects.get(username="talent")
    user.role_codes  # noqa: B018 - read once, as the request's middleware does
    timings = []
    for _round in range(repeat):
        started = time.perf_counter()
        _statistics_read(user=user)
        timings.append((time.perf_counter() - started) * 1000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM applications_historyentry")
        (history,) = cursor.fetchone()
    timings.sort()
    return {"p50": timings[len(timings) // 2], "max": timings[-1], "history": history}


def exports_timed() -> dict:
    """The HR bureau's whole queue written as CSV and as .xlsx, as the export task does, against reading its ids."""
    from accounts.models import User
    from accounts.roles import Role
    from reviews.exports import export_bytes, export_lines, export_queryset
    from reviews.queues import QueueFilters

    user = User.objects.get(username="hr")
    queryset = export_queryset(user=user, role=Role.HR_REVIEWER, filters=QueueFilters())
    started = time.perf_counter()
    rows = sum(1 for _pk in queryset.values_list("pk", flat=True).iterator(chunk_size=2000))
    timings = {"rows": rows, "read ids": time.perf_counter() - started}
    for export_format in ("csv", "xlsx"):
        started = time.perf_counter()
        export_bytes(lines=export_lines(queryset=queryset), export_format=export_format)
        timings[export_format] = time.perf_counter() - started
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--statistics-repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="baiyun-bench-"))
    environment = {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
        "DJANGO_SETTINGS_MODULE": "bench.dashboards.settings",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "false",
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }
    if not environment.get("REDIS_URL"):
        environment.pop("REDIS_URL", None)
    os.environ.update(environment)
    database_create(environment["DATABASE_URL"])
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.urls import reverse

    from bench.dashboards.seed import seed

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Seeding up to {arguments.applications:,} applications …")
    seed(total=arguments.applications)
    # VACUUM as autovacuum would have done by now: index-only scans (the bounded counts) need the visibility map.
    call_command("shell", command="from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')")
    pages = {
        "hello world (bare Django view)": ("/bench/hello/", ""),
        "department queue (初审)": (
            reverse("reviews:queue", kwargs={"role": "department_reviewer"}),
            session_cookie("department"),
        ),
        "HR queue (复审/审定)": (reverse("reviews:queue", kwargs={"role": "hr_reviewer"}), session_cookie("hr")),
        "statistics (talent office)": (reverse("reviews:statistics"), session_cookie("talent")),
    }
    computed = statistics_computed(repeat=arguments.statistics_repeat)
    exported = exports_timed()
    server = subprocess.Popen(  # noqa: S603 - the venv's gunicorn with fixed arguments
        [
            str(BIN / "gunicorn"),
            "baiyun_talent.wsgi:application",
            "--bind",
            f"127.0.0.1:{arguments.port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    try:
        time.sleep(3)
        for path, cookie in pages.values():
            url = f"http://127.0.0.1:{arguments.port}{path}"
            request = urllib.request.Request(url, headers={"Cookie": cookie})
            with urllib.request.urlopen(request) as response:  # noqa: S310
                status = response.status
            if status != 200:
                raise RuntimeError(f"{url} answered {status}")
            wrk(url, seconds=2, connections=arguments.connections, cookie=cookie)
        # Each round measures every page once, so a page and the hello view it is compared with share the load.
        rounds = []
        for _round in range(arguments.rounds):
            rounds.append(
                {
                    label: wrk(
                        f"http://127.0.0.1:{arguments.port}{path}",
                        seconds=arguments.seconds,
                        connections=arguments.connections,
                        cookie=cookie,
                    )
                    for label, (path, cookie) in pages.items()
                }
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"\n{arguments.applications:,} applications, gunicorn 2 sync workers, wrk {arguments.connections} "
        f"connections × {arguments.seconds}s per page, {arguments.rounds} rounds"
    )
    for number, results in enumerate(rounds, start=1):
        hello = results["hello world (bare Django view)"]["rps"]
        print(f"\nround {number}\n")
        print("| page | requests/s | p50 ms | p95 ms | p99 ms | share of hello world | failed |")
        print("|---|---|---|---|---|---|---|")
        for label, result in results.items():
            print(
                f"| {label} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p95']:.1f} | {result['p99']:.1f} "
                f"| {result['rps'] / hello:.0%} | {result['failed']} |"
            )
    hello_p50 = min(results["hello world (bare Django view)"]["p50"] for results in rounds)
    print(
        f"\nstatistics computed afresh (no cache), in-process, {arguments.statistics_repeat} rounds over "
        f"{computed['history']:,} history rows: median {computed['p50']:.1f} ms, slowest {computed['max']:.1f} ms "
        f"({computed['p50'] / hello_p50:.0f}× the hello view's p50 over HTTP)"
    )
    print(
        f"HR queue exported whole ({exported['rows']:,} rows), in-process: CSV {exported['csv']:.2f} s, "
        f".xlsx {exported['xlsx']:.2f} s; reading the same rows' ids alone {exported['read ids']:.2f} s "
        f"(CSV {exported['csv'] / exported['read ids']:.0f}×, .xlsx {exported['xlsx'] / exported['read ids']:.0f}×)"
    )


if __name__ == "__main__":
    main()
