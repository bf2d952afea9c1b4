"""第九条: a successor is loaded from a file as a draft, previewed (differences, impact) and published on its dates."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.roles import Role
from applications.models import Application
from eligibility.catalogue import CatalogueError
from eligibility.models import PolicyStatus, PolicyVersion
from eligibility.preview import policy_impact, policy_impact_counts
from eligibility.selectors import policy_in_force, policy_preview
from eligibility.services import policy_version_extend, policy_version_load, policy_version_publish
from tests.factories import SHIPPED_POLICY, UserFactory, successor_policy_text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def run(*args: str) -> tuple[int, str, str]:
    """`manage.py policy ...`: exit status, standard output, standard error."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("policy", *args, stdout=out, stderr=err)
    except SystemExit as stop:
        return stop.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path, text: str | bytes, name: str = "baiyun-2027.yaml"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def line_number(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_load_keeps_a_draft_that_changes_nothing_until_published(tmp_path):
    path = write(tmp_path, successor_policy_text())
    assert run("load", str(path)) == (0, "baiyun-2027: draft, in force 2026-12-25 to 2031-12-25 once published\n", "")
    version = PolicyVersion.objects.get()
    assert (version.status, version.file_name, version.source) == ("draft", "baiyun-2027.yaml", path.read_text())
    assert policy_in_force(on_date=date(2026, 12, 25)) is None
    status, out, _err = run("list")
    assert (status, out) == (
        0,
        "baiyun-2021\tshipped\t2021-12-24\t2026-12-24\nbaiyun-2027\tdraft\t2026-12-25\t2031-12-25\n",
    )


def test_loading_the_same_code_again_replaces_the_draft(tmp_path):
    run("load", str(write(tmp_path, successor_policy_text(revised=False))))
    run("load", str(write(tmp_path, successor_policy_text())))
    assert PolicyVersion.objects.get().source == successor_policy_text()


def bad_inputs() -> list[tuple[str, str | bytes, str]]:
    """(name, file content, the whole error) for each kind of bad file of the issue."""
    good = successor_policy_text()
    syntax = good.replace("  - code: D02\n", "  - code: [D02\n")
    unknown_field = good.replace(
        "    citation: {zh: 第三条（一）第11项", "    weight: 3\n    citation: {zh: 第三条（一）第11项"
    )
    overlapping = successor_policy_text(start=date(2026, 12, 1))
    end_before_start = good.replace('in_force_until: "2031-12-25"', 'in_force_until: "2026-12-01"')
    without_tier_criteria = good.replace(
        "  - {code: silver, prefix: S,",
        "  - {code: bronze, prefix: B, zh: 铜卡, en: Bronze card, benefits: [1]}\n  - {code: silver, prefix: S,",
    )
    return [
        (
            "syntax error",
            syntax,
            f"baiyun-2027.yaml: line {line_number(syntax, '  - code: [D02') + 1}: 不是有效的 YAML："
            "did not find expected ',' or ']'",
        ),
        (
            "unknown criterion field",
            unknown_field,
            f"baiyun-2027.yaml: line {line_number(unknown_field, 'weight: 3')}: criteria[10] (D11).weight: "
            "未知字段“weight”",
        ),
        (
            "overlapping dates",
            overlapping,
            f"baiyun-2027.yaml: line {line_number(overlapping, 'in_force_from:')}: in_force_from: "
            "有效期2026-12-01至2031-12-01，与 baiyun-2021 的有效期（2021-12-24至2026-12-24）重叠",
        ),
        (
            "end before its start",
            end_before_start,
            f"baiyun-2027.yaml: line {line_number(end_before_start, 'in_force_until:')}: in_force_until: "
            "有效期至2026-12-01，早于生效日期2026-12-25",
        ),
        (
            "tier without criteria",
            without_tier_criteria,
            f"baiyun-2027.yaml: line {line_number(without_tier_criteria, 'code: bronze')}: tiers[2].code: "
            "卡种“bronze”没有任何申领条件",
        ),
        (
            "not YAML at all",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "baiyun-2027.yaml: 文件不是 UTF-8 文本（应为 YAML）",
        ),
        (
            "text that is not a policy",
            "Dear colleagues, the revised rules are attached.\n",
            "baiyun-2027.yaml: line 1: 应为字段映射，实为 'Dear colleagues, the revised rules are attached.'",
        ),
    ]


@pytest.mark.parametrize(("name", "content", "error"), bad_inputs(), ids=[case[0] for case in bad_inputs()])
def test_a_bad_policy_file_is_refused_with_its_line_and_nothing_changes(tmp_path, name, content, error):
    assert run("load", str(write(tmp_path, content))) == (2, "", error + "\n")
    assert PolicyVersion.objects.count() == 0


def test_publishing_sets_the_dates_and_puts_the_version_in_force(tmp_path):
    run("load", str(write(tmp_path, successor_policy_text())))
    assert run("publish", "baiyun-2027", "--from", "2027-01-04") == (
        0,
        "baiyun-2027: published, in force 2027-01-04 to 2032-01-04\n",
        "",
    )
    version = PolicyVersion.objects.get()
    assert (version.status, version.in_force_from, version.in_force_until) == (
        PolicyStatus.PUBLISHED,
        date(2027, 1, 4),
        date(2032, 1, 4),
    )
    assert 'in_force_from: "2027-01-04"\nin_force_until: "2032-01-04"' in version.source
    assert policy_in_force(on_date=date(2027, 1, 3)) is None
    assert policy_in_force(on_date=date(2027, 1, 4)).code == "baiyun-2027"


def test_two_versions_in_force_on_one_day_are_refused_at_publication():
    first = policy_version_load(text=successor_policy_text(), file_name="a.yaml", actor=None)
    second = policy_version_load(
        text=successor_policy_text(code="baiyun-2027b", start=date(2027, 6, 1)), file_name="b.yaml", actor=None
    )
    policy_version_publish(version_id=first.pk, actor=None)
    with pytest.raises(CatalogueError) as refused:
        policy_version_publish(version_id=second.pk, actor=None)
    assert str(refused.value) == (
        f"baiyun-2027b: line {line_number(second.source, 'in_force_from:')}: in_force_from: "
        "有效期2027-06-01至2032-06-01，与 baiyun-2027 的有效期（2026-12-25至2031-12-25）重叠"
    )
    assert PolicyVersion.objects.get(pk=second.pk).status == PolicyStatus.DRAFT


def test_a_version_cannot_come_into_force_before_it_is_published():
    version = policy_version_load(text=successor_policy_text(), file_name="a.yaml", actor=None)
    with time_machine.travel(datetime(2026, 12, 27, 9, tzinfo=SHANGHAI)), pytest.raises(CatalogueError) as refused:
        policy_version_publish(version_id=version.pk, actor=None)
    assert str(refused.value) == ("baiyun-2027: in_force_from: 版本不能早于发布当日生效（2026-12-25早于2026-12-27）")


def test_a_published_version_is_not_loaded_again(tmp_path):
    path = write(tmp_path, SHIPPED_POLICY, name="baiyun-2021.yaml")
    assert run("load", str(path)) == (
        2,
        "",
        f"baiyun-2021.yaml: line {line_number(SHIPPED_POLICY, 'code: baiyun-2021')}: code: "
        "版本“baiyun-2021”已发布：请为新版本另取代码\n",
    )


def test_differences_name_what_was_added_removed_reworded_and_rethresholded():
    version = policy_version_load(text=successor_policy_text(), file_name="a.yaml", actor=None)
    preview = policy_preview(version=version)
    assert preview.baseline.code == "baiyun-2021"
    assert [(item.section, item.code, item.change) for item in preview.differences] == [
        ("criterion", "D17", "threshold"),
        ("criterion", "G04", "reworded"),
        ("criterion", "G14", "added"),
        ("criterion", "S06", "removed"),
        ("honour", "baiyun_young_talent", "added"),
    ]
    threshold = preview.differences[0]
    assert (threshold.before.split(" or ")[0], threshold.after.split(" or ")[0]) == (
        "enterprise.role in [principal] and (enterprise.district_tax_yuan > 10000000",
        "enterprise.role in [principal] and (enterprise.district_tax_yuan > 12000000",
    )


def test_the_extension_has_the_same_criteria_and_new_dates():
    version = policy_version_extend(
        code="baiyun-2021", new_code="baiyun-2021-ext", in_force_from=date(2026, 12, 25), validity_years=1, actor=None
    )
    assert (version.status, version.in_force_from, version.in_force_until) == (
        "draft",
        date(2026, 12, 25),
        date(2027, 12, 25),
    )
    assert policy_preview(version=version).differences == []
    policy_version_publish(version_id=version.pk, actor=None)
    assert policy_in_force(on_date=date(2026, 12, 25)).code == "baiyun-2021-ext"
    assert policy_in_force(on_date=date(2027, 12, 26)) is None


def stored_application(profile: dict, *, number: str, state: str = "submitted", case_by_case: bool = False):
    applicant = UserFactory(roles=[Role.APPLICANT])
    return Application.objects.create(
        applicant=applicant, number=number, state=state, profile=profile, case_by_case=case_by_case, full_name=number
    )


@pytest.fixture
def stored_profiles():
    employer = {"registered_in_district": True}
    stored_application({"employer": employer, "honours": ["senior_professional_title"]}, number="BY1")
    stored_application(
        {"employer": employer, "enterprise": {"role": "principal", "district_tax_yuan": 11_000_000}}, number="BY2"
    )
    stored_application(
        {"employer": employer, "enterprise": {"role": "principal", "agri_leader_level": "city"}},
        number="BY3",
        state="issued",
    )
    stored_application({"employer": employer, "honours": ["pearl_river_nova"]}, number="BY4")
    stored_application({"employer": employer, "enterprise": {"role": "astronaut"}}, number="BY5", state="draft")
    stored_application(
        {"employer": employer, "honours": ["senior_professional_title"]}, number="BY6", state="withdrawn"
    )


def test_the_impact_counts_who_gains_loses_or_changes_tier(stored_profiles):
    version = policy_version_load(text=successor_policy_text(), file_name="a.yaml", actor=None)
    preview = policy_preview(version=version)
    rows = list(policy_impact(before=preview.baseline, after=preview.draft, on_date=date(2026, 12, 25)))
    assert [(row.reference["number"], row.impact) for row in rows] == [
        ("BY1", "unchanged"),
        ("BY2", "tier_down"),
        ("BY3", "loses"),
        ("BY4", "unchanged"),
        ("BY5", "invalid"),
    ]
    assert (rows[1].before.tier, rows[1].after.tier) == ("diamond", "gold")
    assert policy_impact_counts(rows) == {
        "gains": 0,
        "loses": 1,
        "tier_up": 0,
        "tier_down": 1,
        "criteria": 0,
        "unchanged": 2,
        "invalid": 1,
    }


def test_the_impact_is_exported_as_a_list(stored_profiles, tmp_path):
    run("load", str(write(tmp_path, successor_policy_text())))
    out_file = tmp_path / "impact.csv"
    status, out, _err = run("impact", "baiyun-2027", "--csv", str(out_file))
    assert (status, out) == (0, "gains\t0\nloses\t1\ntier_up\t0\ntier_down\t1\ncriteria\t0\nunchanged\t2\ninvalid\t1\n")
    assert out_file.read_text(encoding="utf-8").splitlines() == [
        "\ufeff申报,姓名,状态,申领类型,影响,原卡种,新卡种,原符合条件,新符合条件",
        "BY2,BY2,submitted,new,卡种降低,diamond,gold,D17 G11 S07,G11 S07",
        "BY3,BY3,issued,new,不再符合条件,silver,,S06,",
        "BY5,BY5,draft,new,已存答案无效,,,,",
    ]
