"""What reviewers and applicants read, checked against the policy's own words, article by article."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from applications.models import Application, Material
from applications.services import (
    application_transition,
    application_update,
    material_upload,
    materials_checklist,
    submission_problems,
)
from reviews.deadlines import working_calendar_gaps, working_days_add
from reviews.models import StageDeadline
from tests.factories import application_with_materials, jpeg_file
from tests.reviews.conftest import bulk_applications

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECOMMENDATION = "investment_promotion_recommendation"


def legal_representative_of_a_new_enterprise(*, recommended: bool) -> Application:
    application = application_with_materials(route="gold")
    return application_update(
        application_id=application.pk,
        actor=application.applicant,
        fields={
            "is_legal_representative": True,
            "unit_tax_years": 1,
            "investment_promotion_recommended": recommended,
        },
    )


def test_a_new_investment_enterprise_without_the_recommendation_is_told_of_both_ways():
    # 申领指南 五（一）6: two years of the unit's tax proof, or the 区投资促进局's recommendation (综合认定).
    application = legal_representative_of_a_new_enterprise(recommended=False)
    assert submission_problems(application=application)["unit_tax_years"] == [
        "申报人为单位法定代表人的，须提供单位近两年合法纳税证明；新招商引资企业（单位）可提供区投资促进局的推荐意见（综合认定）。"
    ]


def test_the_recommendation_is_the_material_of_the_comprehensive_assessment():
    # 申领指南 五（一）6: 符合我区经济发展需要的新招商引资企业（单位），可根据区投资促进局推荐，综合认定.
    application = legal_representative_of_a_new_enterprise(recommended=True)
    checklist = materials_checklist(application=application)
    codes = [item.code for item in checklist]
    assert codes[codes.index("social_insurance_or_tax") + 1] == RECOMMENDATION
    assert submission_problems(application=application) == {
        RECOMMENDATION: ["缺少区投资促进局推荐意见（新招商引资企业综合认定）。"]
    }
    material_upload(
        application_id=application.pk,
        actor=application.applicant,
        item=RECOMMENDATION,
        file=jpeg_file("推荐意见.jpg"),
        scan_of="original",
    )
    submitted = application_transition(application_id=application.pk, name="submit", actor=application.applicant)
    assert submitted.state == "submitted"


def test_reviewers_see_a_comprehensive_assessment_case(client, department_reviewer):
    application = legal_representative_of_a_new_enterprise(recommended=True)
    material_upload(
        application_id=application.pk,
        actor=application.applicant,
        item=RECOMMENDATION,
        file=jpeg_file("推荐意见.jpg"),
        scan_of="original",
    )
    application_transition(application_id=application.pk, name="submit", actor=application.applicant)
    department_reviewer.departments.add(application.employer.department)
    client.force_login(department_reviewer)
    page = client.get(reverse("reviews:application", kwargs={"pk": application.pk})).text
    assert (
        '<span class="flag" id="comprehensive-assessment">综合认定：区投资促进局推荐的新招商引资企业，'
        "以推荐意见代替单位近两年纳税证明（申领指南 五（一）6）</span>"
    ) in page


def test_an_upload_says_whether_it_scans_the_original_or_a_certified_copy(client):
    # 申领指南 六（一）: 上传材料应为原件彩色扫描件，若为复印件须加具“与原件相符”意见并加盖单位公章.
    application = application_with_materials(route="gold")
    client.force_login(application.applicant)
    url = reverse("applications:edit", kwargs={"pk": application.pk, "step": "materials"})
    refused = client.post(url, {"files-employment_contract": jpeg_file("合同.jpg")})
    assert refused.context["form"].errors["scan_of-employment_contract"] == [
        "请说明文件是原件的扫描件，还是经确认的复印件的扫描件。"
    ]
    client.post(
        url, {"files-employment_contract": jpeg_file("合同.jpg"), "scan_of-employment_contract": "certified_copy"}
    )
    material = Material.objects.get(application=application, original_name="合同.jpg")
    assert material.scan_of == "certified_copy"


def test_the_service_refuses_a_scan_without_the_answer():
    application = application_with_materials(route="gold")
    with pytest.raises(Exception) as refused:
        material_upload(
            application_id=application.pk, actor=application.applicant, item="employment_contract", file=jpeg_file()
        )
    assert refused.value.messages == ["请说明文件是原件的扫描件，还是经确认的复印件的扫描件。"]


def test_reviewers_see_what_each_scan_is(client, department_reviewer):
    application = application_with_materials(route="gold")
    material_upload(
        application_id=application.pk,
        actor=application.applicant,
        item="employment_contract",
        file=jpeg_file("合同复印件.jpg"),
        scan_of="certified_copy",
    )
    application_transition(application_id=application.pk, name="submit", actor=application.applicant)
    department_reviewer.departments.add(application.employer.department)
    client.force_login(department_reviewer)
    page = client.get(reverse("reviews:application", kwargs={"pk": application.pk})).text
    assert (
        '<span class="scan-of scan-of-certified_copy">加具“与原件相符”意见并加盖单位公章的复印件的扫描件</span>' in page
    )
    assert '<span class="scan-of scan-of-original">原件的彩色扫描件</span>' in page


def test_the_queue_shows_the_time_limits_as_the_districts_own_commitment(client, employer, department_reviewer):
    # 办结时限: the policy sets none; the district's service commitment must not read as policy.
    bulk_applications(1, employer=employer)
    client.force_login(department_reviewer)
    page = client.get(reverse("reviews:queue", kwargs={"role": "department_reviewer"})).text
    assert (
        '<p class="small muted" id="service-commitment">到期日依据本区对各环节的服务承诺计算；细则未规定办结时限。'
        " 待初审 10 工作日</p>"
    ) in page
    assert str(StageDeadline._meta.verbose_name) == "各环节办理时限（本区服务承诺，非细则规定）"


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 9, 30), 10, date(2026, 10, 20)),  # 国庆 1–7 October off, Saturday 10 October worked (调休)
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # Sunday 20 September is a make-up working day
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Saturday 14 February is a make-up working day before 春节
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # an ordinary weekend
    ],
)
def test_working_days_count_public_holidays_and_make_up_days(start, days, due):
    assert working_days_add(start, days) == due


def test_a_year_the_calendar_does_not_know_counts_weekdays_and_is_flagged():
    assert working_days_add(date(2026, 12, 28), 10) == date(2027, 1, 11)
    assert working_calendar_gaps(today=date(2026, 6, 1)) == []
    assert working_calendar_gaps(today=date(2026, 12, 25)) == [2027]


def test_the_talent_office_is_warned_of_the_unknown_year(client, talent_office, hr_reviewer):
    warning = "工作日日历尚无2027年的法定节假日安排：2027年的到期日暂按周一至周五计算。"
    with time_machine.travel(datetime(2026, 12, 25, 10, tzinfo=SHANGHAI)):
        client.force_login(talent_office)
        office_page = client.get(reverse("reviews:queue", kwargs={"role": "talent_office"})).text
        client.force_login(hr_reviewer)
        hr_page = client.get(reverse("reviews:queue", kwargs={"role": "hr_reviewer"})).text
    assert warning in office_page
    assert warning not in hr_page
    client.force_login(talent_office)
    assert warning not in client.get(reverse("reviews:queue", kwargs={"role": "talent_office"})).text


def test_department_names_are_written_as_the_policy_writes_them():
    # 服务指南 二: 区市场监管局、区卫生健康局、区住建交通局.
    fixture = json.loads((settings.BASE_DIR / "fixtures" / "departments.json").read_text(encoding="utf-8"))
    names = {row["fields"]["code"]: row["fields"]["name"] for row in fixture}
    assert (names["housing-transport"], names["market-regulation"]) == ("区住建交通局", "区市场监管局")


def test_the_landing_page_says_who_decides_case_by_case(client):
    # 第三条（四）, 第五条（四）: 一事一议 is decided by the 区委人才工作领导小组.
    page = client.get("/").text
    assert "可根据对白云区的贡献一事一议，由区委人才工作领导小组研究审定（第三条（四）、第五条（四））。" in page


def test_the_recommendation_is_only_for_a_legal_representative():
    # 申领指南 五（一）6: the alternative replaces the legal representative's tax proof, nobody else's materials.
    application = legal_representative_of_a_new_enterprise(recommended=True)
    application = application_update(
        application_id=application.pk, actor=application.applicant, fields={"is_legal_representative": False}
    )
    assert RECOMMENDATION not in [item.code for item in materials_checklist(application=application)]
    assert submission_problems(application=application) == {}


def test_two_years_of_tax_proof_need_no_recommendation():
    application = legal_representative_of_a_new_enterprise(recommended=True)
    application = application_update(
        application_id=application.pk, actor=application.applicant, fields={"unit_tax_years": 2}
    )
    assert RECOMMENDATION not in [item.code for item in materials_checklist(application=application)]
    assert submission_problems(application=application) == {}
