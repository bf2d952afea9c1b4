"""The self-check ("我能申领吗？") as a short sequence of question pages, and what its answers mean to the engine.

Questions are the profile's fields as the field registry (eligibility/fields.py) words them, so that the self-check,
the application form and the API name each criterion alike. A page is asked only when its answers can still matter:
someone with no honour never sees the honour lists. Yes/no questions may be answered "not sure": the result then
says what that answer could still unlock ("若…，可申领钻石卡").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baiyun_talent.i18n import in_active_language
from eligibility.catalogue import Catalogue, Policy
from eligibility.engine import evaluate as engine_evaluate
from eligibility.engine import result_to_dict, unlockable, unlockable_to_dict
from eligibility.fields import HONOUR_GROUPS, REGISTRY
from eligibility.profile import BOOL, DATE, FIELDS, INTEGER, MONEY, parse_profile
from eligibility.selectors import catalogue_published, policy_latest

__all__ = [
    "CASE_BY_CASE_PAGE",
    "MONEY_UNITS",
    "UNSURE",
    "Page",
    "honour_groups",
    "selfcheck_blocked",
    "selfcheck_evaluate",
    "selfcheck_pages",
    "selfcheck_profile",
]

YES = "yes"
NO = "no"
UNSURE = "unsure"
HONOUR_PREFIX = "honour__"

# 1万元 = 10,000 yuan (spec: money is always an integer number of yuan).
MONEY_UNITS: dict[str, int] = {"wan": 10_000, "yuan": 1}


@dataclass(frozen=True)
class Page:
    """One question page of the self-check: a few questions that belong together, asked only when they can matter.

    `paths` are registry paths (eligibility/fields.py) or the page's own gate question; `honour_group` names the
    honour group whose honours the page lists instead.
    """

    slug: str
    title: str | Promise
    intro: str | Promise = ""
    paths: tuple[str, ...] = ()
    honour_group: str = ""


# Questions of the self-check that are not profile fields: they only decide which pages follow.
HONOUR_KINDS = "honour_kinds"
FOUNDED = "founded_in_district"
NONE_KIND = "none"
# The answer "none of these" to a choice whose profile value is then null.
NONE_CHOICE = "not_applicable"

EMPLOYER_PATHS = (
    "employer.registered_in_district",
    "employer.pays_tax_in_district",
    "employer.institution_in_district",
)
# 第三条（一）14–18, （二）9–12, （三）5–7: what the principal's enterprise is and what it pays.
PRINCIPAL_STATUS = (
    "enterprise.global500_or_china500",
    "enterprise.incubator_level",
    "enterprise.agri_leader_level",
    "enterprise.high_tech",
    "enterprise.headquarters",
    "enterprise.key_above_scale",
    "enterprise.above_scale",
    "enterprise.on_department_list",
)
# 第三条（二）12: a middle or senior manager counts only by the enterprise's standing and the department list.
MANAGER_STATUS = (
    "enterprise.headquarters",
    "enterprise.key_above_scale",
    "enterprise.above_scale",
    "enterprise.on_department_list",
)
PRINCIPAL_FIGURES = (
    "enterprise.district_tax_yuan",
    "enterprise.revenue_yuan",
    "enterprise.district_investment_yuan",
    "enterprise.committed_tax_yuan",
    "enterprise.economic_contribution_yuan",
)
MANAGER_FIGURES = ("enterprise.economic_contribution_yuan",)
STATUS_BY_ROLE = {"principal": PRINCIPAL_STATUS, "mid_senior_manager": MANAGER_STATUS}
FIGURES_BY_ROLE = {"principal": PRINCIPAL_FIGURES, "mid_senior_manager": MANAGER_FIGURES}
# 第三条（二）13: the contest counts for a principal or a project leader.
CONTEST_ROLES = frozenset({"principal", "project_leader"})
FOUNDER_PATHS = (
    "enterprise.founded_on",
    "enterprise.founder_largest_shareholder",
    "enterprise.core_technology_stage",
    "education.bachelor_or_above_overseas",
)


def _name(path: str) -> str:
    return path.replace(".", "__")


def selfcheck_blocked(answers: dict[str, Any]) -> bool:
    """Whether the answers already rule out every card, so that no further question can matter.

    第三条: no employer registered, paying tax or teaching in the district; 第七条: paid from the district budget;
    第六条（三）: retired.
    """
    if all(answers.get(_name(path)) == NO for path in EMPLOYER_PATHS):
        return True
    return answers.get("employer__district_fiscal_funded") == YES or answers.get("retired") == YES


def selfcheck_pages(answers: dict[str, Any], *, policy: Policy | None = None) -> list[Page]:
    """The question pages these answers lead through, in order; case by case is asked by the caller's judgement."""
    pages = [
        Page(
            "employer",
            _("Your employer"),
            _("The card is for talent whose employer is registered or pays tax in Baiyun District (Art. 3)."),
            EMPLOYER_PATHS,
        )
    ]
    if all(answers.get(_name(path)) == NO for path in EMPLOYER_PATHS):
        return pages
    pages.append(
        Page(
            "exclusions",
            _("Situations that rule out the card"),
            _("Either of these rules out every card."),
            ("employer.district_fiscal_funded", "retired"),
        )
    )
    if selfcheck_blocked(answers):
        return pages
    pages.append(
        Page(
            "honours",
            _("Honours, titles and awards"),
            _("Tick each kind you hold, or might hold: the next pages list them one by one."),
            (HONOUR_KINDS,),
        )
    )
    kinds = answers.get(HONOUR_KINDS) or []
    for slug, title, _members in honour_groups(policy=policy):
        if slug in kinds:
            pages.append(
                Page(
                    f"honours-{slug}",
                    title,
                    _("Answer each one. Choose “Not sure” if you do not know whether yours counts."),
                    honour_group=slug,
                )
            )
    pages.append(Page("education", _("Education"), "", ("education.degree",)))
    degree = answers.get("education__degree")
    if degree == "doctorate":
        pages.append(Page("postgraduate", _("Postgraduate education"), "", ("education.postgraduate",)))
    elif degree == "master":
        pages.append(
            Page(
                "postgraduate",
                _("Postgraduate education"),
                "",
                ("education.postgraduate", "education.university", "education.full_time"),
            )
        )
    pages.append(Page("enterprise", _("Your position in an enterprise"), "", ("enterprise.role",)))
    role = answers.get("enterprise__role")
    if role in STATUS_BY_ROLE:
        pages.append(Page("enterprise-standing", _("Your enterprise"), "", STATUS_BY_ROLE[role]))
        pages.append(
            Page(
                "enterprise-figures",
                _("Your enterprise's figures"),
                _("Give amounts in 万元 (ten thousand yuan) or in 元 (yuan), as you prefer; 0 if there is none."),
                FIGURES_BY_ROLE[role],
            )
        )
    if role in CONTEST_ROLES:
        pages.append(
            Page(
                "contest",
                _("Innovation and entrepreneurship contest"),
                "",
                ("enterprise.contest_level", "enterprise.contest_place"),
            )
        )
    pages.append(Page("founder", _("An enterprise you founded"), _("Art. 3(3) item 2."), (FOUNDED,)))
    if answers.get(FOUNDED) in (YES, UNSURE):
        pages.append(Page("founder-details", _("The enterprise you founded"), "", FOUNDER_PATHS))
    return pages


CASE_BY_CASE_PAGE = Page(
    "case-by-case",
    _("Other talent"),
    _(
        "Talent the district needs may be considered case by case by the leading group for their contribution to "
        "Baiyun (Art. 3(4))."
    ),
    ("case_by_case",),
)


def honour_groups(*, policy: Policy | None = None) -> list[tuple[str, str | Promise, list[tuple[str, str]]]]:
    """Each group's (slug, title, [(code, label in the active language)]), every honour of the policy exactly once."""
    policy = policy or policy_latest(on_date=timezone.localdate())
    labels = {honour.code: in_active_language(honour.zh, honour.en) for honour in policy.honours} if policy else {}
    groups: list[tuple[str, str | Promise, list[tuple[str, str]]]] = []
    placed: set[str] = set()
    for slug, title, codes in HONOUR_GROUPS:
        members = [(code, labels[code]) for code in codes if code in labels]
        placed.update(code for code, _label in members)
        groups.append((slug, title, members))
    others = [(code, label) for code, label in labels.items() if code not in placed]
    if others:
        groups.append(("other", _("Other honours"), others))
    return groups


def question_labels(*, policy: Policy | None = None) -> dict[str, str]:
    """Profile path (or honours.<code>) to the words that ask for it, for the result's conditions."""
    labels: dict[str, str] = {field.path: str(field.label) for field in REGISTRY}
    for _slug, _title, members in honour_groups(policy=policy):
        for code, label in members:
            labels[f"honours.{code}"] = label
    return labels


def selfcheck_profile(answers: dict[str, Any]) -> tuple[dict[str, object], list[str]]:
    """Cleaned form answers to (profile as the engine takes it, without on_date; the fields answered "not sure").

    Unsure answers stay at their defaults in the profile, as engine.unlockable expects.
    """
    profile: dict[str, Any] = {"employer": {}, "education": {}, "enterprise": {}, "honours": []}
    unknown: list[str] = []
    for path, spec in FIELDS.items():
        value = answers.get(path.replace(".", "__"))
        if spec.kind == BOOL:
            if value == UNSURE:
                unknown.append(path)
            value = value == YES
        elif spec.kind == MONEY:
            value = value or 0
        elif spec.kind == INTEGER:
            value = int(value) if value and value != NONE_CHOICE else 0
        elif spec.kind == DATE:
            value = value.isoformat() if value else None
        else:
            value = None if value in (None, "", NONE_CHOICE) else value
        if "." in path:
            section, name = path.split(".", 1)
            profile[section][name] = value
        else:
            profile[path] = value
    for name, value in answers.items():
        if not name.startswith(HONOUR_PREFIX):
            continue
        code = name[len(HONOUR_PREFIX) :]
        if value == YES:
            profile["honours"].append(code)
        elif value == UNSURE:
            unknown.append(f"honours.{code}")
    return profile, unknown


def money_to_yuan(amount: Decimal | None, unit: str) -> int | None:
    """An amount in 万元 or 元 as integer yuan; None when it is not a whole number of yuan."""
    if amount is None:
        return 0
    yuan = amount * MONEY_UNITS[unit]
    if yuan != yuan.to_integral_value():
        return None
    return int(yuan)


def _tier_label(policy: Policy | None, tier: str | None) -> str:
    """The tier's name in the active language."""
    if policy is None or tier is None:
        return ""
    found = policy.tier_by_code[tier]
    return in_active_language(found.zh, found.en)


def _headline(evaluation: dict[str, Any], unlocks: list[dict[str, object]]) -> str:
    """What the result's headline says is certain: a card, a card only if…, case by case, ruled out, or none.

    Never "none" while a "not sure" answer could still lead to a card: the headline and the body agree.
    """
    if evaluation["blockers"]:
        return "blocked"
    if evaluation["tier"]:
        return "tier"
    if unlocks:
        return "conditional"
    if evaluation["case_by_case"]:
        return "case_by_case"
    return "none"


def _conditions(unlocks: list[dict[str, object]], policy: Policy | None) -> list[str]:
    """One sentence per higher tier a "not sure" answer could lead to, best first: "若…，可申领钻石卡。"."""
    if policy is None:
        return []
    by_tier: dict[str, list[str]] = {}
    for unlock in unlocks:
        quoted = str(_(" and ")).join(f"“{question}”" for question in unlock["questions"])
        alternatives = by_tier.setdefault(str(unlock["tier"]), [])
        if quoted not in alternatives:
            alternatives.append(quoted)
    sentences = []
    for tier in sorted(by_tier, key=lambda code: policy.tier_by_code[code].rank):
        sentences.append(
            str(_("If your answer to %(questions)s is “Yes”, you could apply for the %(tier)s."))
            % {"questions": str(_(" or ")).join(by_tier[tier]), "tier": _tier_label(policy, tier)}
        )
    return sentences


def selfcheck_evaluate(
    *, profile: dict[str, object], unknown: list[str], today: date, catalogue: Catalogue | None = None
) -> dict[str, Any]:
    """Everything the result page shows, in the active language: evaluation, benefits, materials, unlock hints."""
    catalogue = catalogue or catalogue_published()
    parsed = parse_profile(profile, today=today, known_honours=catalogue.honour_codes)
    evaluation = result_to_dict(engine_evaluate(parsed, catalogue=catalogue))
    hints = unlockable_to_dict(unlockable(parsed, unknown_fields=unknown, catalogue=catalogue))
    policy = catalogue.policy_for(today)
    benefits: list[dict[str, object]] = []
    basic: list[dict[str, str]] = []
    special: list[dict[str, str]] = []
    unlocks: list[dict[str, object]] = []
    possible_blockers: list[dict[str, str]] = []
    if policy is not None:
        by_number = {benefit.number: benefit for benefit in policy.benefits}
        benefits = [
            {"number": number, "label": in_active_language(by_number[number].zh, by_number[number].en)}
            for number in evaluation["benefits"]
        ]
        materials = {material.code: material for material in policy.basic_materials}
        evidence_items = {item.code: item for item in policy.special_evidence}
        for code in evaluation["evidence"]:
            if code in materials:
                material = materials[code]
                basic.append(
                    {
                        "code": code,
                        "label": in_active_language(material.zh, material.en),
                        "description": in_active_language(material.description_zh, material.description_en),
                    }
                )
            else:
                special.append(
                    {"code": code, "label": in_active_language(evidence_items[code].zh, evidence_items[code].en)}
                )
        questions = question_labels()
        for unlock in hints["unlocks"]:
            unlocks.append(
                {
                    "code": unlock["code"],
                    "tier": unlock["tier"],
                    "tier_label": _tier_label(policy, unlock["tier"]),
                    "explanation": in_active_language(unlock["zh"], unlock["en"]),
                    "questions": [questions.get(name, name) for name in unlock["needs"]],
                    "evidence": [
                        in_active_language(evidence_items[code].zh, evidence_items[code].en)
                        for code in unlock["evidence"]
                        if code in evidence_items
                    ],
                }
            )
        blockers = {blocker.code: blocker for blocker in policy.blockers}
        possible_blockers = [
            {
                "code": code,
                "explanation": in_active_language(blockers[code].explanation.zh, blockers[code].explanation.en),
            }
            for code in hints["possible_blockers"]
        ]
    return {
        "evaluation": evaluation,
        "headline": _headline(evaluation, unlocks),
        "conditions": _conditions(unlocks, policy),
        "policy_title": in_active_language(policy.title_zh, policy.title_en) if policy else "",
        "tier_label": _tier_label(policy, evaluation["tier"]),
        "benefits": benefits,
        "basic_materials": basic,
        "special_evidence": special,
        "unlocks": unlocks,
        "possible_blockers": possible_blockers,
        "unknown": unknown,
    }
