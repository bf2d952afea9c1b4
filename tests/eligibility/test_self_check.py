from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from eligibility.fields import HONOUR_GROUPS
from eligibility.forms import UNIT_SUFFIX, SelfCheckPageForm
from eligibility.selfcheck import FOUNDED, HONOUR_KINDS, NONE_CHOICE, NONE_KIND

pytestmark = pytest.mark.django_db

START = "/eligibility/self-check/"
FIRST = "/eligibility/self-check/employer/"
ANSWERS = "/eligibility/self-check/answers/"
RESULT = "/eligibility/self-check/result/"
APPLY = "/eligibility/self-check/apply/"
BASIC_ZH = [
    "《白云区云聚英才卡申请表》",
    "个人有效身份证明",
    "学历、学位证书",
    "专业技术资格证书",
    "聘用合同或劳动合同",
    "参保证明或个人所得税纳税记录",
    "电子证件照",
]


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _default(name, field):
    """The answer a test gives where it says nothing: no, none, nothing held, a zero amount."""
    if name.endswith(UNIT_SUFFIX):
        return "wan"
    choices = [value for value, _label in getattr(field, "choices", [])]
    if name == HONOUR_KINDS:
        return [NONE_KIND]
    if "no" in choices:
        return "no"
    if NONE_CHOICE in choices:
        return NONE_CHOICE
    if "none" in choices:
        return "none"
    return "0"


def walk(client, **changes):
    """Answer every page the answers lead to, registered employer unless changed; the slugs of the pages seen."""
    answers = {"employer__registered_in_district": "yes", **changes}
    held = {name[len("honour__") :] for name, value in answers.items() if name.startswith("honour__") and value != "no"}
    if HONOUR_KINDS not in answers:
        kinds = [slug for slug, _title, codes in HONOUR_GROUPS if held & set(codes)]
        answers[HONOUR_KINDS] = kinds or [NONE_KIND]
    if any(
        name.startswith("enterprise__founded") or name == "enterprise__founder_largest_shareholder" for name in answers
    ):
        answers.setdefault(FOUNDED, "yes")
    seen = []
    location = FIRST
    while location not in (ANSWERS, START):
        page = client.get(location)
        assert page.status_code == 200, location
        form = page.context["form"]
        seen.append(form.page.slug)
        data = {name: answers.get(name, _default(name, field)) for name, field in form.fields.items()}
        response = client.post(location, data)
        assert response.status_code == 302, response.context["form"].errors
        location = response.headers["Location"]
    return seen


def check(client, **changes):
    """Answer the self-check and open the result."""
    walk(client, **changes)
    return client.get(RESULT)


def test_self_check_start_page_is_public_and_chinese_by_default(client):
    response = client.get(START)
    assert response.status_code == 200
    assert "<h1>我能申领吗？</h1>" in response.text
    assert f'href="{FIRST}"' in response.text


def test_self_check_start_page_in_english(english):
    assert "<h1>Am I eligible?</h1>" in english.get(START).text


def test_self_check_questions_are_not_answered_in_advance(client):
    response = client.get(FIRST)
    assert response.status_code == 200
    assert 'value="unsure"' in response.text
    assert "checked" not in response.text


def test_self_check_unanswered_question_is_an_error_in_the_summary_not_a_no(client):
    response = client.post(FIRST, {"employer__registered_in_district": "yes", "employer__pays_tax_in_district": "no"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"employer__institution_in_district": ["请选择“是”“否”或“不确定”。"]}
    assert (
        '<a href="#id_employer__institution_in_district_0">您所在单位是否为本辖区内教学、医疗、科研机构？ '
        "请选择“是”“否”或“不确定”。</a>"
    ) in response.text
    assert "self_check_answers" not in client.session


def test_self_check_labels_carry_no_ascii_colon(client):
    walk(client, enterprise__role="principal")
    response = client.get("/eligibility/self-check/enterprise-figures/")
    assert '<label for="id_enterprise__district_tax_yuan">企业区库年税收</label>' in response.text


def test_self_check_without_honours_never_shows_the_honour_lists(client):
    seen = walk(client)
    assert seen == ["employer", "exclusions", "honours", "education", "enterprise", "founder", "case-by-case"]


def test_self_check_asks_only_the_honour_lists_ticked(client):
    seen = walk(client, honour__senior_professional_title="yes")
    assert [slug for slug in seen if slug.startswith("honours")] == ["honours", "honours-titles"]
    assert "case-by-case" not in seen


def test_self_check_no_employer_in_the_district_ends_the_questions(client):
    seen = walk(client, employer__registered_in_district="no")
    assert seen == ["employer"]
    response = client.get(RESULT)
    assert response.context["evaluation"]["blockers"] == ["E01"]


def test_self_check_a_principal_is_asked_about_the_enterprise_a_manager_less(client):
    assert walk(client, enterprise__role="principal")[4:8] == [
        "enterprise",
        "enterprise-standing",
        "enterprise-figures",
        "contest",
    ]
    response = client.get("/eligibility/self-check/enterprise-standing/")
    assert "enterprise__global500_or_china500" in response.context["form"].fields


def test_self_check_a_later_page_before_the_earlier_ones_leads_back(client):
    response = client.get("/eligibility/self-check/education/")
    assert response.status_code == 302
    assert response.headers["Location"] == FIRST
    assert client.get(ANSWERS).headers["Location"] == FIRST


def test_self_check_answers_page_lists_every_answer_with_a_change_link(client):
    walk(client, honour__senior_professional_title="unsure")
    response = client.get(ANSWERS)
    assert response.status_code == 200
    rows = [(row["question"], row["answer"]) for section in response.context["sections"] for row in section["rows"]]
    assert ("正高级以上专业技术资格", "不确定") in [(str(q), a) for q, a in rows]
    assert 'href="/eligibility/self-check/honours-titles/">修改' in response.text


def test_self_check_change_returns_to_the_answers_and_drops_pages_left_behind(client):
    walk(client, enterprise__role="principal", enterprise__district_tax_yuan="1200")
    response = client.post("/eligibility/self-check/enterprise/", {"enterprise__role": "none"})
    # No card is certain any more: case by case can now matter, and is asked before the answers are shown again.
    assert response.headers["Location"] == "/eligibility/self-check/case-by-case/"
    response = client.post("/eligibility/self-check/case-by-case/", {"case_by_case": "no"})
    assert response.headers["Location"] == ANSWERS
    assert client.get("/eligibility/self-check/enterprise-figures/").headers["Location"] == ANSWERS
    assert client.get(RESULT).context["evaluation"]["criteria"] == []


def test_self_check_diamond_in_chinese_lists_criteria_benefits_and_materials(client):
    response = check(client, honour__senior_professional_title="yes")
    assert response.status_code == 200
    assert response.context["evaluation"]["tier"] == "diamond"
    assert response.context["tier_label"] == "云聚英才钻石卡"
    assert "根据您的回答，您可以申领<strong>云聚英才钻石卡</strong>。" in response.text
    assert "具有正高级以上专业技术资格的专家（第三条（一）第11项）" in response.text
    assert [benefit["number"] for benefit in response.context["benefits"]] == list(range(1, 14))
    assert response.context["benefits"][12]["label"] == "便捷通关服务"
    assert [material["label"] for material in response.context["basic_materials"]] == BASIC_ZH
    assert response.context["special_evidence"] == [
        {"code": "senior_title_certificate", "label": "正高级专业技术资格证书"},
    ]
    assert response.context["unlocks"] == []


def test_self_check_result_shows_names_and_articles_not_codes(client):
    response = check(client, honour__senior_professional_title="yes", retired="no")
    assert "D11" not in response.text
    assert ">baiyun-2021<" not in response.text
    assert '依据<a href="/eligibility/policies/baiyun-2021/">白云区云聚英才卡实施细则</a>' in response.text


def test_self_check_gold_in_english(english):
    response = check(english, education__degree="doctorate", education__postgraduate="yes")
    assert response.context["evaluation"]["criteria"] == ["G06"]
    assert "From your answers you could apply for the <strong>Gold card</strong>." in response.text
    assert "Postgraduate education in China or abroad with a doctorate (Art. 3(2) item 6)" in response.text
    assert [benefit["label"] for benefit in response.context["benefits"]][-1] == "Trade-union services"
    assert response.context["special_evidence"] == [
        {
            "code": "degree_verification",
            "label": "Degree verification report (including verification of overseas degrees)",
        }
    ]


def test_self_check_unsure_answer_says_which_higher_tier_it_could_unlock_and_the_proof(english):
    response = check(
        english,
        education__degree="doctorate",
        education__postgraduate="yes",
        honour__senior_professional_title="unsure",
    )
    assert response.context["evaluation"]["tier"] == "gold"
    assert response.context["unlocks"] == [
        {
            "code": "D11",
            "tier": "diamond",
            "tier_label": "Diamond card",
            "explanation": "Expert holding a full senior professional title or higher (Art. 3(1) item 11)",
            "questions": ["Full senior professional title or higher"],
            "evidence": ["Full senior professional title certificate"],
        }
    ]
    assert response.context["headline"] == "tier"
    assert response.context["conditions"] == [
        "If your answer to “Full senior professional title or higher” is “Yes”, you could apply for the Diamond card."
    ]


def test_self_check_nothing_certain_but_unsure_headline_says_what_it_depends_on(client):
    """Issue 11: employer yes, 正高级 不确定 — never a red "not eligible" while the body says diamond is possible."""
    response = check(client, honour__senior_professional_title="unsure")
    assert response.context["headline"] == "conditional"
    assert response.context["conditions"] == ["若您对“正高级以上专业技术资格”的回答是“是”，可申领云聚英才钻石卡。"]
    assert "不符合云聚英才卡的任何认定条件" not in response.text
    assert "tier-badge-none" not in response.text
    assert '<p class="evaluation-tier tier-badge tier-badge-maybe">取决于您回答“不确定”的问题</p>' in response.text


def test_self_check_unsure_structured_answer_unlocks_with_its_question(client):
    response = check(client, enterprise__role="principal", enterprise__global500_or_china500="unsure")
    assert response.context["evaluation"]["eligible"] is False
    assert [(unlock["code"], unlock["questions"]) for unlock in response.context["unlocks"]] == [
        ("D14", ["企业是否为最新年度世界500强或中国500强企业？"])
    ]
    assert response.context["unlocks"][0]["evidence"] == [
        "任职证明（主要负责人、中高层管理人员或项目带头人）",
        "最新年度世界500强或中国500强榜单证明",
    ]


def test_self_check_blocker_is_explained_and_offers_no_application(english):
    response = check(english, employer__district_fiscal_funded="yes")
    assert response.context["evaluation"]["blockers"] == ["E02"]
    assert "From your answers you cannot apply at present, for the reasons below." in response.text
    assert "may not in principle apply (Art. 7)" in response.text
    assert "Materials to prepare" not in response.text
    assert APPLY not in response.text


def test_self_check_unsure_exclusion_is_reported_as_a_possible_blocker(english):
    response = check(english, retired="unsure", honour__senior_professional_title="yes")
    assert response.context["evaluation"]["tier"] == "diamond"
    assert response.context["possible_blockers"] == [
        {"code": "E03", "explanation": "Retirement ends the talent card services (Art. 6(3))"}
    ]
    assert "But if one of these applies to you, it rules out every card:" in response.text


def test_self_check_case_by_case_alone(client):
    response = check(client, case_by_case="yes")
    assert (response.context["evaluation"]["case_by_case"], response.context["evaluation"]["tier"]) == (True, None)
    assert response.context["special_evidence"] == [
        {"code": "contribution_statement", "label": "对白云区贡献的说明材料"},
    ]


def test_self_check_after_the_policy_lapsed_says_so(client):
    with time_machine.travel(datetime(2026, 12, 25, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        response = check(client, honour__senior_professional_title="yes")
    assert response.context["evaluation"]["blockers"] == ["E04"]
    assert response.context["benefits"] == []


@pytest.mark.parametrize(
    ("amount", "unit", "criteria"),
    [
        ("1000.0001", "wan", ["D17", "G11", "S07"]),
        ("1000", "wan", ["G11", "S07"]),
        ("10000001", "yuan", ["D17", "G11", "S07"]),
        ("800", "wan", ["S07"]),
    ],
)
def test_self_check_money_in_wan_or_yuan(client, amount, unit, criteria):
    response = check(
        client,
        enterprise__role="principal",
        enterprise__district_tax_yuan=amount,
        enterprise__district_tax_yuan__unit=unit,
    )
    assert response.context["evaluation"]["criteria"] == criteria


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        ("0.00001", "wan", "以万元填写时最多保留4位小数（精确到元）。"),
        ("12.5", "yuan", "金额折算后应为整数元。"),
        ("-3", "wan", "确保该值大于或等于0。"),
        ("lots", "wan", "输入一个数字。"),
        ("", "wan", "请填写金额；没有则填0。"),
    ],
)
def test_self_check_bad_amount_is_shown_beside_the_field_and_in_the_summary_keeping_the_input(
    client, amount, unit, message
):
    walk(client, enterprise__role="principal")
    page = "/eligibility/self-check/enterprise-figures/"
    data = {name: _default(name, field) for name, field in client.get(page).context["form"].fields.items()}
    data.update({"enterprise__revenue_yuan": amount, "enterprise__revenue_yuan__unit": unit})
    response = client.post(page, data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"enterprise__revenue_yuan": [message]}
    assert f'<a href="#id_enterprise__revenue_yuan">企业年产值或营收：{message}</a>' in response.text
    assert f'<ul class="errorlist" id="id_enterprise__revenue_yuan_error"><li>{message}</li></ul>' in response.text
    assert f'value="{amount}"' in response.text or amount == ""
    assert 'aria-invalid="true"' in response.text


def test_self_check_honour_kinds_none_stands_alone(client):
    walk(client)
    response = client.post("/eligibility/self-check/honours/", {HONOUR_KINDS: [NONE_KIND, "titles"]})
    assert response.status_code == 200
    assert response.context["form"].errors == {HONOUR_KINDS: ["“以上都不是”不能与其他类别同时勾选。"]}


def test_self_check_result_without_answers_goes_back_to_the_start(client):
    response = client.get(RESULT)
    assert response.status_code == 302
    assert response.headers["Location"] == START


def test_self_check_start_again_forgets_the_answers(client):
    walk(client)
    response = client.post(START)
    assert response.headers["Location"] == FIRST
    assert "self_check_answers" not in client.session


def test_self_check_change_shows_the_stored_answers(client):
    walk(client, honour__senior_professional_title="unsure")
    response = client.get("/eligibility/self-check/honours-titles/")
    assert (
        'value="unsure" class="answer-choices" required id="id_honour__senior_professional_title_2" checked'
    ) in response.text


def test_self_check_result_survives_a_language_switch(client):
    check(client, honour__senior_professional_title="yes")
    response = client.post(reverse("set_language"), {"language": "en", "next": RESULT}, follow=True)
    assert response.redirect_chain == [(RESULT, 302)]
    assert "From your answers you could apply for the <strong>Diamond card</strong>." in response.text


def test_self_check_result_queries_only_the_session(client, django_assert_max_num_queries):
    check(client, honour__senior_professional_title="yes")
    with django_assert_max_num_queries(1):
        client.get(RESULT)


def test_self_check_apply_hands_the_profile_to_the_application(client):
    walk(
        client,
        honour__senior_professional_title="yes",
        honour__pearl_river_nova="unsure",
        enterprise__role="principal",
        enterprise__district_tax_yuan="600",
        enterprise__founded_on="2023-03-01",
        enterprise__contest_level="city",
        enterprise__contest_place="2",
    )
    response = client.post(APPLY)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("applications:start")
    assert client.session["self_check_profile"] == {
        "case_by_case": False,
        "retired": False,
        "employer": {
            "registered_in_district": True,
            "pays_tax_in_district": False,
            "institution_in_district": False,
            "district_fiscal_funded": False,
        },
        "honours": ["senior_professional_title"],
        "education": {
            "degree": "none",
            "postgraduate": False,
            "full_time": False,
            "university": None,
            "bachelor_or_above_overseas": False,
        },
        "enterprise": {
            "role": "principal",
            "district_tax_yuan": 6_000_000,
            "high_tech": False,
            "revenue_yuan": 0,
            "district_investment_yuan": 0,
            "headquarters": False,
            "committed_tax_yuan": 0,
            "global500_or_china500": False,
            "incubator_level": None,
            "agri_leader_level": None,
            "key_above_scale": False,
            "above_scale": False,
            "economic_contribution_yuan": 0,
            "on_department_list": False,
            "contest_level": "city",
            "contest_place": 2,
            "founded_on": "2023-03-01",
            "founder_largest_shareholder": False,
            "core_technology_stage": None,
        },
    }


def test_self_check_apply_without_answers_goes_back_to_the_start(client):
    response = client.post(APPLY)
    assert response.status_code == 302
    assert response.headers["Location"] == START
    assert "self_check_profile" not in client.session


def test_self_check_apply_refuses_get(client):
    assert client.get(APPLY).status_code == 405


def test_navigation_and_landing_link_to_the_self_check(client):
    response = client.get("/")
    assert response.text.count(f'href="{START}"') == 2
    assert '<a class="button secondary" href="/eligibility/self-check/">资格自测</a>' in response.text


def test_page_form_builds_each_registry_question_once():
    from eligibility.selfcheck import selfcheck_pages

    names = []
    for page in selfcheck_pages(
        {
            "employer__registered_in_district": "yes",
            HONOUR_KINDS: [slug for slug, _title, _codes in HONOUR_GROUPS],
            "education__degree": "master",
            "enterprise__role": "principal",
            FOUNDED: "yes",
        }
    ):
        names.extend(SelfCheckPageForm(page=page).fields)
    assert len(names) == len(set(names))


EVALUATION = {
    "policy": "baiyun-2021",
    "on_date": "2026-06-01",
    "eligible": True,
    "tier": "gold",
    "criteria": ["G06", "S03"],
    "case_by_case": False,
    "blockers": [],
    "benefits": list(range(1, 11)),
    "evidence": [],
    "explanation": [
        {"code": "G06", "zh": "博士（第三条（二）第6项）", "en": "Doctorate (Art. 3(2) item 6)"},
        {"code": "S03", "zh": "硕士（第三条（三）第3项）", "en": "Master (Art. 3(3) item 3)"},
    ],
}


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", ["Gold card", "Doctorate (Art. 3(2) item 6)"]), ("zh-hans", ["金卡", "博士（第三条（二）第6项）"])],
)
def test_evaluation_include_renders_a_stored_evaluation_in_the_active_language(language, expected):
    with translation.override(language):
        html = render_to_string("eligibility/includes/evaluation.html", {"evaluation": EVALUATION})
    for text in expected:
        assert text in html
    assert '<span class="criterion-ref"' not in html


def test_evaluation_include_shows_codes_only_as_the_reviewers_reference():
    with translation.override("zh-hans"):
        html = render_to_string("eligibility/includes/evaluation.html", {"evaluation": EVALUATION, "show_codes": True})
    assert (
        '<li>博士（第三条（二）第6项） <span class="criterion-ref" title="供审核人员参考的编号">G06</span></li>' in html
    )


def test_evaluation_include_lists_blockers_apart():
    blocked = {
        **EVALUATION,
        "eligible": False,
        "tier": None,
        "criteria": [],
        "blockers": ["E03"],
        "explanation": [{"code": "E03", "zh": "退休", "en": "Retired (Art. 6(3))"}],
    }
    with translation.override("en"):
        html = render_to_string("eligibility/includes/evaluation.html", {"evaluation": blocked})
    assert "Not eligible" in html
    assert "What rules it out" in html
    assert "Criteria met" not in html


def test_evaluation_include_without_an_evaluation():
    with translation.override("en"):
        html = render_to_string("eligibility/includes/evaluation.html", {"evaluation": {}})
    assert "No evaluation recorded." in html
