"""Honour codes map to criteria exactly as the spec's table says (spec: "Honour codes")."""

import re
from pathlib import Path

import pytest

from eligibility.catalogue import catalogue_default

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "eligibility.md"
EXCLUDED = "guangzhou_industry_high_end_or_shortage"


def spec_honour_table() -> dict[str, str]:
    """honour code → criterion, read from the spec's markdown table."""
    text = SPEC_PATH.read_text(encoding="utf-8")
    table = text.split("### Honour codes", 1)[1].split("An unknown honour code", 1)[0]
    mapping: dict[str, str] = {}
    for line in table.splitlines():
        cells = line.split("|")
        if len(cells) < 3 or not re.fullmatch(r" [DGS]\d\d ", cells[1]):
            continue
        for code in re.findall(r"`([a-z0-9_]+)`", cells[2]):
            mapping[code] = cells[1].strip()
    # The D04 row names 产业高端和急需紧缺人才 only to exclude it.
    assert mapping.pop(EXCLUDED) == "D04"
    return mapping


TABLE = spec_honour_table()


def test_spec_table_is_read():
    assert len(TABLE) == 32
    assert TABLE["senior_professional_title"] == "D11"


def test_catalogue_declares_exactly_the_spec_honours():
    assert catalogue_default().honour_codes == frozenset(TABLE) | {EXCLUDED}


@pytest.mark.parametrize(("honour", "criterion"), sorted(TABLE.items()))
def test_honour_satisfies_its_criterion(judge, honour, criterion):
    result = judge({"honours": [honour]})
    assert result["criteria"] == [criterion]
    assert result["tier"] == {"D": "diamond", "G": "gold", "S": "silver"}[criterion[0]]
    assert result["eligible"] is True


def test_industry_high_end_or_shortage_matches_nothing(judge):
    result = judge({"honours": [EXCLUDED]})
    assert result["criteria"] == []
    assert result["eligible"] is False
    assert result["tier"] is None


def test_two_honours_of_one_criterion_list_it_once(judge):
    result = judge({"honours": ["cas_cae_academician", "nobel_laureate"]})
    assert result["criteria"] == ["D01"]
    assert [item["code"] for item in result["explanation"]] == ["D01"]


def test_honours_of_every_tier_are_listed_in_order_and_highest_wins(judge):
    result = judge({"honours": ["district_model_worker", "pearl_river_nova", "senior_professional_title"]})
    assert result["criteria"] == ["D11", "G04", "S04"]
    assert result["tier"] == "diamond"
