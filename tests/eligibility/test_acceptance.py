from datetime import date
from pathlib import Path

import pytest
import yaml

from eligibility.engine import evaluate_data
from eligibility.profile import ProfileError

CASES_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "acceptance" / "eligibility_cases.yaml"
CASES = yaml.safe_load(CASES_PATH.read_text(encoding="utf-8"))
# Cases without an on_date are date-independent; any day in force will do.
TODAY = date(2026, 6, 1)


def test_acceptance_file_has_cases():
    assert len(CASES) >= 29
    assert len({case["name"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "case", [case for case in CASES if not case["expect"].get("error")], ids=lambda case: case["name"]
)
def test_acceptance_case_answers_as_expected(case):
    result = evaluate_data(case["profile"], today=TODAY)
    assert {key: result[key] for key in case["expect"]} == case["expect"]


@pytest.mark.parametrize("case", [case for case in CASES if case["expect"].get("error")], ids=lambda case: case["name"])
def test_acceptance_invalid_case_is_refused_naming_the_field(case):
    with pytest.raises(ProfileError) as refused:
        evaluate_data(case["profile"], today=TODAY)
    field = refused.value.field
    assert field != ""
    assert refused.value.en.split(": ")[0] == field
    assert refused.value.zh.split("：")[0] == field
