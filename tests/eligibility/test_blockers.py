"""Blockers rule out every tier, X01 included (第三条, 第六条（三）, 第七条, 第九条)."""

from datetime import date
from itertools import combinations

import pytest

from eligibility.engine import evaluate_data

RICH = {
    "case_by_case": True,
    "honours": ["cas_cae_academician", "pearl_river_nova"],
    "education": {"degree": "doctorate", "postgraduate": True},
}
BLOCKING = {
    "E01": {"employer": {}},
    "E02": {"employer": {"registered_in_district": True, "district_fiscal_funded": True}},
    "E03": {"employer": {"registered_in_district": True}, "retired": True},
}


def blocked_profile(codes: tuple[str, ...]) -> dict[str, object]:
    """A profile that would be diamond, with the given blockers switched on."""
    employer = {"registered_in_district": "E01" not in codes, "district_fiscal_funded": "E02" in codes}
    return {**RICH, "on_date": "2026-06-01", "employer": employer, "retired": "E03" in codes}


def assert_blocked(result: dict[str, object], blockers: list[str]) -> None:
    assert result["eligible"] is False
    assert result["tier"] is None
    assert result["criteria"] == []
    assert result["case_by_case"] is False
    assert result["blockers"] == blockers
    assert result["benefits"] == []
    assert result["evidence"] == []
    assert [item["code"] for item in result["explanation"]] == blockers


@pytest.mark.parametrize(
    "codes", [combo for size in (1, 2, 3) for combo in combinations(("E01", "E02", "E03"), size)], ids=str
)
def test_blockers_alone_and_combined_rule_out_every_tier(codes):
    result = evaluate_data(blocked_profile(codes), today=date(2026, 6, 1))
    assert_blocked(result, list(codes))
    assert result["policy"] == "baiyun-2021"


def test_no_blocker_gives_the_tier():
    result = evaluate_data(blocked_profile(()), today=date(2026, 6, 1))
    assert result["tier"] == "diamond"
    assert result["criteria"] == ["D01", "G04", "G06", "X01"]
    assert result["blockers"] == []


@pytest.mark.parametrize("flag", ["registered_in_district", "pays_tax_in_district", "institution_in_district"])
def test_any_one_district_tie_of_the_employer_lifts_e01(flag):
    result = evaluate_data({"employer": {flag: True}, "honours": ["nobel_laureate"]}, today=date(2026, 6, 1))
    assert result["blockers"] == []
    assert result["tier"] == "diamond"


def test_missing_employer_is_e01():
    result = evaluate_data({"honours": ["nobel_laureate"]}, today=date(2026, 6, 1))
    assert_blocked(result, ["E01"])


def test_blocker_explanation_cites_the_article():
    result = evaluate_data(blocked_profile(("E02",)), today=date(2026, 6, 1))
    assert result["explanation"] == [
        {
            "code": "E02",
            "zh": "区属事业单位、国有企业等享受区财政拨款的人员原则上不予申请（第七条）",
            "en": "Staff paid from the district budget (district public institutions, state-owned enterprises and the "
            "like) may not in principle apply (Art. 7)",
        }
    ]


@pytest.mark.parametrize("codes", [("E01",), ("E02",), ("E03",), ("E01", "E02", "E03")], ids=str)
def test_out_of_force_date_reports_only_e04(codes):
    data = {**blocked_profile(codes), "on_date": "2026-12-25"}
    result = evaluate_data(data, today=date(2026, 6, 1))
    assert_blocked(result, ["E04"])
    assert result["policy"] is None
