"""The profile's fields as people read them: one label per field in the policy's own words, its help, the group it
is asked in and the article it comes from.

The self-check (eligibility/selfcheck.py), the application form (applications/forms.py) and the API schema
(eligibility/openapi.py) all read this registry, so that a criterion is worded once, as 白云区云聚英才卡实施细则 words
it. Honours are named by the policy catalogue itself; HONOUR_GROUPS only says where each is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from eligibility.profile import FIELDS, MONEY

__all__ = [
    "GROUPS",
    "HONOUR_GROUPS",
    "REGISTRY",
    "ProfileField",
    "choice_label",
    "field_description_en",
    "profile_field",
]

Text = str | Promise


@dataclass(frozen=True)
class ProfileField:
    """One leaf of the profile as people read it."""

    path: str
    label: Text
    group: str
    article: Text
    help: Text = ""
    choices: tuple[tuple[str, Text], ...] = ()
    # Label of "none of these" for an optional choice (the profile's null).
    none_label: Text = ""

    @property
    def kind(self) -> str:
        return FIELDS[self.path].kind

    @property
    def name(self) -> str:
        """The form field name: the profile path with dots as double underscores."""
        return self.path.replace(".", "__")


# Where the questions are asked, in the order the policy reads.
GROUPS: tuple[tuple[str, Text], ...] = (
    ("employer", _("Your employer")),
    ("exclusions", _("Exclusions")),
    ("honours", _("Honours, titles and awards")),
    ("education", _("Education")),
    ("enterprise", _("Your enterprise")),
    ("founder", _("An enterprise you founded")),
    ("other", _("Other talent")),
)

LEVELS: tuple[tuple[str, Text], ...] = (
    ("national", _("National")),
    ("provincial", _("Provincial")),
    ("city", _("City")),
)

ART_3 = _("Art. 3")

REGISTRY: tuple[ProfileField, ...] = (
    ProfileField(
        "employer.registered_in_district",
        _("Is your employer registered in Baiyun District?"),
        "employer",
        ART_3,
        _("As shown on its business licence."),
    ),
    ProfileField(
        "employer.pays_tax_in_district", _("Does your employer pay tax in Baiyun District?"), "employer", ART_3
    ),
    ProfileField(
        "employer.institution_in_district",
        _("Is your employer a teaching, medical or research institution in the district?"),
        "employer",
        ART_3,
    ),
    ProfileField(
        "employer.district_fiscal_funded",
        _(
            "Are you staff of a district public institution, state-owned enterprise or the like, paid from the "
            "district budget?"
        ),
        "exclusions",
        _("Art. 7"),
    ),
    ProfileField("retired", _("Have you completed your retirement formalities?"), "exclusions", _("Art. 6(3)")),
    ProfileField(
        "education.degree",
        _("What is your highest degree?"),
        "education",
        _("Art. 3(2) item 6, Art. 3(3) items 2–3"),
        choices=(
            ("doctorate", _("Doctorate")),
            ("master", _("Master's degree")),
            ("bachelor", _("Bachelor's degree")),
            ("none", _("None of these")),
        ),
    ),
    ProfileField(
        "education.postgraduate",
        _("Do you hold a postgraduate education (研究生学历) from China or abroad?"),
        "education",
        _("Art. 3(2) item 6"),
    ),
    ProfileField(
        "education.full_time",
        _("Was your postgraduate education full-time general higher education?"),
        "education",
        _("Art. 3(3) item 3"),
        _("全日制普通高等教育, as stated on your diploma."),
    ),
    ProfileField(
        "education.university",
        _("Where did you obtain your postgraduate education?"),
        "education",
        _("Art. 3(3) item 3"),
        choices=(
            ("double_first_class", _("A “Double First-Class” university (category A or B)")),
            ("global_top500_overseas", _("An overseas first-class university in the global top 500")),
            ("other", _("Another university")),
        ),
        none_label=_("Not applicable"),
    ),
    ProfileField(
        "education.bachelor_or_above_overseas",
        _("Did you obtain a bachelor's degree or higher abroad?"),
        "founder",
        _("Art. 3(3) item 2"),
    ),
    ProfileField(
        "enterprise.role",
        _("What is your position in the enterprise?"),
        "enterprise",
        _("Art. 3(1) items 14–18, Art. 3(2) items 9–13, Art. 3(3) items 5–7"),
        choices=(
            ("principal", _("Principal of the enterprise (legal representative, chair or general manager)")),
            ("mid_senior_manager", _("Middle or senior manager")),
            ("project_leader", _("Project leader")),
            ("none", _("None of these")),
        ),
    ),
    ProfileField(
        "enterprise.global500_or_china500",
        _("Is it in the latest annual Fortune Global 500 or China 500?"),
        "enterprise",
        _("Art. 3(1) item 14"),
    ),
    ProfileField(
        "enterprise.incubator_level",
        _("Is it an incubation platform? At which level?"),
        "enterprise",
        _("Art. 3(1) item 15, Art. 3(2) item 9, Art. 3(3) item 5"),
        choices=LEVELS,
        none_label=_("No"),
    ),
    ProfileField(
        "enterprise.agri_leader_level",
        _("Is it a leading enterprise of agricultural industrialisation? At which level?"),
        "enterprise",
        _("Art. 3(1) item 16, Art. 3(2) item 10, Art. 3(3) item 6"),
        choices=LEVELS,
        none_label=_("No"),
    ),
    ProfileField(
        "enterprise.district_tax_yuan",
        _("Its annual tax paid to the district treasury"),
        "enterprise",
        _("Art. 3(1) item 17, Art. 3(2) item 11, Art. 3(3) item 7"),
    ),
    ProfileField("enterprise.high_tech", _("Is it a high-tech enterprise?"), "enterprise", _("Art. 3(1) item 17")),
    ProfileField(
        "enterprise.revenue_yuan",
        _("Its annual output or revenue"),
        "enterprise",
        _("Art. 3(1) item 17, Art. 3(2) item 11, Art. 3(3) item 7"),
        _("Counts for a high-tech enterprise."),
    ),
    ProfileField(
        "enterprise.district_investment_yuan",
        _("Its cumulative investment in Baiyun District"),
        "enterprise",
        _("Art. 3(1) item 17, Art. 3(2) item 11, Art. 3(3) item 7"),
    ),
    ProfileField(
        "enterprise.headquarters",
        _("Is it selected as an annual headquarters enterprise?"),
        "enterprise",
        _("Art. 3(1) item 18, Art. 3(2) item 12"),
    ),
    ProfileField(
        "enterprise.committed_tax_yuan",
        _("Total annual tax committed for the year it reaches full production"),
        "enterprise",
        _("Art. 3(1) item 18"),
        _("For an enterprise attracted by investment promotion, as stated in its investment agreement."),
    ),
    ProfileField(
        "enterprise.key_above_scale",
        _("Is it a key above-designated-size enterprise (重点“四上”企业)?"),
        "enterprise",
        _("Art. 3(2) item 12"),
    ),
    ProfileField(
        "enterprise.above_scale",
        _("Is it an above-designated-size enterprise (“四上”企业)?"),
        "enterprise",
        _("Art. 3(2) item 12"),
    ),
    ProfileField(
        "enterprise.economic_contribution_yuan",
        _("Its total economic contribution in the previous year"),
        "enterprise",
        _("Art. 3(2) item 12"),
    ),
    ProfileField(
        "enterprise.on_department_list",
        _(
            "Are you on the talent list provided by the District Development and Reform Bureau, the District "
            "Science, Industry, Commerce and Information Technology Bureau, the District Investment Promotion Bureau "
            "or a like department?"
        ),
        "enterprise",
        _("Art. 3(2) item 12"),
    ),
    ProfileField(
        "enterprise.contest_level",
        _(
            "Has your employer (or your project) won a prize at an innovation and entrepreneurship contest? At "
            "which level?"
        ),
        "enterprise",
        _("Art. 3(2) item 13"),
        choices=LEVELS,
        none_label=_("No"),
    ),
    ProfileField(
        "enterprise.contest_place",
        _("Which prize did it win?"),
        "enterprise",
        _("Art. 3(2) item 13"),
        choices=(("1", _("First prize")), ("2", _("Second prize")), ("3", _("Third prize"))),
        none_label=_("No prize, or below third prize"),
    ),
    ProfileField(
        "enterprise.founded_on",
        _("When was the enterprise you founded in Baiyun District established?"),
        "founder",
        _("Art. 3(3) item 2"),
        _("As on its business licence."),
    ),
    ProfileField(
        "enterprise.founder_largest_shareholder",
        _("Are you its main founder and its largest shareholder or largest individual shareholder?"),
        "founder",
        _("Art. 3(3) item 2"),
    ),
    ProfileField(
        "enterprise.core_technology_stage",
        _("Does its product have core technology at the pilot or industrialisation stage?"),
        "founder",
        _("Art. 3(3) item 2"),
        choices=(("pilot", _("Pilot stage")), ("industrialization", _("Industrialisation stage"))),
        none_label=_("Neither"),
    ),
    ProfileField(
        "case_by_case",
        _("Do you ask to be considered case by case for your contribution to Baiyun District (一事一议)?"),
        "other",
        _("Art. 3(4)"),
        _("For talent the district needs whom no criterion covers; the leading group decides."),
    ),
)

_BY_PATH = {field.path: field for field in REGISTRY}

# Honours as the applicant would look for them; a code the catalogue adds later lands in "Other honours".
HONOUR_GROUPS: tuple[tuple[str, Text, tuple[str, ...]], ...] = (
    (
        "programmes",
        _("Academicians, talent programmes and talent cards"),
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
            "guangdong_youyue_card",
            "guangzhou_talent_green_card",
        ),
    ),
    (
        "titles",
        _("Professional titles and foreign talent"),
        ("senior_professional_title", "foreign_expert_certificate", "work_permit_a", "work_permit_b"),
    ),
    (
        "awards",
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


def profile_field(path: str) -> ProfileField:
    """The registry entry of one profile path."""
    return _BY_PATH[path]


def choice_label(path: str, value: Any) -> Text:
    """The label of one value of a choice field; the none label for null."""
    field = _BY_PATH[path]
    if value in (None, ""):
        return field.none_label
    return dict(field.choices).get(str(value), str(value))


def field_description_en(path: str) -> str:
    """The field's label and article in English, for the API document (money in yuan, as the API counts it)."""
    field = _BY_PATH[path]
    with translation.override("en"):
        unit = " In yuan." if field.kind == MONEY else ""
        return f"{field.label} ({field.article}).{unit}"
