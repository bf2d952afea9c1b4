"""Every money threshold of 第三条 at the line, one yuan below and one above (spec: "Reading the boundary words")."""

import pytest

PRINCIPAL = {"role": "principal"}

# (field, amount, criteria that hold). 超过 excludes the number; 含 and 以上 include it.
TAX = [
    (4_999_999, []),
    (5_000_000, []),
    (5_000_001, ["S07"]),
    (7_999_999, ["S07"]),
    (8_000_000, ["S07"]),
    (8_000_001, ["G11", "S07"]),
    (9_999_999, ["G11", "S07"]),
    (10_000_000, ["G11", "S07"]),
    (10_000_001, ["D17", "G11", "S07"]),
]
INVESTMENT = [
    (999_999_999, []),
    (1_000_000_000, []),
    (1_000_000_001, ["S07"]),
    (1_999_999_999, ["S07"]),
    (2_000_000_000, ["S07"]),
    (2_000_000_001, ["G11", "S07"]),
    (3_999_999_999, ["G11", "S07"]),
    (4_000_000_000, ["G11", "S07"]),
    (4_000_000_001, ["D17", "G11", "S07"]),
]
# High-tech revenue bands are half-open: 1（含）-3亿, 3（含）-5亿, 5亿（含）以上.
REVENUE = [
    (99_999_999, []),
    (100_000_000, ["S07"]),
    (100_000_001, ["S07"]),
    (299_999_999, ["S07"]),
    (300_000_000, ["G11"]),
    (300_000_001, ["G11"]),
    (499_999_999, ["G11"]),
    (500_000_000, ["D17"]),
    (500_000_001, ["D17"]),
]
COMMITTED_TAX = [(29_999_999, []), (30_000_000, ["D18"]), (30_000_001, ["D18"])]
CONTRIBUTION = [(299_999, []), (300_000, ["G12"]), (300_001, ["G12"])]


@pytest.mark.parametrize(("amount", "criteria"), TAX)
def test_district_tax_threshold_is_exclusive(judge, amount, criteria):
    result = judge({"enterprise": {**PRINCIPAL, "district_tax_yuan": amount}})
    assert result["criteria"] == criteria


@pytest.mark.parametrize(("amount", "criteria"), INVESTMENT)
def test_district_investment_threshold_is_exclusive(judge, amount, criteria):
    result = judge({"enterprise": {**PRINCIPAL, "district_investment_yuan": amount}})
    assert result["criteria"] == criteria


@pytest.mark.parametrize(("amount", "criteria"), REVENUE)
def test_high_tech_revenue_band_includes_lower_and_excludes_upper(judge, amount, criteria):
    result = judge({"enterprise": {**PRINCIPAL, "high_tech": True, "revenue_yuan": amount}})
    assert result["criteria"] == criteria


@pytest.mark.parametrize(("amount", "_criteria"), REVENUE)
def test_revenue_without_high_tech_counts_for_nothing(judge, amount, _criteria):
    result = judge({"enterprise": {**PRINCIPAL, "high_tech": False, "revenue_yuan": amount}})
    assert result["criteria"] == []


@pytest.mark.parametrize(("amount", "criteria"), COMMITTED_TAX)
def test_committed_tax_threshold_is_inclusive(judge, amount, criteria):
    result = judge({"enterprise": {**PRINCIPAL, "committed_tax_yuan": amount}})
    assert result["criteria"] == criteria


@pytest.mark.parametrize(("amount", "criteria"), CONTRIBUTION)
def test_economic_contribution_threshold_is_inclusive(judge, amount, criteria):
    enterprise = {
        "role": "mid_senior_manager",
        "above_scale": True,
        "on_department_list": True,
        "economic_contribution_yuan": amount,
    }
    assert judge({"enterprise": enterprise})["criteria"] == criteria


def test_economic_contribution_needs_an_above_scale_enterprise(judge):
    enterprise = {"role": "mid_senior_manager", "on_department_list": True, "economic_contribution_yuan": 10_000_000}
    assert judge({"enterprise": enterprise})["criteria"] == []


@pytest.mark.parametrize("role", ["mid_senior_manager", "project_leader", "none", None])
def test_money_criteria_need_the_principal(judge, role):
    enterprise = {
        "role": role,
        "district_tax_yuan": 50_000_000,
        "high_tech": True,
        "revenue_yuan": 900_000_000,
        "district_investment_yuan": 9_000_000_000,
        "committed_tax_yuan": 90_000_000,
        "headquarters": True,
        "global500_or_china500": True,
        "incubator_level": "national",
        "agri_leader_level": "national",
    }
    assert judge({"enterprise": enterprise})["criteria"] == []


@pytest.mark.parametrize(
    ("level", "incubator", "agri_leader"),
    [("national", "D15", "D16"), ("provincial", "G09", "G10"), ("city", "S05", "S06")],
)
def test_platform_level_picks_the_criterion(judge, level, incubator, agri_leader):
    assert judge({"enterprise": {**PRINCIPAL, "incubator_level": level}})["criteria"] == [incubator]
    assert judge({"enterprise": {**PRINCIPAL, "agri_leader_level": level}})["criteria"] == [agri_leader]


def test_headquarters_principal_is_diamond_and_its_manager_gold(judge):
    assert judge({"enterprise": {**PRINCIPAL, "headquarters": True}})["criteria"] == ["D18"]
    manager = {"role": "mid_senior_manager", "headquarters": True, "on_department_list": True}
    assert judge({"enterprise": manager})["criteria"] == ["G12"]


def test_global_500_principal_is_diamond(judge):
    assert judge({"enterprise": {**PRINCIPAL, "global500_or_china500": True}})["criteria"] == ["D14"]


@pytest.mark.parametrize("place", [1, 2, 3])
@pytest.mark.parametrize("level", ["national", "provincial", "city"])
@pytest.mark.parametrize("role", ["principal", "project_leader"])
def test_contest_prize_counts_for_principal_and_project_leader(judge, role, level, place):
    enterprise = {"role": role, "contest_level": level, "contest_place": place}
    assert judge({"enterprise": enterprise})["criteria"] == ["G13"]


@pytest.mark.parametrize("place", [0, 4, -1, 100])
def test_contest_place_outside_the_three_prizes_counts_for_nothing(judge, place):
    enterprise = {**PRINCIPAL, "contest_level": "national", "contest_place": place}
    assert judge({"enterprise": enterprise})["criteria"] == []


def test_contest_prize_without_level_or_as_manager_counts_for_nothing(judge):
    assert judge({"enterprise": {**PRINCIPAL, "contest_place": 1}})["criteria"] == []
    manager = {"role": "mid_senior_manager", "contest_level": "city", "contest_place": 1}
    assert judge({"enterprise": manager})["criteria"] == []


@pytest.mark.parametrize(
    ("education", "criteria"),
    [
        ({"degree": "doctorate", "postgraduate": True}, ["G06"]),
        ({"degree": "doctorate", "postgraduate": False}, []),
        (
            {"degree": "doctorate", "postgraduate": True, "full_time": True, "university": "double_first_class"},
            ["G06", "S03"],
        ),
        ({"degree": "master", "postgraduate": True, "full_time": True, "university": "double_first_class"}, ["S03"]),
        ({"degree": "master", "postgraduate": True, "full_time": False, "university": "double_first_class"}, []),
        ({"degree": "master", "postgraduate": True, "university": "global_top500_overseas"}, ["S03"]),
        ({"degree": "master", "postgraduate": False, "university": "global_top500_overseas"}, []),
        ({"degree": "master", "postgraduate": True, "full_time": True, "university": "other"}, []),
        ({"degree": "bachelor", "postgraduate": True, "full_time": True, "university": "double_first_class"}, []),
    ],
)
def test_education_criteria(judge, education, criteria):
    assert judge({"education": education})["criteria"] == criteria
