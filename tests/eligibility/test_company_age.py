"""S02's 成立2年至5年: whole years on on_date, 2 through 5 inclusive, 29 Feb read as the spec reads it."""

from datetime import date

import pytest

from eligibility.dates import date_add_years, date_parse_iso, years_between

FOUNDER = {
    "education": {"degree": "bachelor", "bachelor_or_above_overseas": True},
    "enterprise": {"founder_largest_shareholder": True, "core_technology_stage": "industrialization"},
}


def founder(*, founded_on: str, on_date: str) -> dict[str, object]:
    enterprise = {**FOUNDER["enterprise"], "founded_on": founded_on}
    return {**FOUNDER, "on_date": on_date, "enterprise": enterprise}


@pytest.mark.parametrize(
    ("founded_on", "on_date", "criteria"),
    [
        ("2024-06-02", "2026-06-01", []),  # 1 year 364 days
        ("2024-06-01", "2026-06-01", ["S02"]),  # exactly 2
        ("2024-05-31", "2026-06-01", ["S02"]),
        ("2021-06-01", "2026-06-01", ["S02"]),  # exactly 5
        ("2020-06-02", "2026-06-01", ["S02"]),  # 5 years 364 days is still 5 whole years
        ("2020-06-01", "2026-06-01", []),  # exactly 6
        ("2020-02-29", "2022-02-27", []),
        ("2020-02-29", "2022-02-28", ["S02"]),  # 29 Feb: the period ends on the last day of February
        ("2020-02-29", "2025-02-28", ["S02"]),
        ("2020-02-29", "2026-02-27", ["S02"]),
        ("2020-02-29", "2026-02-28", []),  # 6 whole years
        ("2024-02-29", "2026-02-27", []),
        ("2024-02-29", "2026-02-28", ["S02"]),
        ("2026-07-01", "2026-06-01", []),  # founded after the evaluation date
    ],
)
def test_company_age_bounds(judge, founded_on, on_date, criteria):
    assert judge(founder(founded_on=founded_on, on_date=on_date))["criteria"] == criteria


def test_company_age_missing_founding_date_does_not_qualify(judge):
    data = {**FOUNDER, "on_date": "2026-06-01"}
    assert judge(data)["criteria"] == []


@pytest.mark.parametrize(
    ("missing", "value"),
    [
        ("bachelor_or_above_overseas", False),
        ("founder_largest_shareholder", False),
        ("core_technology_stage", None),
    ],
)
def test_s02_needs_every_part(judge, missing, value):
    data = founder(founded_on="2023-01-01", on_date="2026-06-01")
    section = "education" if missing == "bachelor_or_above_overseas" else "enterprise"
    data[section] = {**data[section], missing: value}
    assert judge(data)["criteria"] == []


@pytest.mark.parametrize("stage", ["pilot", "industrialization"])
def test_s02_needs_no_role(judge, stage):
    data = founder(founded_on="2023-01-01", on_date="2026-06-01")
    data["enterprise"] = {**data["enterprise"], "core_technology_stage": stage, "role": "none"}
    assert judge(data)["criteria"] == ["S02"]


@pytest.mark.parametrize(
    ("start", "years", "end"),
    [
        (date(2021, 12, 24), 5, date(2026, 12, 24)),
        (date(2020, 2, 29), 1, date(2021, 2, 28)),
        (date(2020, 2, 29), 4, date(2024, 2, 29)),
        (date(2019, 3, 1), 1, date(2020, 3, 1)),
    ],
)
def test_date_add_years(start, years, end):
    assert date_add_years(start, years=years) == end


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (date(2020, 2, 29), date(2021, 2, 27), 0),
        (date(2020, 2, 29), date(2021, 2, 28), 1),
        (date(2020, 2, 29), date(2024, 2, 28), 3),
        (date(2020, 2, 29), date(2024, 2, 29), 4),
        (date(2024, 6, 1), date(2024, 6, 1), 0),
        (date(2024, 6, 2), date(2024, 6, 1), -1),
    ],
)
def test_years_between(start, end, years):
    assert years_between(start, end) == years


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2026-02-28", date(2026, 2, 28)),
        ("2026-02-30", None),
        ("20260228", None),
        ("2026-W01-1", None),
        ("2026-2-28", None),
        ("２０２６-02-28", None),
        ("0000-01-01", None),
    ],
)
def test_date_parse_iso_is_strict(text, parsed):
    assert date_parse_iso(text) == parsed
