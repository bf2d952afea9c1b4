"""The self-check questionnaire ("我能申领吗？") as data, and what its answers mean to the engine.

Questions speak of profile fields (eligibility/profile.py FIELDS) so that the form, the engine and the unlock hints name
the same things. Yes/no questions may be answered "not sure": the engine then says what that answer could still unlock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from eligibility.catalogue import Catalogue, Policy
from eligibility.engine import evaluate as engine_evaluate
from eligibility.engine import result_to_dict, unlockable, unlockable_to_dict
from eligibility.profile import BOOL, DATE, FIELDS, INTEGER, MONEY, parse_profile
from eligibility.selectors import catalogue_published, policy_latest

__all__ = [
    "HONOUR_GROUPS",
    "MONEY_UNITS",
    "STEPS",
    "UNSURE",
    "Question",
    "Step",
    "honour_groups",
    "selfcheck_evaluate",
    "selfcheck_profile",
]

YES = "yes"
NO = "no"
UNSURE = "unsure"
HONOUR_PREFIX = "honour__"

# 1万元 = 10,000 yuan (spec: money is always an integer number of yuan).
MONEY_UNITS: dict[str, int] = {"wan": 10_000, "yuan": 1}


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire, asking for one profile field."""

    path: str
    label: str | Promise
    help_text: str | Promise = ""
    choices: tuple[tuple[str, str | Promise], ...] = ()

    @property
    def name(self) -> str:
        """The form field name: the profile path with dots as double underscores."""
        return self.path.replace(".", "__")


@dataclass(frozen=True)
class Step:
    """A group of questions shown under one heading, in the order the policy reads."""

    slug: str
    title: str | Promise
    intro: str | Promise
    questions: tuple[Question, ...]


LEVEL_CHOICES = (
    ("national", _("National")),
    ("provincial", _("Provincial")),
    ("city", _("City")),
)

STEPS: tuple[Step, ...] = (
    Step(
        slug="employer",
        title=_("Your employer"),
        intro=_("The card is for talent working for an employer in Baiyun District (Art. 3)."),
        questions=(
            Question(
                "employer.registered_in_district",
                _("Is your employer registered in Baiyun District?"),
                _("As shown on its business licence."),
            ),
            Question("employer.pays_tax_in_district", _("Does your employer pay tax in Baiyun District?")),
            Question(
                "employer.institution_in_district",
                _("Is your employer a teaching, medical or research institution in Baiyun District?"),
            ),
        ),
    ),
    Step(
        slug="exclusions",
        title=_("Exclusions"),
        intro=_("Some situations rule out every tier."),
        questions=(
            Question(
                "employer.district_fiscal_funded",
                _("Is your salary paid from the district budget?"),
                _("For example staff of district public institutions or district state-owned enterprises (Art. 7)."),
            ),
            Question("retired", _("Have you completed your retirement formalities?"), _("Art. 6(3).")),
        ),
    ),
    Step(
        slug="honours",
        title=_("Honours, titles and awards"),
        intro=_("Answer each one. Choose “Not sure” if you do not know whether yours counts."),
        questions=(),
    ),
    Step(
        slug="education",
        title=_("Education"),
        intro=_("Degrees count for the gold card (doctorate) and the silver card (master's degree)."),
        questions=(
            Question(
                "education.degree",
                _("What is your highest degree?"),
                choices=(
                    ("doctorate", _("Doctorate")),
                    ("master", _("Master's degree")),
                    ("bachelor", _("Bachelor's degree")),
                    ("none", _("None of these")),
                ),
            ),
            Question(
                "education.postgraduate",
                _("Did you complete postgraduate education (a master's or doctoral programme)?"),
            ),
            Question(
                "education.full_time",
                _("Was your postgraduate education full-time?"),
                _("Full-time general higher education (全日制), as stated on your diploma."),
            ),
            Question(
                "education.university",
                _("Where did you obtain your postgraduate degree?"),
                choices=(
                    ("double_first_class", _("A Double First-Class university in China (A or B)")),
                    ("global_top500_overseas", _("An overseas university in the global top 500")),
                    ("other", _("Another university")),
                ),
            ),
            Question(
                "education.bachelor_or_above_overseas",
                _("Did you obtain a bachelor's degree or higher abroad?"),
            ),
        ),
    ),
    Step(
        slug="enterprise",
        title=_("Your enterprise"),
        intro=_(
            "Questions about the enterprise you lead or manage. Give amounts in 万元 (ten thousand yuan) or in 元 "
            "(yuan), as you prefer; leave them empty if they do not apply."
        ),
        questions=(
            Question(
                "enterprise.role",
                _("What is your role in the enterprise?"),
                choices=(
                    ("principal", _("Principal (主要负责人: legal representative, chair or general manager)")),
                    ("mid_senior_manager", _("Middle or senior manager")),
                    ("project_leader", _("Project leader")),
                    ("none", _("None of these")),
                ),
            ),
            Question("enterprise.global500_or_china500", _("Is it in the latest Fortune Global 500 or China 500?")),
            Question(
                "enterprise.incubator_level",
                _("Is it an accredited incubation platform? At which level?"),
                choices=LEVEL_CHOICES,
            ),
            Question(
                "enterprise.agri_leader_level",
                _("Is it an accredited leading agricultural enterprise? At which level?"),
                choices=LEVEL_CHOICES,
            ),
            Question("enterprise.district_tax_yuan", _("Tax paid to the district treasury last year")),
            Question("enterprise.high_tech", _("Is it an accredited high-tech enterprise?")),
            Question("enterprise.revenue_yuan", _("Annual output or revenue")),
            Question("enterprise.district_investment_yuan", _("Cumulative investment in Baiyun District")),
            Question("enterprise.headquarters", _("Is it accredited as an annual headquarters enterprise?")),
            Question(
                "enterprise.committed_tax_yuan",
                _("Annual tax committed at full production"),
                _("As stated in the investment agreement of an attracted enterprise."),
            ),
            Question("enterprise.key_above_scale", _("Is it a key above-designated-size enterprise (重点“四上”企业)?")),
            Question("enterprise.above_scale", _("Is it an above-designated-size enterprise (“四上”企业)?")),
            Question("enterprise.economic_contribution_yuan", _("Its total economic contribution last year")),
            Question(
                "enterprise.on_department_list",
                _("Are you on the talent list provided by the district departments?"),
                _("Lists of the development and reform, science and industry, and investment promotion bureaus."),
            ),
            Question(
                "enterprise.contest_level",
                _("Has your unit or project won an innovation and entrepreneurship contest? At which level?"),
                choices=LEVEL_CHOICES,
            ),
            Question(
                "enterprise.contest_place",
                _("Which prize did it win?"),
                choices=(("1", _("First prize")), ("2", _("Second prize")), ("3", _("Third prize"))),
            ),
            Question("enterprise.founded_on", _("When was the enterprise founded?"), _("As on its business licence.")),
            Question(
                "enterprise.founder_largest_shareholder",
                _("Are you its main founder and its largest (or largest individual) shareholder?"),
            ),
            Question(
                "enterprise.core_technology_stage",
                _("Is its core-technology product at the pilot or the industrialisation stage?"),
                choices=(("pilot", _("Pilot stage")), ("industrialization", _("Industrialisation stage"))),
            ),
        ),
    ),
    Step(
        slug="other",
        title=_("Other talent"),
        intro=_(
            "Talent the district needs may be considered case by case by the leading group for their contribution "
            "to Baiyun (Art. 3(4))."
        ),
        questions=(Question("case_by_case", _("Do you wish to be considered case by case (一事一议)?")),),
    ),
)

# Honours grouped as the applicant would look for them; a code the catalogue adds later lands in "Other honours".
HONOUR_GROUPS: tuple[tuple[str | Promise, tuple[str, ...]], ...] = (
    (
        _("Academies and talent programmes"),
        (
            "cas_cae_academician",
            "foreign_academy_academician",
            "nobel_laureate",
            "national_major_talent_program",
            "state_council_special_allowance",
            "guangdong_major_talent_program",
            "guangzhou_city_talent_program",
            "guangzhou_industry_high_end_or_shortage",
            "district_innovation_team_leader",
            "district_innovation_leader",
            "district_innovation_team_core_member",
            "pearl_river_nova",
            "district_postdoc",
        ),
    ),
    (
        _("Professional titles, talent cards and foreign talent"),
        (
            "senior_professional_title",
            "guangdong_youyue_card",
            "guangzhou_talent_green_card",
            "foreign_expert_certificate",
            "work_permit_a",
            "work_permit_b",
        ),
    ),
    (
        _("Skills, labour, science and culture awards"),
        (
            "world_skills_national_team",
            "national_skills_award",
            "provincial_skills_award",
            "city_skills_award",
            "national_may_day_medal",
            "provincial_model_worker",
            "provincial_may_day_medal",
            "city_model_worker",
            "district_model_worker",
            "baiyun_craftsman_studio_head",
            "provincial_sci_tech_award_first",
            "national_five_one_director_writer",
            "qunxing_award_director_writer",
            "guangdong_five_one_director_writer",
        ),
    ),
)


def _english() -> bool:
    """Whether the active language is English (catalogue data carries zh and en)."""
    return (get_language() or "").startswith("en")


def _pick(zh: str, en: str) -> str:
    """The catalogue text in the active language."""
    return en if _english() else zh


def honour_groups(*, policy: Policy | None = None) -> list[tuple[str | Promise, list[tuple[str, str]]]]:
    """Each group's (code, label in the active language), every honour of the policy exactly once."""
    policy = policy or policy_latest(on_date=timezone.localdate())
    labels = {honour.code: _pick(honour.zh, honour.en) for honour in policy.honours}
    groups = []
    placed: set[str] = set()
    for title, codes in HONOUR_GROUPS:
        members = [(code, labels[code]) for code in codes if code in labels]
        placed.update(code for code, _label in members)
        groups.append((title, members))
    others = [(code, label) for code, label in labels.items() if code not in placed]
    if others:
        groups.append((_("Other honours"), others))
    return groups


def question_labels() -> dict[str, str]:
    """Profile path (or honours.<code>) to the question asking for it, for the unlock hints."""
    labels: dict[str, str] = {q.path: str(q.label) for step in STEPS for q in step.questions}
    for _title, members in honour_groups():
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
            value = int(value) if value else 0
        elif spec.kind == DATE:
            value = value.isoformat() if value else None
        else:
            value = value or None
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
    return _pick(found.zh, found.en)


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
            {"number": number, "label": _pick(by_number[number].zh, by_number[number].en)}
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
                        "label": _pick(material.zh, material.en),
                        "description": _pick(material.description_zh, material.description_en),
                    }
                )
            else:
                special.append({"code": code, "label": _pick(evidence_items[code].zh, evidence_items[code].en)})
        questions = question_labels()
        for unlock in hints["unlocks"]:
            unlocks.append(
                {
                    "code": unlock["code"],
                    "tier": unlock["tier"],
                    "tier_label": _tier_label(policy, unlock["tier"]),
                    "explanation": _pick(unlock["zh"], unlock["en"]),
                    "questions": [questions.get(name, name) for name in unlock["needs"]],
                    "evidence": [
                        _pick(evidence_items[code].zh, evidence_items[code].en)
                        for code in unlock["evidence"]
                        if code in evidence_items
                    ],
                }
            )
        blockers = {blocker.code: blocker for blocker in policy.blockers}
        possible_blockers = [
            {"code": code, "explanation": _pick(blockers[code].explanation.zh, blockers[code].explanation.en)}
            for code in hints["possible_blockers"]
        ]
    return {
        "evaluation": evaluation,
        "tier_label": _tier_label(policy, evaluation["tier"]),
        "benefits": benefits,
        "basic_materials": basic,
        "special_evidence": special,
        "unlocks": unlocks,
        "possible_blockers": possible_blockers,
        "unknown": unknown,
    }
