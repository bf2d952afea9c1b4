"""The roster's columns, one place: each profile field (../shared/spec/eligibility.md "Input profile") with its heading
in Chinese and English, its kind, its allowed values and an example; the template, the reader and the correction form
are all built from this table.

`enterprise.on_department_list` is no column: the industry departments' lists say it (rosters.lists), not the employer.
`case_by_case` is none either: 一事一议 is the talent office's decision (第三条（四）).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from eligibility.profile import BOOL, CHOICE, DATE, FIELDS, INTEGER, MONEY

TEXT = "text"
IDENTITY = "identity"
MOBILE = "mobile"
EMAIL = "email"
HONOURS = "honours"
# Fields of the person, not of the eligibility profile.
PERSON = "person"

YES, NO = "是", "否"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the roster: where its value goes, how it is headed and written, and an example."""

    key: str
    zh: str
    en: str
    kind: str
    example: object
    # Stored value → the words written in the cell (Chinese) and shown in English.
    choices: tuple[tuple[str, str, str], ...] = ()
    required: bool = False

    @property
    def is_profile(self) -> bool:
        return self.key in FIELDS or self.key == HONOURS

    def heading(self, *, english: bool) -> str:
        return self.en if english else self.zh

    def choice_words(self) -> tuple[str, ...]:
        return tuple(zh for _, zh, _ in self.choices)


_LEVELS = (("national", "国家级", "National"), ("provincial", "省级", "Provincial"), ("city", "市级", "City"))

COLUMNS: tuple[Column, ...] = (
    Column("full_name", "姓名", "Full name", TEXT, "李明", required=True),
    Column("document_number", "居民身份证号码", "Resident ID number", IDENTITY, "440111199001011234", required=True),
    Column("mobile", "手机号码", "Mobile phone", MOBILE, "13800138000"),
    Column("email", "电子邮箱", "E-mail", EMAIL, "liming@example.com"),
    Column("job_title", "职务", "Position", TEXT, "研发总监"),
    Column("retired", "是否已退休", "Retired", BOOL, NO),
    Column("employer.registered_in_district", "单位在白云区注册", "Employer registered in Baiyun", BOOL, YES),
    Column("employer.pays_tax_in_district", "单位在白云区纳税", "Employer pays tax in Baiyun", BOOL, YES),
    Column(
        "employer.institution_in_district",
        "区内教学、医疗、科研机构",
        "Teaching, medical or research institution in the district",
        BOOL,
        NO,
    ),
    Column(
        "employer.district_fiscal_funded",
        "享受区财政拨款人员",
        "Paid from the district budget",
        BOOL,
        NO,
    ),
    Column(
        "education.degree",
        "最高学位",
        "Highest degree",
        CHOICE,
        "博士",
        choices=(
            ("doctorate", "博士", "Doctorate"),
            ("master", "硕士", "Master's degree"),
            ("bachelor", "学士", "Bachelor's degree"),
            ("none", "无", "None"),
        ),
    ),
    Column("education.postgraduate", "研究生学历", "Postgraduate education", BOOL, YES),
    Column("education.full_time", "全日制", "Full-time study", BOOL, YES),
    Column(
        "education.university",
        "毕业院校类别",
        "University of the highest degree",
        CHOICE,
        "双一流高校",
        choices=(
            ("double_first_class", "双一流高校", "Double First-Class university"),
            ("global_top500_overseas", "世界排名前500境外高校", "Overseas university in the world top 500"),
            ("other", "其他", "Other"),
        ),
    ),
    Column(
        "education.bachelor_or_above_overseas", "境外本科及以上学历", "Bachelor's or above obtained abroad", BOOL, NO
    ),
    Column(
        "honours", "荣誉（代码，以分号分隔）", "Honours (codes, separated by ;)", HONOURS, "senior_professional_title"
    ),
    Column(
        "enterprise.role",
        "在企业中的角色",
        "Role in the enterprise",
        CHOICE,
        "中高层管理人员",
        choices=(
            ("principal", "主要负责人", "Principal"),
            ("mid_senior_manager", "中高层管理人员", "Middle or senior manager"),
            ("project_leader", "项目负责人", "Project leader"),
            ("none", "无", "None"),
        ),
    ),
    Column("enterprise.district_tax_yuan", "企业区内纳税额（元）", "Enterprise's district tax (yuan)", MONEY, 0),
    Column("enterprise.high_tech", "高新技术企业", "High-tech enterprise", BOOL, NO),
    Column("enterprise.revenue_yuan", "企业营业收入（元）", "Enterprise's revenue (yuan)", MONEY, 0),
    Column(
        "enterprise.district_investment_yuan",
        "企业区内投资额（元）",
        "Enterprise's district investment (yuan)",
        MONEY,
        0,
    ),
    Column("enterprise.headquarters", "总部企业", "Headquarters enterprise", BOOL, NO),
    Column("enterprise.committed_tax_yuan", "承诺纳税额（元）", "Committed tax (yuan)", MONEY, 0),
    Column("enterprise.global500_or_china500", "世界500强或中国500强", "Global 500 or China 500", BOOL, NO),
    Column("enterprise.incubator_level", "孵化器级别", "Incubator level", CHOICE, "", choices=_LEVELS),
    Column(
        "enterprise.agri_leader_level",
        "农业龙头企业级别",
        "Leading agricultural enterprise level",
        CHOICE,
        "",
        choices=_LEVELS,
    ),
    Column("enterprise.key_above_scale", "重点四上企业", "Key enterprise above designated size", BOOL, YES),
    Column("enterprise.above_scale", "四上企业", "Enterprise above designated size", BOOL, YES),
    Column(
        "enterprise.economic_contribution_yuan",
        "企业上年度经济贡献（元）",
        "Enterprise's economic contribution last year (yuan)",
        MONEY,
        500000,
    ),
    Column("enterprise.contest_level", "创新创业大赛级别", "Contest level", CHOICE, "", choices=_LEVELS),
    Column("enterprise.contest_place", "大赛名次（1、2或3）", "Contest prize (1, 2 or 3)", INTEGER, ""),
    Column("enterprise.founded_on", "企业成立日期", "Enterprise founded on", DATE, date(2022, 5, 1)),
    Column(
        "enterprise.founder_largest_shareholder",
        "主要创办人且为第一大股东",
        "Main founder and largest shareholder",
        BOOL,
        NO,
    ),
    Column(
        "enterprise.core_technology_stage",
        "核心技术阶段",
        "Stage of the core technology",
        CHOICE,
        "",
        choices=(("pilot", "中试", "Pilot production"), ("industrialization", "产业化", "Industrialisation")),
    ),
)

COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HEADINGS = tuple(column.zh for column in COLUMNS)
SHEET_NAME = "花名册"
GUIDE_SHEET_NAME = "填写说明"
# The profile fields the roster does not ask: the departments' lists and the office decide them.
NOT_ASKED = frozenset({"case_by_case", "enterprise.on_department_list"})


def _check() -> None:
    """Every profile field is a column or deliberately not asked, and each column's kind is its field's kind."""
    keys = {column.key for column in COLUMNS if column.key in FIELDS}
    missing = set(FIELDS) - keys - NOT_ASKED
    if missing:
        raise ImportError(f"profile fields without a roster column: {sorted(missing)}")
    for column in COLUMNS:
        spec = FIELDS.get(column.key)
        if spec is not None and spec.kind != column.kind:
            raise ImportError(f"{column.key}: the column is {column.kind}, the field {spec.kind}")
        if spec is not None and spec.kind == CHOICE and {value for value, _, _ in column.choices} != set(spec.choices):
            raise ImportError(f"{column.key}: the column's choices are not the field's")


_check()
# Kinds a roster cell may have (the profile's, and the person's).
KINDS = frozenset({TEXT, IDENTITY, MOBILE, EMAIL, HONOURS, BOOL, MONEY, INTEGER, CHOICE, DATE})
