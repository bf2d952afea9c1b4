"""Throughput of the eligibility engine on random but plausible profiles (target: 20,000 profiles/s, one thread)."""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eligibility.catalogue import catalogue_default
from eligibility.engine import evaluate, evaluate_data
from eligibility.profile import parse_profile

LEVELS = ["national", "provincial", "city", None]
TODAY = date(2026, 6, 1)


def profile_random(*, rng: random.Random, honours: list[str]) -> dict[str, object]:
    """One applicant as the form would send it: mostly sparse, sometimes rich."""
    on_date = date(2021, 12, 1) + timedelta(days=rng.randrange(0, 5 * 366 + 60))
    data: dict[str, object] = {
        "on_date": on_date.isoformat(),
        "employer": {
            "registered_in_district": rng.random() < 0.8,
            "pays_tax_in_district": rng.random() < 0.5,
            "district_fiscal_funded": rng.random() < 0.05,
        },
    }
    if rng.random() < 0.03:
        data["retired"] = True
    if rng.random() < 0.02:
        data["case_by_case"] = True
    if rng.random() < 0.4:
        data["honours"] = rng.sample(honours, k=rng.choice([1, 1, 1, 2, 3]))
    if rng.random() < 0.7:
        data["education"] = {
            "degree": rng.choice(["doctorate", "master", "bachelor", "none"]),
            "postgraduate": rng.random() < 0.5,
            "full_time": rng.random() < 0.7,
            "university": rng.choice(["double_first_class", "global_top500_overseas", "other"]),
            "bachelor_or_above_overseas": rng.random() < 0.2,
        }
    if rng.random() < 0.6:
        founded_on = on_date - timedelta(days=rng.randrange(0, 12 * 366))
        data["enterprise"] = {
            "role": rng.choice(["principal", "mid_senior_manager", "project_leader", "none"]),
            "district_tax_yuan": rng.choice([0, rng.randrange(0, 20_000_000)]),
            "high_tech": rng.random() < 0.3,
            "revenue_yuan": rng.randrange(0, 800_000_000),
            "district_investment_yuan": rng.choice([0, rng.randrange(0, 5_000_000_000)]),
            "headquarters": rng.random() < 0.05,
            "committed_tax_yuan": rng.choice([0, rng.randrange(0, 50_000_000)]),
            "global500_or_china500": rng.random() < 0.02,
            "incubator_level": rng.choice(LEVELS),
            "agri_leader_level": rng.choice(LEVELS),
            "key_above_scale": rng.random() < 0.1,
            "above_scale": rng.random() < 0.3,
            "economic_contribution_yuan": rng.randrange(0, 1_000_000),
            "on_department_list": rng.random() < 0.2,
            "contest_level": rng.choice(LEVELS),
            "contest_place": rng.randrange(0, 5),
            "founded_on": founded_on.isoformat(),
            "founder_largest_shareholder": rng.random() < 0.3,
            "core_technology_stage": rng.choice(["pilot", "industrialization", None]),
        }
    return data


def rate(count: int, seconds: float) -> str:
    """Profiles per second, readable."""
    return f"{count / seconds:>10,.0f} profiles/s  ({seconds * 1e6 / count:.1f} µs each)"


def main() -> None:
    """Generate, then time parse+evaluate, evaluate alone, and the full JSON round of evaluate_data."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20211224)
    args = parser.parse_args()

    started = time.perf_counter()
    catalogue = catalogue_default()
    print(f"catalogue loaded and validated in {(time.perf_counter() - started) * 1000:.1f} ms")
    rng = random.Random(args.seed)
    honours = sorted(catalogue.honour_codes)
    datas = [profile_random(rng=rng, honours=honours) for _ in range(args.count)]
    known = catalogue.honour_codes

    started = time.perf_counter()
    profiles = [parse_profile(data, today=TODAY, known_honours=known) for data in datas]
    parsed = time.perf_counter() - started

    started = time.perf_counter()
    results = [evaluate(profile, catalogue=catalogue) for profile in profiles]
    evaluated = time.perf_counter() - started

    started = time.perf_counter()
    for data in datas:
        evaluate(parse_profile(data, today=TODAY, known_honours=known), catalogue=catalogue)
    both = time.perf_counter() - started

    started = time.perf_counter()
    for data in datas:
        evaluate_data(data, today=TODAY, catalogue=catalogue)
    full = time.perf_counter() - started

    tiers: dict[str, int] = {}
    for result in results:
        key = result.tier or ("case_by_case" if result.case_by_case else "blocked" if result.blockers else "none")
        tiers[key] = tiers.get(key, 0) + 1
    print(f"{args.count:,} profiles (seed {args.seed}), single thread")
    print(f"parse only            {rate(args.count, parsed)}")
    print(f"evaluate only         {rate(args.count, evaluated)}")
    print(f"parse + evaluate      {rate(args.count, both)}")
    print(f"evaluate_data (JSON)  {rate(args.count, full)}")
    print("outcomes: " + ", ".join(f"{key} {value:,}" for key, value in sorted(tiers.items())))


if __name__ == "__main__":
    main()
