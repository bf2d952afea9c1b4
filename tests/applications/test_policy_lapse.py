"""第九条: baiyun-2021 ends on 2026-12-24. From 2026-12-25 the portal says so; drafts wait; applications submitted
before continue under their stored evaluation; cards keep their period and services; a successor reopens applications.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from accounts.roles import Role
from applications.cards_port import latest_card_of
from applications.models import Application, Kind
from applications.services import (
    KindNotAllowed,
    application_create,
    application_kind_check,
    application_transition,
    application_update,
    submission_problems,
)
from benefits.catalogue import catalogue_load
from benefits.models import Service
from benefits.selectors import desk_services
from eligibility.services import policy_version_load, policy_version_publish
from tests.factories import ServiceDeskFactory, UserFactory, application_with_materials, successor_policy_text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
LAST_DAY = datetime(2026, 12, 24, 10, tzinfo=SHANGHAI)
DAY_AFTER = datetime(2026, 12, 25, 10, tzinfo=SHANGHAI)
NOTICE_ZH = (
    "白云区云聚英才卡实施细则（云委人才领字〔2021〕1号）已于2026-12-24有效期届满（第九条：有效期5年，届满后修订）。"
)
NOTICE_EN = (
    "The Implementing Rules of the Baiyun District Talent Card (Yunju Yingcai Card) (云委人才领字〔2021〕1号) "
    "expired on 2026-12-24 (Art. 9: in force for 5 years, revised when it expires)."
)
REOPEN_ZH = "修订后的细则发布后将重新受理申领。草稿会保留，待有细则生效后即可提交。"
REOPEN_EN = (
    "Applications reopen when the revised policy is published. Drafts are kept and can be submitted once a policy is "
    "in force again."
)
PHONES_ZH = "区人力资源社会保障局专业技术人员管理科（广州市白云区兴泰路28号一楼）: "
CONTINUING_ZH = "您的申请在细则有效期内提交，将按提交时的资格评估结果继续审核。"


def reviewers_for(application):
    department = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    department.departments.add(application.employer.department)
    return department, UserFactory(roles=[Role.HR_REVIEWER]), UserFactory(roles=[Role.TALENT_OFFICE])


@pytest.mark.parametrize(
    ("path", "language"), [("/eligibility/self-check/", "zh-hans"), ("/eligibility/self-check/", "en")]
)
def test_the_self_check_says_the_policy_expired_from_the_day_after(client, path, language):
    client.cookies["django_language"] = language
    with time_machine.travel(LAST_DAY):
        assert 'id="policy-lapse"' not in client.get(path).text
    with time_machine.travel(DAY_AFTER):
        page = client.get(path).text
    notice, reopen = (NOTICE_EN, REOPEN_EN) if language == "en" else (NOTICE_ZH, REOPEN_ZH)
    assert notice in page
    assert reopen in page
    assert '<a href="tel:35912660">35912660</a>' in page
    assert '<a href="tel:80736030">80736030</a>' in page


def test_the_self_check_result_after_the_lapse_shows_e04_and_the_notice(client):
    with time_machine.travel(DAY_AFTER):
        from tests.eligibility.test_self_check import check

        response = check(client, honour__senior_professional_title="yes")
    assert response.context["evaluation"]["blockers"] == ["E04"]
    assert NOTICE_ZH in response.text


def test_application_pages_show_the_lapse_and_the_draft_is_kept(client):
    application = application_with_materials(route="diamond")
    with time_machine.travel(DAY_AFTER):
        client.force_login(application.applicant)
        for path in ("/applications/", f"/applications/{application.pk}/edit/identity/"):
            page = client.get(path).text
            assert NOTICE_ZH in page
            assert REOPEN_ZH in page
        problems = submission_problems(application=application)
    assert problems == {
        "policy": [
            "细则已于2026-12-24有效期届满：待修订后的细则生效后方可再次提交申请。您的草稿会保留。",
        ]
    }


def test_a_draft_cannot_be_submitted_in_the_lapse_and_stays_a_draft():
    application = application_with_materials(route="gold")
    with time_machine.travel(DAY_AFTER):
        from applications.services import MissingData

        with pytest.raises(MissingData) as refused:
            application_transition(application_id=application.pk, name="submit", actor=application.applicant)
    assert list(refused.value.errors) == ["policy"]
    assert Application.objects.get(pk=application.pk).state == "draft"


def test_the_eligibility_step_saves_answers_during_the_lapse(client):
    application = application_with_materials(route="gold")
    with time_machine.travel(DAY_AFTER):
        client.force_login(application.applicant)
        response = client.post(
            f"/applications/{application.pk}/edit/eligibility/",
            {
                "employer__registered_in_district": "True",
                "education__degree": "doctorate",
                "education__postgraduate": "True",
                "requested_tier": "gold",
            },
        )
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).profile == {
        "employer": {"registered_in_district": True},
        "education": {"degree": "doctorate", "postgraduate": True},
    }


def test_a_published_successor_reopens_submission_on_its_start_date():
    application = application_with_materials(route="gold")
    with time_machine.travel(DAY_AFTER):
        version = policy_version_load(
            text=successor_policy_text(start=date(2026, 12, 28)), file_name="baiyun-2027.yaml", actor=None
        )
        policy_version_publish(version_id=version.pk, actor=None)
        assert list(submission_problems(application=application)) == ["policy"]
    with time_machine.travel(datetime(2026, 12, 28, 9, tzinfo=SHANGHAI)):
        submitted = application_transition(application_id=application.pk, name="submit", actor=application.applicant)
    assert (submitted.state, submitted.evaluation["policy"], submitted.evaluation["tier"]) == (
        "submitted",
        "baiyun-2027",
        "gold",
    )


def test_a_published_successor_is_announced_during_the_lapse(client):
    with time_machine.travel(DAY_AFTER):
        version = policy_version_load(
            text=successor_policy_text(start=date(2026, 12, 28)), file_name="baiyun-2027.yaml", actor=None
        )
        policy_version_publish(version_id=version.pk, actor=None)
        page = client.get("/eligibility/self-check/").text
    assert (
        "修订后的细则（白云区云聚英才卡实施细则）已发布，将于2026-12-28生效，届时重新受理申领。草稿会保留，届时即可提交。"
        in page
    )


def test_an_application_submitted_before_the_lapse_goes_through_review_after_it():
    application = application_with_materials(route="gold", submit=True)
    department, hr, talent = reviewers_for(application)
    with time_machine.travel(DAY_AFTER):
        application_transition(application_id=application.pk, name="pass_initial", actor=department, opinion="同意")
        application_transition(
            application_id=application.pk, name="pass_second", actor=hr, opinion="同意", determined_tier="gold"
        )
        application_transition(application_id=application.pk, name="approve", actor=hr, opinion="同意")
        application_transition(application_id=application.pk, name="produce_card", actor=None, system=True)
        issued = application_transition(application_id=application.pk, name="issue_card", actor=talent)
    assert (issued.state, issued.determined_tier, issued.evaluation["policy"]) == ("issued", "gold", "baiyun-2021")


def test_an_application_returned_after_the_lapse_is_resubmitted_under_its_stored_version(client):
    application = application_with_materials(route="gold", submit=True)
    department, _hr, _talent = reviewers_for(application)
    with time_machine.travel(DAY_AFTER):
        client.force_login(application.applicant)
        application_transition(
            application_id=application.pk,
            name="return_for_supplement",
            actor=department,
            reasons="学位证书不清晰",
            supplement_items=["degree_certificates"],
        )
        page = client.get(f"/applications/{application.pk}/").text
        resubmitted = application_transition(
            application_id=application.pk, name="resubmit", actor=application.applicant
        )
    assert CONTINUING_ZH in page
    assert (resubmitted.state, resubmitted.evaluation["policy"], resubmitted.evaluation["on_date"]) == (
        "submitted",
        "baiyun-2021",
        "2026-12-25",
    )


def issued_card_holder():
    application = application_with_materials(route="gold", submit=True)
    department, hr, talent = reviewers_for(application)
    application_transition(application_id=application.pk, name="pass_initial", actor=department, opinion="同意")
    application_transition(
        application_id=application.pk, name="pass_second", actor=hr, opinion="同意", determined_tier="gold"
    )
    application_transition(application_id=application.pk, name="approve", actor=hr, opinion="同意")
    application_transition(application_id=application.pk, name="produce_card", actor=None, system=True)
    application_transition(application_id=application.pk, name="issue_card", actor=talent)
    return Application.objects.get(pk=application.pk)


def test_an_issued_card_keeps_its_period_and_services_after_the_lapse():
    application = issued_card_holder()
    issued_on = timezone.localdate()
    desk = ServiceDeskFactory()
    catalogue_load()
    for number in (9, 10):
        Service.objects.get(number=number).department_links.create(desk=desk)
    with time_machine.travel(DAY_AFTER):
        today = timezone.localdate()
        card = latest_card_of(user=application.applicant, today=today)
        services = [(service.number, service.name) for service in desk_services([desk])]
        with pytest.raises(KindNotAllowed):
            application_kind_check(applicant=application.applicant, kind=Kind.NEW, today=today)
        application_kind_check(applicant=application.applicant, kind=Kind.UPGRADE, today=today)
    assert (card.tier, card.valid_from, card.valid_until, card.valid_on(date(2026, 12, 25))) == (
        "gold",
        issued_on,
        date(2031, 6, 1),
        True,
    )
    assert application.evaluation["benefits"] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert services == [(9, "住房保障服务"), (10, "工会服务")]


def test_an_upgrade_draft_waits_for_the_successor():
    application = issued_card_holder()
    with time_machine.travel(DAY_AFTER):
        upgrade = application_create(applicant=application.applicant, kind=Kind.UPGRADE)
        application_update(application_id=upgrade.pk, actor=application.applicant, fields={"requested_tier": "diamond"})
        problems = submission_problems(application=Application.objects.get(pk=upgrade.pk))
    assert problems["policy"] == [
        "细则已于2026-12-24有效期届满：待修订后的细则生效后方可再次提交申请。您的草稿会保留。",
    ]


def test_the_self_check_reopens_on_the_successors_start_date(client):
    from tests.eligibility.test_self_check import check

    with time_machine.travel(DAY_AFTER):
        version = policy_version_load(
            text=successor_policy_text(start=date(2026, 12, 28)), file_name="baiyun-2027.yaml", actor=None
        )
        policy_version_publish(version_id=version.pk, actor=None)
    with time_machine.travel(datetime(2026, 12, 28, 9, tzinfo=SHANGHAI)):
        # The successor's questionnaire: its new honour is asked too, among the other honours.
        response = check(client, honour__senior_professional_title="yes", honour_kinds=["titles", "other"])
        asked = client.get("/eligibility/self-check/honours-other/").context["form"].fields
        assert "honour__baiyun_young_talent" in asked
    evaluation = response.context["evaluation"]
    assert (evaluation["policy"], evaluation["tier"], evaluation["blockers"]) == ("baiyun-2027", "diamond", [])
    assert 'id="policy-lapse"' not in response.text


def test_reviewers_read_an_evaluation_against_the_version_it_used(client):
    application = application_with_materials(route="gold", submit=True)
    department, _hr, _talent = reviewers_for(application)
    with time_machine.travel(DAY_AFTER):
        version = policy_version_load(
            text=successor_policy_text(start=date(2026, 12, 28)), file_name="baiyun-2027.yaml", actor=None
        )
        policy_version_publish(version_id=version.pk, actor=None)
    with time_machine.travel(datetime(2026, 12, 28, 9, tzinfo=SHANGHAI)):
        client.force_login(department)
        page = client.get(f"/reviews/applications/{application.pk}/").text
    assert (
        '依据<a href="/eligibility/policies/baiyun-2021/">白云区云聚英才卡实施细则</a>，评估日期 2026-06-01。' in page
    )
