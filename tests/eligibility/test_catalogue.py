"""Policy files are validated at load: every mistake fails loudly, naming the file and the problem."""

import copy
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.utils import translation

from eligibility.catalogue import POLICY_DIRECTORY, CatalogueError, catalogue_default, catalogue_load
from eligibility.engine import evaluate
from eligibility.profile import Employer, Profile

SHIPPED = yaml.safe_load((POLICY_DIRECTORY / "baiyun-2021.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def policy() -> dict:
    """A fresh, editable copy of the shipped policy data."""
    return copy.deepcopy(SHIPPED)


def policy_write(directory: Path, data: object, *, name: str = "baiyun-2021.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def load_error(directory: Path) -> str:
    """The problems in English (the command line and the admin speak the reader's language)."""
    with pytest.raises(CatalogueError) as failed:
        catalogue_load(directory=directory)
    with translation.override("en"):
        return str(failed.value)


def line_of(path: Path, text: str, *, after: str = "") -> int:
    """The line of the file where text is written (after the first line holding `after`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(index for index, line in enumerate(lines) if after in line) if after else 0
    return next(index for index, line in enumerate(lines) if index >= start and matches(line, text)) + 1


def matches(line: str, text: str) -> bool:
    """A list item matches whole ("- x" is not "- x_y"); anything else as a part of the line."""
    return line.strip() == text if text.startswith("- ") else text in line


def criterion(data: dict, code: str) -> dict:
    return next(item for item in data["criteria"] if item["code"] == code)


def test_shipped_catalogue_codes():
    (shipped,) = catalogue_default().policies
    assert [item.code for item in shipped.criteria] == [
        *(f"D{number:02}" for number in range(1, 19)),
        *(f"G{number:02}" for number in range(1, 14)),
        *(f"S{number:02}" for number in range(1, 8)),
        "X01",
    ]
    assert [item.code for item in shipped.blockers] == ["E01", "E02", "E03", "E04"]
    assert shipped.basic_material_codes == (
        "application_form",
        "identity_document",
        "degree_certificates",
        "professional_qualification",
        "employment_contract",
        "social_insurance_or_tax",
        "photo",
    )
    assert {tier.code: tier.benefits for tier in shipped.tiers} == {
        "diamond": tuple(range(1, 14)),
        "gold": tuple(range(1, 11)),
        "silver": tuple(range(1, 8)),
    }
    assert [benefit.zh for benefit in shipped.benefits][12] == "便捷通关服务"
    assert shipped.criterion_by_code["D11"].citation_zh == "第三条（一）第11项"
    assert shipped.criterion_by_code["D11"].citation_en == "Art. 3(1) item 11"


def test_shipped_catalogue_reloads_cleanly(tmp_path, policy):
    policy_write(tmp_path, policy)
    assert [item.code for item in catalogue_load(directory=tmp_path).policies] == ["baiyun-2021"]


def test_catalogue_default_is_cached():
    assert catalogue_default() is catalogue_default()


def test_catalogue_empty_directory_fails(tmp_path):
    assert load_error(tmp_path) == f"{tmp_path}: no policy files (*.yaml)"


def test_catalogue_invalid_yaml_fails(tmp_path):
    path = tmp_path / "baiyun-2021.yaml"
    path.write_text("code: baiyun-2021\ntitle: [unclosed\n", encoding="utf-8")
    assert load_error(tmp_path) == f"{path}: line 3: not valid YAML: did not find expected ',' or ']'"


def test_catalogue_not_a_mapping_fails(tmp_path):
    path = policy_write(tmp_path, ["code"])
    assert load_error(tmp_path) == f"{path}: line 1: expected a mapping of fields, got ['code']"


def test_catalogue_unknown_top_field_fails(tmp_path, policy):
    policy["valid_for"] = 5
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == f"{path}: line {line_of(path, 'valid_for:')}: valid_for: unknown field “valid_for”"


def test_catalogue_missing_top_field_fails(tmp_path, policy):
    del policy["blockers"]
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == f"{path}: line 1: blockers: missing field “blockers”"


def test_catalogue_code_must_match_file_name(tmp_path, policy):
    path = policy_write(tmp_path, policy, name="baiyun-2022.yaml")
    assert load_error(tmp_path) == (
        f"{path}: line 1: code: policy code “baiyun-2021” must match the file name “baiyun-2022.yaml”"
    )


def test_catalogue_validity_must_match_its_years(tmp_path, policy):
    policy["in_force_until"] = "2026-12-23"
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'in_force_until:')}: in_force_until: "
        "2026-12-23 is not 5 years after 2021-12-24 (2026-12-24)"
    )


def test_catalogue_bad_date_fails(tmp_path, policy):
    policy["in_force_from"] = "2021-02-30"
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'in_force_from:')}: in_force_from: expected a date YYYY-MM-DD, got '2021-02-30'"
    )


def test_catalogue_unknown_criterion_field_fails(tmp_path, policy):
    criterion(policy, "D11")["note"] = "x"
    path = policy_write(tmp_path, policy)
    assert (
        load_error(tmp_path)
        == f"{path}: line {line_of(path, 'note: x')}: criteria[10] (D11).note: unknown field “note”"
    )


def test_catalogue_duplicate_criterion_code_fails(tmp_path, policy):
    criterion(policy, "D12")["code"] = "D11"
    path = policy_write(tmp_path, policy)
    line = line_of(path, "code: D11", after="第三条（一）第11项")
    assert load_error(tmp_path) == f"{path}: line {line}: criteria[11] (D11).code: duplicate code “D11”"


def test_catalogue_bad_criterion_code_fails(tmp_path, policy):
    criterion(policy, "D11")["code"] = "D011"
    path = policy_write(tmp_path, policy)
    assert (
        load_error(tmp_path) == f"{path}: line {line_of(path, 'code: D011')}: criteria[10] (D011).code: bad code 'D011'"
    )


def test_catalogue_criterion_prefix_must_match_tier(tmp_path, policy):
    criterion(policy, "D11")["tier"] = "gold"
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'code: D11')}: "
        "criteria[10] (D11).code: a criterion of tier gold must start with G"
    )


def test_catalogue_unknown_tier_fails(tmp_path, policy):
    criterion(policy, "D11")["tier"] = "platinum"
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'tier: platinum')}: criteria[10] (D11).tier: unknown tier “platinum”"
    )


def test_catalogue_unknown_evidence_code_fails(tmp_path, policy):
    criterion(policy, "D11")["evidence"] = ["senior_title_certificat"]
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, '- senior_title_certificat', after='code: D11')}: "
        "criteria[10] (D11).evidence[0]: unknown evidence code “senior_title_certificat”"
    )


def test_catalogue_unknown_branch_evidence_code_fails(tmp_path, policy):
    criterion(policy, "D17")["when"]["all"][1]["any"][0]["evidence"] = ["tax_receipt"]
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, '- tax_receipt')}: "
        "criteria[16] (D17).when.all[1].any[0].evidence[0]: unknown evidence code “tax_receipt”"
    )


def test_catalogue_unknown_honour_fails(tmp_path, policy):
    criterion(policy, "D11")["honours"] = ["senior_title"]
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, '- senior_title', after='code: D11')}: "
        "criteria[10] (D11).honours[0]: unknown honour “senior_title”"
    )


def test_catalogue_honour_for_two_criteria_fails(tmp_path, policy):
    criterion(policy, "D12")["honours"] = ["senior_professional_title"]
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, '- senior_professional_title', after='code: D12')}: "
        "criteria[11] (D12).honours: “senior_professional_title” already satisfies D11"
    )


def test_catalogue_unused_honour_must_be_marked(tmp_path, policy):
    policy["honours"].append({"code": "city_chess_champion", "zh": "市象棋冠军", "en": "City chess champion"})
    path = policy_write(tmp_path, policy)
    index = len(policy["honours"]) - 1
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'code: city_chess_champion')}: honours[{index}].code: "
        "honour “city_chess_champion” satisfies no criterion (mark it matches_nothing)"
    )


def test_catalogue_matches_nothing_honour_cannot_satisfy(tmp_path, policy):
    criterion(policy, "D04")["honours"].append("guangzhou_industry_high_end_or_shortage")
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, '- guangzhou_city_talent_program', after='code: D04')}: "
        "criteria[3] (D04).honours: “guangzhou_industry_high_end_or_shortage” is declared to match nothing"
    )


def test_catalogue_criterion_needs_honours_or_predicate(tmp_path, policy):
    criterion(policy, "D11")["when"] = {"field": "retired", "is": False}
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'code: D11')}: "
        "criteria[10] (D11): a criterion needs exactly one of honours or when"
    )


def test_catalogue_unknown_predicate_field_fails(tmp_path, policy):
    criterion(policy, "D14")["when"]["all"][1]["field"] = "enterprise.fortune500"
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'enterprise.fortune500')}: "
        "criteria[13] (D14).when.all[1].field: unknown profile field “enterprise.fortune500”"
    )


def test_catalogue_unknown_operator_fails(tmp_path, policy):
    criterion(policy, "D17")["when"]["all"][1]["any"][0] = {"field": "enterprise.district_tax_yuan", "above": 1}
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'above: 1')}: criteria[16] (D17).when.all[1].any[0].above: unknown field “above”"
    )


def test_catalogue_operator_must_fit_the_field_kind(tmp_path, policy):
    criterion(policy, "D14")["when"]["all"][1] = {"field": "enterprise.global500_or_china500", "gt": 0}
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'field: enterprise.global500_or_china500')}: criteria[13] (D14).when.all[1]: "
        "operator(s) gt do not apply to the bool field enterprise.global500_or_china500"
    )


def test_catalogue_choice_value_must_exist(tmp_path, policy):
    criterion(policy, "D15")["when"]["all"][1]["in"] = ["nationwide"]
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, '- nationwide')}: criteria[14] (D15).when.all[1].in[0]: "
        "“nationwide” is not a choice of enterprise.incubator_level (national, provincial, city)"
    )


def test_catalogue_money_bound_must_be_an_integer(tmp_path, policy):
    criterion(policy, "D18")["when"]["all"][1]["any"][1]["gte"] = 3.0e7
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'gte: 30000000.0')}: "
        "criteria[17] (D18).when.all[1].any[1].gte: expected a whole number, got 30000000.0"
    )


def test_catalogue_empty_bounds_fail(tmp_path, policy):
    branch = criterion(policy, "G11")["when"]["all"][1]["any"][1]["all"][1]
    branch["gte"], branch["lt"] = 500_000_000, 300_000_000
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'field: enterprise.revenue_yuan', after='code: G11')}: "
        "criteria[28] (G11).when.all[1].any[1].all[1]: bounds admit no value"
    )


def test_catalogue_company_age_needs_bounds(tmp_path, policy):
    criterion(policy, "S02")["when"]["all"][2] = {"company_age_years": {}}
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'company_age_years:')}: "
        "criteria[32] (S02).when.all[2].company_age_years: needs at least one bound"
    )


def test_catalogue_predicate_node_needs_one_head(tmp_path, policy):
    criterion(policy, "G06")["when"] = {"all": [], "any": []}
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'all: []', after='code: G06')}: "
        "criteria[23] (G06).when: a predicate node needs exactly one of all, any, field, company_age_years"
    )


def test_catalogue_tier_benefit_must_exist(tmp_path, policy):
    policy["tiers"][0]["benefits"].append(14)
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, '- 14', after='tiers:')}: tiers[0].benefits[13]: unknown benefit 14"
    )


def test_catalogue_duplicate_evidence_code_fails(tmp_path, policy):
    policy["special_evidence"].append({"code": "photo", "zh": "照片", "en": "Photo"})
    path = policy_write(tmp_path, policy)
    index = len(policy["special_evidence"]) - 1
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'code: photo', after='special_evidence:')}: "
        f"special_evidence[{index}].code: duplicate code “photo”"
    )


def test_catalogue_bad_blocker_code_fails(tmp_path, policy):
    policy["blockers"][0]["code"] = "B01"
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == f"{path}: line {line_of(path, 'code: B01')}: blockers[0] (B01).code: bad code 'B01'"


def test_catalogue_needs_an_out_of_force_blocker(tmp_path, policy):
    policy["blockers"] = policy["blockers"][:3]
    path = policy_write(tmp_path, policy)
    assert load_error(tmp_path) == (
        f"{path}: line {line_of(path, 'code: E01')}: "
        "blockers: exactly one blocker must have policy_not_in_force: true (第九条)"
    )


def successor(policy: dict, *, start: str, until: str) -> dict:
    data = copy.deepcopy(policy)
    data.update(code="baiyun-2026", issued_on=start, in_force_from=start, in_force_until=until)
    return data


def test_catalogue_overlapping_versions_fail(tmp_path, policy):
    policy_write(tmp_path, policy)
    second = policy_write(tmp_path, successor(policy, start="2026-12-24", until="2031-12-24"), name="baiyun-2026.yaml")
    assert load_error(tmp_path) == (
        f"{second}: line {line_of(second, 'in_force_from:')}: in_force_from: "
        "in force from 2026-12-24, overlapping baiyun-2021 (in force until 2026-12-24)"
    )


def test_catalogue_new_version_is_a_file_and_chosen_on_its_dates(tmp_path, policy):
    policy_write(tmp_path, policy)
    later = successor(policy, start="2026-12-25", until="2031-12-25")
    criterion(later, "D11")["tier"] = "gold"
    criterion(later, "D11")["code"] = "G14"
    policy_write(tmp_path, later, name="baiyun-2026.yaml")
    catalogue = catalogue_load(directory=tmp_path)
    employer = Employer(registered_in_district=True)
    results = {
        day: evaluate(
            Profile(on_date=day, employer=employer, honours=("senior_professional_title",)), catalogue=catalogue
        )
        for day in (date(2026, 12, 24), date(2026, 12, 25), date(2031, 12, 25), date(2031, 12, 26))
    }
    assert {day: (result.policy, result.tier, result.criteria) for day, result in results.items()} == {
        date(2026, 12, 24): ("baiyun-2021", "diamond", ("D11",)),
        date(2026, 12, 25): ("baiyun-2026", "gold", ("G14",)),
        date(2031, 12, 25): ("baiyun-2026", "gold", ("G14",)),
        date(2031, 12, 26): (None, None, ()),
    }
