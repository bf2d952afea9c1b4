"""The impact preview of a draft policy over the stored profiles (target: 100,000 in under 10 s on one core, memory
flat in the number of profiles).

Seeds applications with random but plausible profiles into a PostgreSQL database (once, topped up to each size),
then, for each size, in a fresh process: reads every stored profile alone (the floor: what the database and JSON
decoding cost), then runs the preview itself (both versions on every profile), reporting wall and CPU time, the
ratio to the floor, and the process's peak memory above what it held before the run.

    .venv/bin/python bench/policy_impact.py [--sizes 25000 50000 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/baiyun_bench_impact"
BATCH = 5_000


def _django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baiyun_talent.settings")
    import django

    django.setup()


def database_create(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def seed(total: int) -> None:
    """Tops the stored applications up to `total`, each with a random profile."""
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import User
    from applications.models import Application
    from bench.eligibility import profile_random
    from eligibility.catalogue import catalogue_default

    call_command("migrate", verbosity=0)
    made = Application.objects.count()
    rng = random.Random(20261224 + made)
    honours = sorted(catalogue_default().honour_codes)
    states = ["draft", "submitted", "initial_passed", "second_passed", "approved", "issued", "issued", "rejected"]
    while made < total:
        count = min(BATCH, total - made)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [User(username=f"impact{made + index}", full_name=f"申请人{made + index}") for index in range(count)]
            )
            rows = []
            for index, user in enumerate(users):
                profile = profile_random(rng=rng, honours=honours)
                profile.pop("on_date")
                case_by_case = bool(profile.pop("case_by_case", False))
                rows.append(
                    Application(
                        applicant=user,
                        number=f"BY2026{made + index:07d}"[:20],
                        state=rng.choice(states),
                        full_name=user.full_name,
                        profile=profile,
                        case_by_case=case_by_case,
                    )
                )
            Application.objects.bulk_create(rows)
        made += count


def draft_text() -> str:
    """A successor of baiyun-2021 as a district might write it: D17's tax threshold raised, S07's lowered."""
    from eligibility.catalogue import POLICY_DIRECTORY
    from eligibility.services import policy_source_with

    text = (POLICY_DIRECTORY / "baiyun-2021.yaml").read_text(encoding="utf-8")
    text = policy_source_with(
        text,
        code="bench-successor",
        issued_on="2026-12-25",
        in_force_from="2026-12-25",
        in_force_until="2031-12-25",
    )
    return text.replace("district_tax_yuan, gt: 10000000", "district_tax_yuan, gt: 12000000").replace(
        "district_tax_yuan, gt: 5000000", "district_tax_yuan, gt: 4000000"
    )


def measure(limit: int) -> dict[str, object]:
    """In this process: the floor (reading the profiles) and the preview over the first `limit` stored profiles."""
    import itertools

    from applications.selectors import stored_profiles
    from eligibility.catalogue import catalogue_default, policy_parse
    from eligibility.preview import policy_impact, policy_impact_counts

    draft = policy_parse(draft_text(), source="bench-successor")
    baseline = catalogue_default().policies[0]
    before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    wall, cpu = time.perf_counter(), time.process_time()
    read = sum(1 for _stored in itertools.islice(stored_profiles(), limit))
    floor_wall, floor_cpu = time.perf_counter() - wall, time.process_time() - cpu

    wall, cpu = time.perf_counter(), time.process_time()
    rows = policy_impact(
        before=baseline, after=draft, on_date=draft.in_force_from, profiles=itertools.islice(stored_profiles(), limit)
    )
    counts = policy_impact_counts(rows)
    impact_wall, impact_cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "profiles": read,
        "floor_wall": floor_wall,
        "floor_cpu": floor_cpu,
        "impact_wall": impact_wall,
        "impact_cpu": impact_cpu,
        "peak_above_start_mib": (peak_kib - before_kib) / 1024,
        "peak_mib": peak_kib / 1024,
        "counts": counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[25_000, 50_000, 100_000])
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _django()
        print(json.dumps(measure(args.measure)))
        return
    database_create(os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    _django()
    started = time.perf_counter()
    seed(max(args.sizes))
    print(f"database ready with {max(args.sizes):,} stored profiles ({time.perf_counter() - started:.1f} s)")
    print("profiles   floor (CPU)   preview wall / CPU   CPU ratio   profiles/s (CPU)   peak memory")
    for size in args.sizes:
        # One core: the measuring process runs one thread; its CPU time is the figure, wall time depends on load.
        command = [sys.executable, __file__, "--measure", str(size)]
        output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout  # noqa: S603
        result = json.loads(output.strip().splitlines()[-1])
        ratio = result["impact_cpu"] / result["floor_cpu"]
        print(
            f"{result['profiles']:>8,}   {result['floor_cpu']:>8.2f} s"
            f"   {result['impact_wall']:>6.2f} s / {result['impact_cpu']:>5.2f} s"
            f"   {ratio:>8.1f}×   {result['profiles'] / result['impact_cpu']:>12,.0f}"
            f"   {result['peak_mib']:.0f} MiB (+{result['peak_above_start_mib']:.1f} MiB during the run)"
        )
    print("outcomes at the largest size: " + ", ".join(f"{key} {value:,}" for key, value in result["counts"].items()))


if __name__ == "__main__":
    main()
