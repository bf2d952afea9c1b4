"""The engine's output shape, explanations and evidence (spec: "Output"), and the self-check's unlockable tiers."""

from datetime import date

import pytest

from eligibility.engine import evaluate, result_to_dict, unlockable, unlockable_to_dict
from eligibility.profile import ProfileError, parse_profile

BASIC = [
    "application_form",
    "identity_document",
    "degree_certificates",
    "professional_qualification",
    "employment_contract",
    "social_insurance_or_tax",
    "photo",
]
TODAY = date(2026, 6, 1)


def profile_of(data: dict) -> object:
    return parse_profile({"employer": {"registered_in_district": True}, **data}, today=TODAY)


def test_output_is_the_spec_shape(judge):
    result = judge({"honours": ["senior_professional_title"]})
    assert result == {
        "policy": "baiyun-2021",
        "on_date": "2026-06-01",
        "eligible": True,
        "tier": "diamond",
        "criteria": ["D11"],
        "case_by_case": False,
        "blockers": [],
        "benefits": list(range(1, 14)),
        "evidence": [*BASIC, "senior_title_certificate"],
        "explanation": [
            {
                "code": "D11",
                "zh": "具有正高级以上专业技术资格的专家（第三条（一）第11项）",
                "en": "Expert holding a full senior professional title or higher (Art. 3(1) item 11)",
            }
        ],
    }


def test_not_eligible_has_nothing_to_prove(judge):
    assert judge({}) == {
        "policy": "baiyun-2021",
        "on_date": "2026-06-01",
        "eligible": False,
        "tier": None,
        "criteria": [],
        "case_by_case": False,
        "blockers": [],
        "benefits": [],
        "evidence": [],
        "explanation": [],
    }


def test_evidence_is_of_the_granted_tier_only(judge):
    result = judge(
        {
            "honours": ["senior_professional_title", "work_permit_b"],
            "education": {"degree": "doctorate", "postgraduate": True},
        }
    )
    assert result["criteria"] == ["D11", "G06", "G07"]
    assert result["evidence"] == [*BASIC, "senior_title_certificate"]
    assert [item["code"] for item in result["explanation"]] == ["D11", "G06", "G07"]


@pytest.mark.parametrize(
    ("enterprise", "evidence"),
    [
        ({"district_tax_yuan": 10_000_001}, ["role_proof", "tax_certificate"]),
        (
            {"high_tech": True, "revenue_yuan": 500_000_000},
            ["role_proof", "high_tech_certificate", "revenue_audit_report"],
        ),
        ({"district_investment_yuan": 4_000_000_001}, ["role_proof", "investment_proof"]),
        (
            {"district_tax_yuan": 10_000_001, "district_investment_yuan": 4_000_000_001},
            ["role_proof", "tax_certificate", "investment_proof"],
        ),
        ({"committed_tax_yuan": 30_000_000}, ["role_proof", "investment_agreement"]),
        (
            {"headquarters": True, "global500_or_china500": True},
            ["role_proof", "enterprise_ranking_proof", "headquarters_accreditation"],
        ),
    ],
)
def test_evidence_follows_the_branch_that_holds(judge, enterprise, evidence):
    result = judge({"enterprise": {"role": "principal", **enterprise}})
    assert result["tier"] == "diamond"
    assert result["evidence"] == [*BASIC, *evidence]


def test_case_by_case_asks_for_the_contribution_statement(judge):
    result = judge({"case_by_case": True})
    assert (result["eligible"], result["tier"], result["case_by_case"], result["criteria"]) == (
        True,
        None,
        True,
        ["X01"],
    )
    assert result["evidence"] == [*BASIC, "contribution_statement"]
    assert result["explanation"] == [
        {
            "code": "X01",
            "zh": "经区委人才工作领导小组认定的符合我区经济社会发展需要的其他人才，"
            "根据对白云区的贡献一事一议（第三条（四））",
            "en": "Other talent recognised by the district Talent Work Leading Group as meeting the district's needs, "
            "considered case by case on their contribution to Baiyun (Art. 3(4))",
        }
    ]


def test_case_by_case_is_blocked_like_any_tier(judge):
    result = judge({"case_by_case": True, "retired": True})
    assert (result["eligible"], result["criteria"], result["case_by_case"], result["blockers"]) == (
        False,
        [],
        False,
        ["E03"],
    )


def test_evaluate_is_deterministic():
    profile = profile_of(
        {"honours": ["pearl_river_nova"], "enterprise": {"role": "principal", "district_tax_yuan": 9_000_000}}
    )
    assert evaluate(profile) == evaluate(profile)
    assert result_to_dict(evaluate(profile))["criteria"] == ["G04", "G11", "S07"]


def test_unlockable_unknown_honours_open_every_diamond_honour():
    result = unlockable(
        profile_of({"education": {"degree": "doctorate", "postgraduate": True}}), unknown_fields={"honours"}
    )
    assert result.tier == "gold"
    assert [unlock.code for unlock in result.unlocks] == [f"D{number:02}" for number in range(1, 14)]
    assert {unlock.needs for unlock in result.unlocks} == {("honours",)}
    assert dict(result.by_field) == {"honours": "diamond"}


def test_unlockable_one_unknown_honour():
    result = unlockable(profile_of({}), unknown_fields={"honours.pearl_river_nova"})
    assert unlockable_to_dict(result) == {
        "tier": None,
        "unlocks": [
            {
                "code": "G04",
                "tier": "gold",
                "needs": ["honours.pearl_river_nova"],
                "evidence": ["honour_certificate"],
                "zh": "珠江科技新星奖获奖者（第三条（二）第4项）",
                "en": "Winner of the Pearl River Science and Technology Nova award (Art. 3(2) item 4)",
            }
        ],
        "by_field": {"honours.pearl_river_nova": "gold"},
        "blockers": [],
        "possible_blockers": [],
    }


def test_unlockable_unknown_amount_names_the_tier_and_its_evidence():
    profile = profile_of({"enterprise": {"role": "principal", "district_tax_yuan": 6_000_000}})
    result = unlockable(profile, unknown_fields={"enterprise.district_tax_yuan"})
    assert result.tier == "silver"
    assert [(unlock.code, unlock.needs, unlock.evidence) for unlock in result.unlocks] == [
        ("D17", ("enterprise.district_tax_yuan",), ("role_proof", "tax_certificate")),
        ("G11", ("enterprise.district_tax_yuan",), ("role_proof", "tax_certificate")),
    ]
    assert dict(result.by_field) == {"enterprise.district_tax_yuan": "diamond"}


def test_unlockable_needs_every_unknown_of_a_conjunction():
    profile = profile_of({"enterprise": {"role": "principal"}})
    result = unlockable(profile, unknown_fields={"enterprise.high_tech", "enterprise.revenue_yuan"})
    assert [(unlock.code, unlock.needs) for unlock in result.unlocks] == [
        ("D17", ("enterprise.high_tech", "enterprise.revenue_yuan")),
        ("G11", ("enterprise.high_tech", "enterprise.revenue_yuan")),
        ("S07", ("enterprise.high_tech", "enterprise.revenue_yuan")),
    ]
    assert result.unlocks[0].evidence == ("role_proof", "high_tech_certificate", "revenue_audit_report")


def test_unlockable_ignores_what_cannot_change_the_tier():
    profile = profile_of({"honours": ["nobel_laureate"]})
    assert unlockable(profile, unknown_fields={"honours", "enterprise.district_tax_yuan"}).unlocks == ()


def test_unlockable_unknown_in_a_failing_conjunction_unlocks_nothing():
    profile = profile_of({"enterprise": {"role": "none"}})
    assert unlockable(profile, unknown_fields={"enterprise.district_tax_yuan"}).unlocks == ()


def test_unlockable_reports_possible_blockers():
    result = unlockable(profile_of({}), unknown_fields={"employer.district_fiscal_funded", "honours.nobel_laureate"})
    assert (result.possible_blockers, [unlock.code for unlock in result.unlocks]) == (("E02",), ["D01"])


def test_unlockable_definite_blocker_stops_everything():
    profile = parse_profile({"retired": True, "employer": {"registered_in_district": True}}, today=TODAY)
    result = unlockable(profile, unknown_fields={"honours"})
    assert (result.tier, result.unlocks, result.blockers) == (None, (), ("E03",))


def test_unlockable_out_of_force_stops_everything():
    profile = parse_profile({"on_date": "2027-01-01"}, today=TODAY)
    result = unlockable(profile, unknown_fields={"honours"})
    assert (result.unlocks, result.blockers) == ((), ("E04",))


@pytest.mark.parametrize("name", ["enterprise.tax", "honours.unknown_thing", "on_date", ""])
def test_unlockable_unknown_field_name_is_refused(name):
    with pytest.raises(ProfileError) as refused:
        unlockable(profile_of({}), unknown_fields={name})
    assert (refused.value.field, refused.value.code) == (name, "unknown_field")


def test_criteria_of_tier_picks_each_tiers_codes_and_the_case_by_case_route():
    from eligibility.engine import criteria_of_tier

    codes = ["D10", "D17", "G06", "S03", "X01"]
    assert criteria_of_tier(codes, tier="diamond") == ["D10", "D17"]
    assert criteria_of_tier(codes, tier="gold") == ["G06"]
    assert criteria_of_tier(codes, tier="silver") == ["S03"]
    assert criteria_of_tier(codes, tier=None) == ["X01"]
