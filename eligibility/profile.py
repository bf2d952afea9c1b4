"""The applicant profile of the eligibility contract (spec: "Input profile"): strict parsing and a JSON round-trip."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from eligibility.dates import date_parse_iso

__all__ = [
    "FIELDS",
    "Education",
    "Employer",
    "Enterprise",
    "FieldSpec",
    "Profile",
    "ProfileError",
    "parse_profile",
    "profile_to_dict",
]

BOOL = "bool"
MONEY = "money"
INTEGER = "integer"
CHOICE = "choice"
DATE = "date"

LEVELS = ("national", "provincial", "city")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One leaf of the profile, so that parsing, predicates and the self-check speak of the same fields."""

    path: str
    kind: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Employer:
    """Where the applicant works (第三条, 第七条)."""

    registered_in_district: bool = False
    pays_tax_in_district: bool = False
    institution_in_district: bool = False
    district_fiscal_funded: bool = False


@dataclass(frozen=True, slots=True)
class Education:
    """Degrees and schooling (第三条（二）第6项, （三）第2–3项)."""

    degree: str | None = None
    postgraduate: bool = False
    full_time: bool = False
    university: str | None = None
    bachelor_or_above_overseas: bool = False


@dataclass(frozen=True, slots=True)
class Enterprise:
    """The applicant's enterprise and role in it (第三条（一）第14–18项 and their gold and silver counterparts)."""

    role: str | None = None
    district_tax_yuan: int = 0
    high_tech: bool = False
    revenue_yuan: int = 0
    district_investment_yuan: int = 0
    headquarters: bool = False
    committed_tax_yuan: int = 0
    global500_or_china500: bool = False
    incubator_level: str | None = None
    agri_leader_level: str | None = None
    key_above_scale: bool = False
    above_scale: bool = False
    economic_contribution_yuan: int = 0
    on_department_list: bool = False
    contest_level: str | None = None
    contest_place: int = 0
    founded_on: date | None = None
    founder_largest_shareholder: bool = False
    core_technology_stage: str | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """Facts about one applicant on one date; evaluation is a pure function of this and the catalogue."""

    on_date: date
    case_by_case: bool = False
    retired: bool = False
    employer: Employer = field(default_factory=Employer)
    honours: tuple[str, ...] = ()
    education: Education = field(default_factory=Education)
    enterprise: Enterprise = field(default_factory=Enterprise)


def _specs(section: str, kinds: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, FieldSpec]:
    """Field specs of one section keyed by their name inside it."""
    prefix = f"{section}." if section else ""
    return {name: FieldSpec(f"{prefix}{name}", kind, choices) for name, (kind, choices) in kinds.items()}


_TOP = _specs("", {"case_by_case": (BOOL, ()), "retired": (BOOL, ())})
_EMPLOYER = _specs(
    "employer",
    {
        "registered_in_district": (BOOL, ()),
        "pays_tax_in_district": (BOOL, ()),
        "institution_in_district": (BOOL, ()),
        "district_fiscal_funded": (BOOL, ()),
    },
)
_EDUCATION = _specs(
    "education",
    {
        "degree": (CHOICE, ("doctorate", "master", "bachelor", "none")),
        "postgraduate": (BOOL, ()),
        "full_time": (BOOL, ()),
        "university": (CHOICE, ("double_first_class", "global_top500_overseas", "other")),
        "bachelor_or_above_overseas": (BOOL, ()),
    },
)
_ENTERPRISE = _specs(
    "enterprise",
    {
        "role": (CHOICE, ("principal", "mid_senior_manager", "project_leader", "none")),
        "district_tax_yuan": (MONEY, ()),
        "high_tech": (BOOL, ()),
        "revenue_yuan": (MONEY, ()),
        "district_investment_yuan": (MONEY, ()),
        "headquarters": (BOOL, ()),
        "committed_tax_yuan": (MONEY, ()),
        "global500_or_china500": (BOOL, ()),
        "incubator_level": (CHOICE, LEVELS),
        "agri_leader_level": (CHOICE, LEVELS),
        "key_above_scale": (BOOL, ()),
        "above_scale": (BOOL, ()),
        "economic_contribution_yuan": (MONEY, ()),
        "on_department_list": (BOOL, ()),
        "contest_level": (CHOICE, LEVELS),
        "contest_place": (INTEGER, ()),
        "founded_on": (DATE, ()),
        "founder_largest_shareholder": (BOOL, ()),
        "core_technology_stage": (CHOICE, ("pilot", "industrialization")),
    },
)

FIELDS: Mapping[str, FieldSpec] = {
    spec.path: spec for section in (_TOP, _EMPLOYER, _EDUCATION, _ENTERPRISE) for spec in section.values()
}

_TOP_KEYS = frozenset({"on_date", "honours", "employer", "education", "enterprise", *_TOP})

_MESSAGES: dict[str, tuple[str, str]] = {
    "unknown_field": ("{field}：未知字段", "{field}: unknown field"),
    "unknown_honour": ("{field}：未知的荣誉代码“{value}”", "{field}: unknown honour code '{value}'"),
    "invalid_choice": ("{field}：取值“{value}”不在可选范围内", "{field}: '{value}' is not one of the allowed values"),
    "negative_amount": ("{field}：金额不能为负数", "{field}: an amount cannot be negative"),
    "not_an_integer": ("{field}：应为整数（金额以元计）", "{field}: must be a whole number (amounts in yuan)"),
    "invalid_date": ("{field}：应为有效日期（YYYY-MM-DD）", "{field}: must be a real date (YYYY-MM-DD)"),
    "not_a_boolean": ("{field}：应为 true 或 false", "{field}: must be true or false"),
    "not_an_object": ("{field}：应为对象", "{field}: must be an object"),
    "not_a_list": ("{field}：应为列表", "{field}: must be a list"),
    "not_a_string": ("{field}：应为字符串", "{field}: must be a string"),
}


class ProfileError(ValueError):
    """Invalid profile input: a client error naming the field, never silently ignored (spec: honour codes)."""

    def __init__(self, *, field: str, code: str, value: object = None) -> None:
        zh, en = _MESSAGES[code]
        shown = str(value)[:80]
        self.field = field
        self.code = code
        self.zh = zh.format(field=field, value=shown)
        self.en = en.format(field=field, value=shown)
        super().__init__(self.en)


def _value_parse(spec: FieldSpec, value: object) -> Any:
    """One leaf value, checked against its kind."""
    kind = spec.kind
    if kind == BOOL:
        if value is True or value is False:
            return value
        raise ProfileError(field=spec.path, code="not_a_boolean")
    if kind in (MONEY, INTEGER):
        # bool is an int subclass: refused. JSON has one kind of number (RFC 8259 §6) and JSON Schema counts 403.0 as
        # the integer 403 (the OpenAPI document says "integer"), so a float with no fraction is read as that integer.
        if type(value) is float and math.isfinite(value) and value.is_integer():
            value = int(value)
        if type(value) is not int:
            raise ProfileError(field=spec.path, code="not_an_integer")
        if kind == MONEY and value < 0:
            raise ProfileError(field=spec.path, code="negative_amount")
        return value
    if kind == CHOICE:
        if type(value) is str and value in spec.choices:
            return value
        raise ProfileError(field=spec.path, code="invalid_choice", value=value)
    return _date_value(spec.path, value)


def _date_value(path: str, value: object) -> date:
    """An ISO date string (or a date from a YAML caller)."""
    if type(value) is date:
        return value
    parsed = date_parse_iso(value) if type(value) is str else None
    if parsed is None:
        raise ProfileError(field=path, code="invalid_date", value=value)
    return parsed


def _section_parse(data: object, *, name: str, specs: Mapping[str, FieldSpec], cls: type) -> Any:
    """One nested object of the profile; JSON null reads as "not given"."""
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ProfileError(field=name, code="not_an_object")
    values = {}
    for key, value in data.items():
        spec = specs.get(key) if type(key) is str else None
        if spec is None:
            raise ProfileError(field=f"{name}.{key}", code="unknown_field")
        if value is not None:
            values[key] = _value_parse(spec, value)
    return cls(**values)


def _honours_parse(data: object, *, known: frozenset[str]) -> tuple[str, ...]:
    """Honour codes in first-seen order; an unknown code is refused (spec: "Honour codes")."""
    if data is None:
        return ()
    if type(data) is not list and type(data) is not tuple:
        raise ProfileError(field="honours", code="not_a_list")
    seen: dict[str, None] = {}
    for index, code in enumerate(data):
        if type(code) is not str:
            raise ProfileError(field=f"honours[{index}]", code="not_a_string")
        if code not in known:
            raise ProfileError(field=f"honours[{index}]", code="unknown_honour", value=code)
        seen[code] = None
    return tuple(seen)


def _default_honour_codes() -> frozenset[str]:
    """Honour codes declared by the policy catalogue."""
    # Imported here: the catalogue validates its predicates against this module's FIELDS.
    from eligibility.catalogue import catalogue_default

    return catalogue_default().honour_codes


def parse_profile(data: Mapping[str, object], *, today: date, known_honours: frozenset[str] | None = None) -> Profile:
    """Validate untrusted input into a Profile; on_date defaults to today (the caller's Asia/Shanghai date)."""
    if not isinstance(data, dict):
        raise ProfileError(field="profile", code="not_an_object")
    for key in data:
        if key not in _TOP_KEYS:
            raise ProfileError(field=str(key), code="unknown_field")
    if known_honours is None:
        known_honours = _default_honour_codes()
    raw_on_date = data.get("on_date")
    values: dict[str, Any] = {
        "on_date": today if raw_on_date is None else _date_value("on_date", raw_on_date),
        "employer": _section_parse(data.get("employer"), name="employer", specs=_EMPLOYER, cls=Employer),
        "honours": _honours_parse(data.get("honours"), known=known_honours),
        "education": _section_parse(data.get("education"), name="education", specs=_EDUCATION, cls=Education),
        "enterprise": _section_parse(data.get("enterprise"), name="enterprise", specs=_ENTERPRISE, cls=Enterprise),
    }
    for name, spec in _TOP.items():
        value = data.get(name)
        if value is not None:
            values[name] = _value_parse(spec, value)
    return Profile(**values)


def _section_to_dict(section: object, specs: Mapping[str, FieldSpec]) -> dict[str, object]:
    """One nested object as JSON-ready values."""
    out: dict[str, object] = {}
    for name, spec in specs.items():
        value = getattr(section, name)
        out[name] = value.isoformat() if spec.kind == DATE and value is not None else value
    return out


def profile_to_dict(profile: Profile) -> dict[str, object]:
    """Every field of the profile as JSON-ready data, so that parse_profile(profile_to_dict(p)) == p."""
    return {
        "on_date": profile.on_date.isoformat(),
        "case_by_case": profile.case_by_case,
        "retired": profile.retired,
        "employer": _section_to_dict(profile.employer, _EMPLOYER),
        "honours": list(profile.honours),
        "education": _section_to_dict(profile.education, _EDUCATION),
        "enterprise": _section_to_dict(profile.enterprise, _ENTERPRISE),
    }
