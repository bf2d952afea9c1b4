"""第九条: in force from issue on 2021-12-24 for 5 years, both ends included."""

from datetime import date

import pytest

from eligibility.catalogue import catalogue_default
from eligibility.engine import evaluate_data
from eligibility.selectors import policy_in_force


@pytest.mark.parametrize(
    ("on_date", "policy"),
    [
        (date(2021, 12, 23), None),
        (date(2021, 12, 24), "baiyun-2021"),
        (date(2024, 2, 29), "baiyun-2021"),
        (date(2026, 12, 24), "baiyun-2021"),
        (date(2026, 12, 25), None),
    ],
)
@pytest.mark.django_db
def test_policy_in_force_on_date(on_date, policy):
    found = policy_in_force(on_date=on_date)
    assert (found.code if found else None) == policy


@pytest.mark.parametrize(
    ("on_date", "tier", "blockers", "policy"),
    [
        ("2021-12-23", None, ["E04"], None),
        ("2021-12-24", "diamond", [], "baiyun-2021"),
        ("2026-12-24", "diamond", [], "baiyun-2021"),
        ("2026-12-25", None, ["E04"], None),
    ],
)
def test_evaluation_on_policy_edges(on_date, tier, blockers, policy):
    data = {"on_date": on_date, "employer": {"registered_in_district": True}, "honours": ["senior_professional_title"]}
    result = evaluate_data(data, today=date(2026, 6, 1))
    assert (result["tier"], result["blockers"], result["policy"], result["on_date"]) == (
        tier,
        blockers,
        policy,
        on_date,
    )


def test_on_date_defaults_to_today():
    data = {"employer": {"registered_in_district": True}, "honours": ["senior_professional_title"]}
    assert evaluate_data(data, today=date(2026, 12, 24))["on_date"] == "2026-12-24"
    assert evaluate_data(data, today=date(2026, 12, 25))["blockers"] == ["E04"]


def test_e04_explains_the_lapse():
    result = evaluate_data({"on_date": "2030-01-01"}, today=date(2026, 6, 1))
    assert result["explanation"] == [
        {
            "code": "E04",
            "zh": "评估日期不在任何有效的实施细则版本的有效期内（细则自发布之日起实施，有效期5年）（第九条）",
            "en": "No version of the implementing rules is in force on the evaluation date (the rules apply from "
            "issue for 5 years) (Art. 9)",
        }
    ]


def test_shipped_policy_metadata():
    (policy,) = catalogue_default().policies
    assert (policy.code, policy.document_number, policy.in_force_from, policy.in_force_until) == (
        "baiyun-2021",
        "云委人才领字〔2021〕1号",
        date(2021, 12, 24),
        date(2026, 12, 24),
    )
    assert (policy.title_zh, policy.validity_years) == ("白云区云聚英才卡实施细则", 5)
