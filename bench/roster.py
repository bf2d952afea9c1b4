"""An employer's roster, read, validated, evaluated and stored (target: 10,000 rows in under 10 s on one core, the web
request returning at once, memory flat in the number of rows).

Builds rosters of varied, plausible staff from the template at each size; then, for each size, in a fresh process:
reads the same file with openpyxl alone (the floor: what streaming the workbook costs), then runs the roster's task
itself (read, validate, evaluate every row, store them in batches), reporting wall and CPU time, the ratio to the floor
and the process's peak memory above what it held before; and times the upload the web request makes (file stored,
task queued), which is all the request waits for.

    .venv/bin/python bench/roster.py [--sizes 2500 5000 10000]

PostgreSQL by BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/baiyun_bench_rosters), migrated once.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/baiyun_bench_rosters"


def _django() -> None:
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiyun_talent.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def database_create(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def peak_rss_kb() -> int:
    """This process's peak resident memory (Linux VmHWM)."""
    return int(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0])


def roster_file(size: int, path: Path) -> None:
    """A filled template of `size` staff with every column given: degrees, honours, enterprise roles and amounts."""
    from openpyxl import Workbook

    from rosters.columns import COLUMNS, HEADINGS, SHEET_NAME
    from tests.factories import resident_id

    rng = random.Random(20261202 + size)
    honours = ["", "", "", "senior_professional_title", "district_postdoc", "pearl_river_nova", "city_skills_award"]
    # A normal workbook, as Excel and WPS save one: with the sheet's dimension (openpyxl's write-only mode omits it,
    # and read_only mode would then parse the sheet once more to find its size).
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append(list(HEADINGS))
    for serial in range(size):
        values = {
            "full_name": f"员工{serial}",
            "document_number": resident_id(
                birth=f"19{rng.randint(60, 99)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}", serial=serial % 1000
            ),
            "mobile": f"139{serial:08d}",
            "email": f"staff{serial}@example.org",
            "job_title": "工程师",
            "honours": rng.choice(honours),
            "enterprise.founded_on": f"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
        }
        row = []
        for column in COLUMNS:
            if column.key in values:
                row.append(values[column.key])
            elif column.kind == "bool":
                row.append(rng.choice(("是", "否", "否")))
            elif column.kind == "choice":
                row.append(rng.choice(column.choice_words()))
            elif column.kind == "money":
                row.append(rng.choice((0, 300_000, 5_000_000, 120_000_000)))
            elif column.kind == "integer":
                row.append(rng.randint(1, 3))
            else:
                row.append("")
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    path.write_bytes(output.getvalue())


def measure(size: int, path: Path) -> dict:
    """Runs in a fresh process: the floor (openpyxl alone), then the roster's task, then the upload as the request."""
    _django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from accounts.models import Department, Employer, User
    from accounts.roles import Role
    from baiyun_talent.celery import app
    from rosters.models import Roster
    from rosters.services import roster_process, roster_upload
    from tests.factories import EmployerFactory, UserFactory

    # The request only queues the task: nothing runs in-process, the in-memory broker keeps the message.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    department = Department.objects.get_or_create(code="bench", defaults={"name": "基准局"})[0]
    employer = Employer.objects.filter(department=department).first() or EmployerFactory(department=department)
    officer = User.objects.filter(username="bench-officer").first() or UserFactory(
        username="bench-officer", roles=[Role.EMPLOYER]
    )
    officer.employers.add(employer)
    content = path.read_bytes()

    before_kb = peak_rss_kb()
    started_cpu, started = time.process_time(), time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=False)
    cells = sum(len(values) for values in workbook["花名册"].iter_rows(values_only=True))
    workbook.close()
    floor_cpu, floor_wall = time.process_time() - started_cpu, time.perf_counter() - started
    floor_kb = peak_rss_kb()

    started = time.perf_counter()
    roster = roster_upload(actor=officer, employer_id=employer.pk, file=SimpleUploadedFile("staff.xlsx", content))
    request_wall = time.perf_counter() - started

    started_cpu, started = time.process_time(), time.perf_counter()
    roster = roster_process(roster_id=roster.pk)
    task_cpu, task_wall = time.process_time() - started_cpu, time.perf_counter() - started
    task_kb = peak_rss_kb()
    result = {
        "size": size,
        "status": roster.status,
        "rows": roster.rows_total,
        "qualifying": roster.rows_qualifying,
        "errors": roster.rows_with_errors,
        "cells": cells,
        "floor_cpu_s": floor_cpu,
        "floor_wall_s": floor_wall,
        "task_cpu_s": task_cpu,
        "task_wall_s": task_wall,
        "request_ms": request_wall * 1000,
        "floor_extra_mb": (floor_kb - before_kb) / 1024,
        "task_extra_mb": (task_kb - before_kb) / 1024,
        "peak_mb": task_kb / 1024,
    }
    Roster.objects.filter(pk=roster.pk).delete()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_500, 5_000, 10_000])
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "FILE"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        print(json.dumps(measure(int(options.one[0]), Path(options.one[1]))))
        return
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    database_create(url)
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    results = []
    with tempfile.TemporaryDirectory() as directory:
        for size in options.sizes:
            path = Path(directory) / f"roster-{size}.xlsx"
            roster_file(size, path)
            output = subprocess.run(  # noqa: S603 - this script, with a size and the file it built
                [sys.executable, __file__, "--one", str(size), str(path)],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            ).stdout
            results.append(json.loads(output.strip().splitlines()[-1]))
    print(
        f"{'rows':>7} {'qualifying':>10} {'task wall s':>11} {'task CPU s':>10} {'× openpyxl alone':>16} "
        f"{'request ms':>10} {'+MB openpyxl':>12} {'+MB task':>8} {'peak MB':>8}"
    )
    for run in results:
        print(
            f"{run['rows']:7d} {run['qualifying']:10d} {run['task_wall_s']:11.2f} {run['task_cpu_s']:10.2f} "
            f"{run['task_cpu_s'] / run['floor_cpu_s']:16.1f} {run['request_ms']:10.1f} "
            f"{run['floor_extra_mb']:12.1f} {run['task_extra_mb']:8.1f} {run['peak_mb']:8.1f}"
        )


if __name__ == "__main__":
    main()
