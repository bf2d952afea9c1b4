"""Strict profile input (spec: "Input profile"): refused with a field, a stable code and messages in both languages."""

from datetime import date

import pytest

from eligibility.profile import Education, Employer, Enterprise, Profile, ProfileError, parse_profile, profile_to_dict

TODAY = date(2026, 6, 1)


def refusal(data: object) -> tuple[str, str]:
    with pytest.raises(ProfileError) as refused:
        parse_profile(data, today=TODAY)
    return refused.value.field, refused.value.code


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"nickname": "x"}, "nickname", "unknown_field"),
        ({"employer": {"registered": True}}, "employer.registered", "unknown_field"),
        ({"education": {"school": "x"}}, "education.school", "unknown_field"),
        ({"enterprise": {"tax": 1}}, "enterprise.tax", "unknown_field"),
        ({"honours": ["senior_professional_title", "senior_professional_titel"]}, "honours[1]", "unknown_honour"),
        ({"honours": [7]}, "honours[0]", "not_a_string"),
        ({"honours": "senior_professional_title"}, "honours", "not_a_list"),
        ({"employer": []}, "employer", "not_an_object"),
        ({"education": "doctorate"}, "education", "not_an_object"),
        ({"enterprise": 1}, "enterprise", "not_an_object"),
        ({"education": {"degree": "phd"}}, "education.degree", "invalid_choice"),
        ({"education": {"university": 1}}, "education.university", "invalid_choice"),
        ({"enterprise": {"role": "Principal"}}, "enterprise.role", "invalid_choice"),
        ({"enterprise": {"incubator_level": "district"}}, "enterprise.incubator_level", "invalid_choice"),
        ({"enterprise": {"core_technology_stage": "idea"}}, "enterprise.core_technology_stage", "invalid_choice"),
        ({"enterprise": {"district_tax_yuan": -1}}, "enterprise.district_tax_yuan", "negative_amount"),
        ({"enterprise": {"revenue_yuan": -500}}, "enterprise.revenue_yuan", "negative_amount"),
        ({"enterprise": {"district_tax_yuan": 1.5}}, "enterprise.district_tax_yuan", "not_an_integer"),
        ({"enterprise": {"district_tax_yuan": float("inf")}}, "enterprise.district_tax_yuan", "not_an_integer"),
        ({"enterprise": {"committed_tax_yuan": True}}, "enterprise.committed_tax_yuan", "not_an_integer"),
        ({"enterprise": {"district_investment_yuan": "100"}}, "enterprise.district_investment_yuan", "not_an_integer"),
        ({"enterprise": {"contest_place": 1.5}}, "enterprise.contest_place", "not_an_integer"),
        ({"enterprise": {"contest_place": False}}, "enterprise.contest_place", "not_an_integer"),
        ({"on_date": "2026-02-30"}, "on_date", "invalid_date"),
        ({"on_date": "20260601"}, "on_date", "invalid_date"),
        ({"on_date": 20260601}, "on_date", "invalid_date"),
        ({"enterprise": {"founded_on": "2024-13-01"}}, "enterprise.founded_on", "invalid_date"),
        ({"retired": "no"}, "retired", "not_a_boolean"),
        ({"case_by_case": 1}, "case_by_case", "not_a_boolean"),
        ({"employer": {"registered_in_district": 1}}, "employer.registered_in_district", "not_a_boolean"),
        ({"education": {"full_time": "true"}}, "education.full_time", "not_a_boolean"),
        ([], "profile", "not_an_object"),
    ],
)
def test_profile_invalid_input_is_refused(data, field, code):
    assert refusal(data) == (field, code)


def test_profile_reads_a_json_number_without_a_fraction_as_that_integer():
    profile = parse_profile({"enterprise": {"district_tax_yuan": 10000001.0, "contest_place": 1.0}}, today=TODAY)
    assert (profile.enterprise.district_tax_yuan, profile.enterprise.contest_place) == (10000001, 1)
    assert type(profile.enterprise.district_tax_yuan) is int


def test_profile_error_messages_name_the_field():
    with pytest.raises(ProfileError) as refused:
        parse_profile({"enterprise": {"district_tax_yuan": -5}}, today=TODAY)
    assert refused.value.en == "enterprise.district_tax_yuan: an amount cannot be negative"
    assert refused.value.zh == "enterprise.district_tax_yuan：金额不能为负数"
    assert str(refused.value) == refused.value.en


def test_profile_unknown_honour_message_names_the_code():
    with pytest.raises(ProfileError) as refused:
        parse_profile({"honours": ["senior_professional_titel"]}, today=TODAY)
    assert refused.value.en == "honours[0]: unknown honour code 'senior_professional_titel'"
    assert refused.value.zh == "honours[0]：未知的荣誉代码“senior_professional_titel”"


def test_profile_empty_gets_defaults():
    assert parse_profile({}, today=TODAY) == Profile(on_date=TODAY)
    profile = parse_profile({}, today=TODAY)
    assert (profile.enterprise.district_tax_yuan, profile.enterprise.role, profile.employer.registered_in_district) == (
        0,
        None,
        False,
    )


def test_profile_null_reads_as_not_given():
    data = {"on_date": None, "honours": None, "employer": None, "enterprise": {"role": None, "district_tax_yuan": None}}
    assert parse_profile(data, today=TODAY) == Profile(on_date=TODAY)


def test_profile_contest_place_accepts_any_integer():
    assert parse_profile({"enterprise": {"contest_place": -3}}, today=TODAY).enterprise.contest_place == -3


def test_profile_duplicate_honours_kept_once_in_order():
    data = {"honours": ["pearl_river_nova", "nobel_laureate", "pearl_river_nova"]}
    assert parse_profile(data, today=TODAY).honours == ("pearl_river_nova", "nobel_laureate")


def test_profile_full_round_trip():
    profile = Profile(
        on_date=date(2026, 11, 27),
        case_by_case=True,
        retired=False,
        employer=Employer(registered_in_district=True, institution_in_district=True),
        honours=("senior_professional_title", "work_permit_b"),
        education=Education(degree="doctorate", postgraduate=True, full_time=True, university="other"),
        enterprise=Enterprise(
            role="principal",
            district_tax_yuan=8_000_001,
            high_tech=True,
            revenue_yuan=300_000_000,
            incubator_level="city",
            contest_level="national",
            contest_place=2,
            founded_on=date(2022, 5, 1),
            core_technology_stage="pilot",
        ),
    )
    data = profile_to_dict(profile)
    assert data["on_date"] == "2026-11-27"
    assert data["enterprise"]["founded_on"] == "2022-05-01"
    assert data["honours"] == ["senior_professional_title", "work_permit_b"]
    assert parse_profile(data, today=TODAY) == profile


def test_profile_to_dict_lists_every_field():
    data = profile_to_dict(Profile(on_date=TODAY))
    assert sorted(data) == ["case_by_case", "education", "employer", "enterprise", "honours", "on_date", "retired"]
    assert len(data["enterprise"]) == 19
    assert len(data["education"]) == 5
    assert len(data["employer"]) == 4
