"""Properties over generated profiles: more facts never lower the tier; blockers always win; round-trips hold."""

import dataclasses
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eligibility.catalogue import catalogue_default
from eligibility.engine import evaluate, result_to_dict
from eligibility.profile import FIELDS, Education, Employer, Enterprise, Profile, parse_profile, profile_to_dict

CATALOGUE = catalogue_default()
POLICY = CATALOGUE.policies[0]
HONOURS = sorted(CATALOGUE.honour_codes)
RANK = {"diamond": 3, "gold": 2, "silver": 1, None: 0}
THRESHOLDS = [300_000, 5_000_000, 8_000_000, 10_000_000, 30_000_000, 100_000_000, 300_000_000, 500_000_000]
THRESHOLDS += [1_000_000_000, 2_000_000_000, 4_000_000_000]
MONEY = [path for path, spec in FIELDS.items() if spec.kind == "money"]
# Booleans that are not blockers (第六条（三）retired, 第七条 district_fiscal_funded).
BOOLEANS = [
    path
    for path, spec in FIELDS.items()
    if spec.kind == "bool" and path not in {"retired", "employer.district_fiscal_funded"}
]
PROPERTY_SETTINGS = settings(max_examples=300, database=None, suppress_health_check=[HealthCheck.too_slow])

money = st.one_of(
    st.sampled_from(THRESHOLDS).flatmap(lambda limit: st.sampled_from([limit - 1, limit, limit + 1])),
    st.integers(min_value=0, max_value=6_000_000_000),
)
choice = {path: st.sampled_from([None, *spec.choices]) for path, spec in FIELDS.items() if spec.kind == "choice"}
in_force = st.dates(min_value=POLICY.in_force_from, max_value=POLICY.in_force_until)


def section(cls: type, prefix: str) -> st.SearchStrategy:
    """A section of the profile with every field drawn from its kind."""
    fields = {}
    for item in dataclasses.fields(cls):
        spec = FIELDS[f"{prefix}.{item.name}"]
        if spec.kind == "bool":
            fields[item.name] = st.booleans()
        elif spec.kind == "money":
            fields[item.name] = money
        elif spec.kind == "integer":
            fields[item.name] = st.integers(min_value=-1, max_value=5)
        elif spec.kind == "choice":
            fields[item.name] = choice[spec.path]
        else:
            fields[item.name] = st.one_of(st.none(), st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 1, 1)))
    return st.builds(cls, **fields)


profiles = st.builds(
    Profile,
    on_date=st.one_of(in_force, st.dates(min_value=date(2020, 1, 1), max_value=date(2028, 1, 1))),
    case_by_case=st.booleans(),
    retired=st.booleans(),
    employer=section(Employer, "employer"),
    honours=st.lists(st.sampled_from(HONOURS), max_size=3, unique=True).map(tuple),
    education=section(Education, "education"),
    enterprise=section(Enterprise, "enterprise"),
)
# Unblocked profiles in force, so that monotonicity is tested where tiers are granted.
open_profiles = profiles.map(
    lambda profile: dataclasses.replace(
        profile,
        retired=False,
        employer=dataclasses.replace(profile.employer, district_fiscal_funded=False),
    )
).filter(lambda profile: POLICY.in_force_on(profile.on_date))


def tier_rank(profile: Profile) -> int:
    return RANK[evaluate(profile, catalogue=CATALOGUE).tier]


def with_field(profile: Profile, path: str, value: object) -> Profile:
    """The profile with one dotted field replaced."""
    if "." not in path:
        return dataclasses.replace(profile, **{path: value})
    section_name, name = path.split(".")
    part = dataclasses.replace(getattr(profile, section_name), **{name: value})
    return dataclasses.replace(profile, **{section_name: part})


def field_value(profile: Profile, path: str) -> object:
    value = profile
    for part in path.split("."):
        value = getattr(value, part)
    return value


@PROPERTY_SETTINGS
@given(profile=open_profiles, honour=st.sampled_from(HONOURS))
def test_property_adding_an_honour_never_lowers_the_tier(profile, honour):
    richer = dataclasses.replace(profile, honours=(*profile.honours, honour))
    assert tier_rank(richer) >= tier_rank(profile)


@PROPERTY_SETTINGS
@given(profile=open_profiles, path=st.sampled_from(MONEY), raise_by=money.filter(lambda amount: amount > 0))
def test_property_raising_an_amount_never_lowers_the_tier(profile, path, raise_by):
    richer = with_field(profile, path, field_value(profile, path) + raise_by)
    assert tier_rank(richer) >= tier_rank(profile)


@PROPERTY_SETTINGS
@given(profile=open_profiles, path=st.sampled_from(BOOLEANS))
def test_property_turning_on_a_fact_never_lowers_the_tier(profile, path):
    richer = with_field(profile, path, True)
    assert tier_rank(richer) >= tier_rank(profile)


@PROPERTY_SETTINGS
@given(profile=profiles)
def test_property_any_blocker_means_not_eligible(profile):
    result = evaluate(profile, catalogue=CATALOGUE)
    if result.blockers:
        assert (result.eligible, result.tier, result.criteria, result.case_by_case) == (False, None, (), False)
        assert (result.benefits, result.evidence) == ((), ())
    employer = profile.employer
    blocked = (
        profile.retired
        or employer.district_fiscal_funded
        or not (employer.registered_in_district or employer.pays_tax_in_district or employer.institution_in_district)
        or not POLICY.in_force_on(profile.on_date)
    )
    assert bool(result.blockers) == blocked


@PROPERTY_SETTINGS
@given(profile=profiles)
def test_property_output_is_consistent(profile):
    result = evaluate(profile, catalogue=CATALOGUE)
    order = [criterion.code for criterion in POLICY.criteria]
    assert list(result.criteria) == sorted(result.criteria, key=order.index)
    tiers = [POLICY.criterion_by_code[code].tier for code in result.criteria]
    best = max((tier for tier in tiers if tier), key=RANK.__getitem__, default=None)
    assert result.tier == best
    assert result.case_by_case == (best is None and "X01" in result.criteria)
    assert result.eligible == (result.tier is not None or result.case_by_case)
    assert ("X01" in result.criteria) == (profile.case_by_case and not result.blockers)
    assert result.benefits == (POLICY.tier_by_code[best].benefits if best else ())
    assert list(result.evidence[:7]) == (list(POLICY.basic_material_codes) if result.eligible else [])
    assert len(set(result.evidence)) == len(result.evidence)
    assert [item.code for item in result.explanation] == list(result.criteria or result.blockers)


@PROPERTY_SETTINGS
@given(profile=profiles)
def test_property_profile_round_trips_through_json_data(profile):
    data = profile_to_dict(profile)
    assert parse_profile(data, today=date(2000, 1, 1)) == profile
    assert result_to_dict(evaluate(parse_profile(data, today=date(2000, 1, 1)))) == result_to_dict(evaluate(profile))
