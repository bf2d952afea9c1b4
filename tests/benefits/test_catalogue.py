"""The catalogue against the policy file: every material, step, offer, note, department and phone of the 服务指南,
and each service's entitlement as 第四条 states it (the 实施细则 wins where the two disagree)."""

import re
import unicodedata

import pytest
from django.conf import settings

from benefits.catalogue import catalogue_file
from benefits.models import Service
from cards.selectors import tier_benefits

POLICY = (settings.SHARED_DIR / "policy" / "baiyun-talent-card-2021.md").read_text(encoding="utf-8")
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]
SUBSECTIONS = {
    "提供材料": "materials",
    "办理流程": "steps",
    "服务流程": "steps",
    "提供服务": "offers",
    "服务方式": "offers",
    "服务内容": "offers",
    "注意事项": "notes",
    "咨询电话": "contacts",
}


def normal(text: str) -> str:
    """The text with full- and half-width forms made one (NFKC), markdown link brackets and all spaces dropped."""
    text = unicodedata.normalize("NFKC", text).replace("<", "").replace(">", "").replace("*", "")
    return re.sub(r"\s+", "", text)


def guide_sections() -> dict[int, str]:
    """The text of each of the 服务指南's thirteen sections, by number."""
    guide = POLICY[POLICY.index("# 白云区云聚英才卡服务指南") :]
    heading = re.compile(r"^#+\s*\**(十[一二三]?|[一二三四五六七八九])、", re.M)
    starts = [(NUMERALS.index(match.group(1)) + 1, match.start()) for match in heading.finditer(guide)]
    starts = [(number, start) for number, start in starts if 1 <= number <= 13]
    ends = [start for _number, start in starts[1:]] + [guide.index("公开方式")]
    return {number: guide[start:end] for (number, start), end in zip(starts, ends, strict=True)}


def guide_items(section: str) -> dict[str, list[str]]:
    """The numbered (or single) paragraphs of each subsection, page-break fragments joined to their item."""
    items: dict[str, list[str]] = {}
    current = None
    subsection_heading = re.compile(r"^[#*\s]*[（(][一二三四五六][）)]\s*(\S+?)\**$")
    for raw in section.splitlines()[1:]:
        line = raw.strip()
        if not line:
            continue
        match = subsection_heading.match(line)
        if match:
            current = SUBSECTIONS.get(match.group(1))
            continue
        if current is None or line.startswith("#"):
            continue
        numbered = re.match(r"^(\d+\.|\(\d+\))\s*(.*)$", line)
        if numbered or not items.get(current):
            items.setdefault(current, []).append(numbered.group(2) if numbered else line)
        else:
            items[current][-1] += line
    return items


def article_4() -> dict[int, str]:
    """第四条's thirteen items, without their "（一）落户服务。" heads."""
    start = POLICY.index("**第四条**")
    text = POLICY[start : POLICY.index("**第五条", start)]
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    text = text[text.index("优惠待遇。") :]  # after "可享受以下(一)至(十三)条…"
    parts = re.split(r"\((十[一二三]?|[一二三四五六七八九])\)", text)[1:]
    return {
        NUMERALS.index(numeral) + 1: body.split("。", 1)[1]
        for numeral, body in zip(parts[::2], parts[1::2], strict=True)
    }


SECTIONS = guide_sections()
CATALOGUE = {entry["number"]: entry for entry in catalogue_file()["services"]}


def test_the_guide_has_thirteen_sections_and_the_catalogue_thirteen_services():
    assert sorted(SECTIONS) == list(range(1, 14))
    assert sorted(CATALOGUE) == list(range(1, 14))


@pytest.mark.parametrize("number", range(1, 14))
@pytest.mark.parametrize("kind", ["materials", "steps", "offers", "notes"])
def test_every_line_of_the_guide_is_in_the_catalogue_word_for_word(number, kind):
    expected = [normal(text) for text in guide_items(SECTIONS[number]).get(kind, [])]
    assert [normal(item["zh"]) for item in CATALOGUE[number].get(kind, [])] == expected
    assert all(item["en"] for item in CATALOGUE[number].get(kind, []))


@pytest.mark.parametrize("number", range(1, 14))
def test_every_phone_number_of_the_guide_is_a_department_or_line_of_the_service(number, desks):
    digits = {
        re.sub(r"\D", "", phone)
        for phone in re.findall(r"[（(]?0?\d{2,3}[）)]?\d{8,11}|\d{8,11}", normal(SECTIONS[number]))
    }
    service = Service.objects.get(number=number)
    ours = {re.sub(r"\D", "", link.desk.phone) for link in service.department_links.all()}
    ours |= {re.sub(r"\D", "", line.phone) for line in service.lines.all()}
    assert ours == digits


@pytest.mark.parametrize("number", range(1, 14))
def test_every_responsible_department_of_the_guide_is_a_desk_of_the_service(number, desks):
    named = re.findall(r"服务承办部门[:：]\s*([^，,:：]+?)[，,]", unicodedata.normalize("NFKC", SECTIONS[number]))
    service = Service.objects.get(number=number)
    assert [link.desk.name for link in service.department_links.order_by("position")] == named


@pytest.mark.parametrize("number", range(1, 14))
def test_the_entitlement_is_article_4_word_for_word(number):
    assert normal(CATALOGUE[number]["content"]["zh"]) == normal(article_4()[number])


def test_where_the_rules_and_the_guide_disagree_the_rules_win():
    # Spec: 区政务服务中心 (第四条（二）) over the guide's 区政务服务数据管理局; 国际嘉宾 over 国际贵宾.
    assert "区政务服务中心“绿色通道”服务窗口" in CATALOGUE[2]["content"]["zh"]
    assert "国际嘉宾" in CATALOGUE[13]["content"]["zh"]


def test_service_points_that_are_not_desks_name_the_desk_responsible(desks):
    points = {
        number: [point.zh for point in Service.objects.get(number=number).points.order_by("position")]
        for number in (4, 6, 11, 13)
    }
    assert points[4] == ["区全民健身活动中心", "区属博物馆"]
    hospitals = re.search(r"区属医院主要包括[:：](.+?)。", normal(SECTIONS[6])).group(1).split("、")
    assert points[6] == hospitals
    assert points[11] == ["区干部保健基地（南方医科大学南方医院白云分院）"]
    assert points[13] == ["国内商务贵宾厅", "国际接待站"]
    for number in (4, 6, 11, 13):
        assert all(point.desk is not None for point in Service.objects.get(number=number).points.all())


def test_the_quota_rules_of_the_spec(desks):
    rules = {
        (quota.service.number, quota.point.code if quota.point else None): (
            quota.period,
            quota.uses,
            quota.minutes,
            quota.group,
        )
        for quota in Service.objects.get(number=4).quotas.model.objects.select_related("service", "point")
    }
    assert rules == {
        (4, "fitness-centre"): ("month", 2, 120, "fitness"),
        (10, None): ("year", 1, None, "union-or-checkup"),
        (11, None): ("year", 1, None, "union-or-checkup"),
        (13, None): ("year", 2, None, "airport"),
    }


def test_the_airport_lines_belong_to_service_13(desks):
    lines = [(line.zh, line.phone) for line in Service.objects.get(number=13).lines.all()]
    assert lines == [("预约电话（翁先生）", "13560135683"), ("服务变更（取消）客服", "(020)86132888")]


def test_each_desk_provides_the_services_of_the_guide(desks):
    provided = {
        code: sorted(desk.service_links.values_list("service__number", flat=True)) for code, desk in desks.items()
    }
    assert provided == {
        "hr-service-centre": [1],
        "police-household": [1],
        "government-service-centre": [2],
        "market-registration": [3],
        "tax-service": [3],
        "library": [4],
        "cultural-centre": [4],
        "organisation-talent": [5, 7],
        "health-medical": [6, 11],
        "hr-professional": [7],
        "media-centre": [7],
        "education-preschool": [8],
        "education-basic": [8],
        "housing-security": [9],
        "trade-union": [10],
        "justice-legal": [12],
        "investment-airport": [13],
    }


def test_the_tiers_grant_the_services_of_article_4():
    assert tier_benefits("diamond") == tuple(range(1, 14))
    assert tier_benefits("gold") == tuple(range(1, 11))
    assert tier_benefits("silver") == tuple(range(1, 8))
