"""Policy versions as data (eligibility/policies/*.yaml): loaded once, validated strictly, predicates compiled."""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from eligibility.dates import date_add_years, date_parse_iso, years_between
from eligibility.profile import BOOL, CHOICE, FIELDS, INTEGER, MONEY, Profile

__all__ = [
    "POLICY_DIRECTORY",
    "Benefit",
    "Blocker",
    "Catalogue",
    "CatalogueError",
    "Criterion",
    "EvidenceItem",
    "Explanation",
    "Honour",
    "Material",
    "Policy",
    "Predicate",
    "Tier",
    "all_policies",
    "catalogue_default",
    "catalogue_load",
    "policy_for",
]

POLICY_DIRECTORY = Path(__file__).resolve().parent / "policies"

Test = Callable[[Profile], bool]

# Spec "Criterion codes": D/G/S by tier, X for the case-by-case route of 第三条（四）.
CASE_BY_CASE_PREFIX = "X"
COMPANY_AGE = "company_age_years"
FOUNDED_ON = "enterprise.founded_on"

_CRITERION_CODE = re.compile(r"[A-Z][0-9]{2}")
_BLOCKER_CODE = re.compile(r"E[0-9]{2}")
_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_POLICY_CODE = re.compile(r"[a-z][a-z0-9-]*")

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
_LOWER = frozenset({"gt", "gte"})
_UPPER = frozenset({"lt", "lte"})
_KIND_OPS: dict[str, frozenset[str]] = {
    BOOL: frozenset({"is"}),
    CHOICE: frozenset({"eq", "in"}),
    MONEY: frozenset({"eq", "in", "gt", "gte", "lt", "lte"}),
    INTEGER: frozenset({"eq", "in", "gt", "gte", "lt", "lte"}),
}
_ALL_OPS = frozenset({"is", "eq", "in", "gt", "gte", "lt", "lte"})


class CatalogueError(Exception):
    """A policy file that cannot be trusted: the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why one criterion holds or one blocker blocks, with its citation."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Benefit:
    """One service of 第四条."""

    number: int
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Tier:
    """A card tier; rank 0 is the highest."""

    code: str
    prefix: str
    zh: str
    en: str
    rank: int
    benefits: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Material:
    """A basic material of 申领指南 五（一）, asked of every applicant."""

    code: str
    zh: str
    en: str
    description_zh: str
    description_en: str


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """Special evidence of 申领指南 五（二）, asked for the criterion claimed."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Honour:
    """A categorical fact the applicant may hold; some are known but satisfy no criterion."""

    code: str
    zh: str
    en: str
    matches_nothing: bool


@dataclass(frozen=True, slots=True, eq=False)
class Predicate:
    """A compiled predicate node: the closure for the hot path, the tree for evidence and the self-check."""

    kind: str
    test: Test
    children: tuple[Predicate, ...] = ()
    field: str | None = None
    bounds: tuple[tuple[str, Any], ...] = ()
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Criterion:
    """One item of 第三条: satisfied by an honour code or by a structured predicate."""

    code: str
    tier: str | None
    zh: str
    en: str
    citation_zh: str
    citation_en: str
    evidence: tuple[str, ...]
    honours: tuple[str, ...]
    when: Predicate | None
    order: int
    explanation: Explanation
    test: Test


@dataclass(frozen=True, slots=True, eq=False)
class Blocker:
    """A reason that rules out every tier (第三条, 第六条（三）, 第七条, 第九条)."""

    code: str
    zh: str
    en: str
    citation_zh: str
    citation_en: str
    when: Predicate | None
    policy_not_in_force: bool
    explanation: Explanation


@dataclass(frozen=True, slots=True, eq=False)
class Policy:
    """One policy version with its validity; lookups are precomputed for evaluation."""

    code: str
    source: Path
    title_zh: str
    title_en: str
    document_number: str
    issued_by_zh: str
    issued_by_en: str
    issued_on: date
    validity_years: int
    in_force_from: date
    in_force_until: date
    benefits: tuple[Benefit, ...]
    tiers: tuple[Tier, ...]
    basic_materials: tuple[Material, ...]
    special_evidence: tuple[EvidenceItem, ...]
    honours: tuple[Honour, ...]
    criteria: tuple[Criterion, ...]
    blockers: tuple[Blocker, ...]
    tier_by_code: Mapping[str, Tier]
    criterion_by_code: Mapping[str, Criterion]
    honour_criteria: Mapping[str, Criterion]
    predicate_criteria: tuple[Criterion, ...]
    condition_blockers: tuple[Blocker, ...]
    out_of_force_blocker: Blocker
    basic_material_codes: tuple[str, ...]

    def in_force_on(self, on_date: date) -> bool:
        """第九条: both ends of the validity are days in force."""
        return self.in_force_from <= on_date <= self.in_force_until


@dataclass(frozen=True, slots=True, eq=False)
class Catalogue:
    """Every policy version, sorted by start of validity, none overlapping."""

    policies: tuple[Policy, ...]
    honour_codes: frozenset[str]

    def policy_for(self, on_date: date) -> Policy | None:
        """The version in force on on_date, if any."""
        for policy in self.policies:
            if policy.in_force_from <= on_date <= policy.in_force_until:
                return policy
        return None

    def out_of_force_blocker(self, on_date: date) -> Blocker:
        """E04 as worded by the version that lapsed last before on_date, else by the earliest one."""
        chosen = self.policies[0]
        for policy in self.policies:
            if policy.in_force_until < on_date:
                chosen = policy
        return chosen.out_of_force_blocker


class _File:
    """Validation context for one policy file: every failure names the file and the place in it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> CatalogueError:
        """The exception to raise, with file and place."""
        place = f"{where}: " if where else ""
        return CatalogueError(f"{self.path}: {place}{problem}")

    def mapping(
        self, value: object, *, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """A mapping with exactly the allowed keys."""
        if not isinstance(value, dict):
            raise self.fail(where, "expected a mapping")
        unknown = [str(key) for key in value if key not in required and key not in optional]
        if unknown:
            raise self.fail(where, f"unknown field(s) {', '.join(sorted(unknown))}")
        missing = [key for key in required if key not in value]
        if missing:
            raise self.fail(where, f"missing field(s) {', '.join(missing)}")
        return value

    def items(self, value: object, *, where: str, allow_empty: bool = False) -> list[Any]:
        """A list (non-empty unless allowed)."""
        if not isinstance(value, list) or (not value and not allow_empty):
            raise self.fail(where, "expected a non-empty list")
        return value

    def text(self, value: object, *, where: str) -> str:
        """A non-empty string."""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "expected non-empty text")
        return value

    def integer(self, value: object, *, where: str) -> int:
        """An integer that is not a boolean."""
        if type(value) is not int:
            raise self.fail(where, f"expected an integer, got {value!r}")
        return value

    def day(self, value: object, *, where: str) -> date:
        """A date, quoted (YYYY-MM-DD) or as YAML reads it."""
        if type(value) is date:
            return value
        parsed = date_parse_iso(value) if isinstance(value, str) else None
        if parsed is None:
            raise self.fail(where, f"expected a date YYYY-MM-DD, got {value!r}")
        return parsed

    def code(self, value: object, *, where: str, pattern: re.Pattern[str], seen: set[str]) -> str:
        """A well-formed code not used before in its list."""
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise self.fail(where, f"bad code {value!r}")
        if value in seen:
            raise self.fail(where, f"duplicate code {value!r}")
        seen.add(value)
        return value

    def codes(self, value: object, *, where: str, known: Mapping[str, object] | set[str], what: str) -> tuple:
        """A non-empty list of distinct codes, each known."""
        listed = self.items(value, where=where)
        for index, code in enumerate(listed):
            if type(code) not in (str, int) or code not in known:
                raise self.fail(f"{where}[{index}]", f"unknown {what} {code!r}")
        if len(set(listed)) != len(listed):
            raise self.fail(where, f"duplicate {what}")
        return tuple(listed)


def _bounds_test(getter: Callable[[Any], Any], bounds: tuple[tuple[str, Any], ...]) -> Test:
    """A closure for numeric bounds, specialised for the one- and two-bound shapes the policy uses."""
    if len(bounds) == 1:
        (op, limit) = bounds[0]
        if op == "gt":
            return lambda profile: getter(profile) > limit
        if op == "gte":
            return lambda profile: getter(profile) >= limit
        if op == "lt":
            return lambda profile: getter(profile) < limit
        return lambda profile: getter(profile) <= limit
    if len(bounds) == 2 and bounds[0][0] == "gte" and bounds[1][0] == "lt":
        low, high = bounds[0][1], bounds[1][1]
        return lambda profile: low <= getter(profile) < high
    checks = tuple((_COMPARE[op], limit) for op, limit in bounds)

    def test(profile: Profile) -> bool:
        value = getter(profile)
        return all(compare(value, limit) for compare, limit in checks)

    return test


def _all_test(tests: tuple[Test, ...]) -> Test:
    """Conjunction, short-circuiting in the order written."""
    if len(tests) == 1:
        return tests[0]
    return lambda profile: all(child(profile) for child in tests)


def _any_test(tests: tuple[Test, ...]) -> Test:
    """Disjunction, short-circuiting in the order written."""
    if len(tests) == 1:
        return tests[0]
    return lambda profile: any(child(profile) for child in tests)


def _age_test(bounds: tuple[tuple[str, Any], ...]) -> Test:
    """Whole years of enterprise.founded_on on on_date within bounds (spec: 成立2年至5年 inclusive)."""
    checks = tuple((_COMPARE[op], limit) for op, limit in bounds)

    def test(profile: Profile) -> bool:
        founded_on = profile.enterprise.founded_on
        if founded_on is None:
            return False
        age = years_between(founded_on, profile.on_date)
        return all(compare(age, limit) for compare, limit in checks)

    return test


def _honours_test(codes: frozenset[str]) -> Test:
    """Holding any one of the criterion's honour codes."""
    return lambda profile: not codes.isdisjoint(profile.honours)


def _bounds_read(file: _File, spec: dict[str, Any], *, where: str) -> tuple[tuple[str, Any], ...]:
    """Numeric bounds: at most one lower and one upper, integers, and some value between them."""
    bounds = []
    for op in ("gt", "gte", "lt", "lte"):
        if op in spec:
            bounds.append((op, file.integer(spec[op], where=f"{where}.{op}")))
    lowers = [bound for bound in bounds if bound[0] in _LOWER]
    uppers = [bound for bound in bounds if bound[0] in _UPPER]
    if len(lowers) > 1 or len(uppers) > 1:
        raise file.fail(where, "at most one lower bound (gt/gte) and one upper bound (lt/lte)")
    if lowers and uppers:
        low = lowers[0][1] + (1 if lowers[0][0] == "gt" else 0)
        high = uppers[0][1] - (1 if uppers[0][0] == "lt" else 0)
        if low > high:
            raise file.fail(where, "bounds admit no value")
    return tuple(lowers + uppers)


def _condition_compile(file: _File, node: dict[str, Any], *, where: str, evidence: tuple) -> Predicate:
    """{field: path, <op>: value, ...}: every op must hold."""
    path = node["field"]
    spec = FIELDS.get(path) if isinstance(path, str) else None
    if spec is None:
        raise file.fail(where, f"unknown field {path!r}")
    ops = [key for key in node if key not in ("field", "evidence")]
    unknown_ops = [str(op) for op in ops if op not in _ALL_OPS]
    if unknown_ops:
        raise file.fail(where, f"unknown operator(s) {', '.join(sorted(unknown_ops))}")
    if not ops:
        raise file.fail(where, "a condition needs an operator")
    allowed = _KIND_OPS.get(spec.kind, frozenset())
    wrong = [op for op in ops if op not in allowed]
    if wrong:
        raise file.fail(where, f"operator(s) {', '.join(sorted(wrong))} do not apply to {spec.kind} field {path}")
    getter = operator.attrgetter(path)

    def value_check(value: object, at: str) -> object:
        if spec.kind == CHOICE and value not in spec.choices:
            raise file.fail(at, f"{value!r} is not a choice of {path} ({', '.join(spec.choices)})")
        if spec.kind in (MONEY, INTEGER):
            file.integer(value, where=at)
        return value

    tests: list[Test] = []
    bound_items: list[tuple[str, Any]] = []
    if "is" in node:
        expected = node["is"]
        if type(expected) is not bool:
            raise file.fail(f"{where}.is", f"expected true or false, got {expected!r}")
        bound_items.append(("is", expected))
        tests.append(lambda profile: getter(profile) is expected)
    if "eq" in node:
        wanted = value_check(node["eq"], f"{where}.eq")
        bound_items.append(("eq", wanted))
        tests.append(lambda profile: getter(profile) == wanted)
    if "in" in node:
        listed = file.items(node["in"], where=f"{where}.in")
        members = frozenset(value_check(value, f"{where}.in[{i}]") for i, value in enumerate(listed))
        bound_items.append(("in", tuple(listed)))
        tests.append(lambda profile: getter(profile) in members)
    bounds = _bounds_read(file, node, where=where)
    if bounds:
        bound_items.extend(bounds)
        tests.append(_bounds_test(getter, bounds))
    return Predicate(
        kind="condition", test=_all_test(tuple(tests)), field=path, bounds=tuple(bound_items), evidence=evidence
    )


def _predicate_compile(file: _File, node: object, *, where: str, evidence_codes: set[str]) -> Predicate:
    """One node of the predicate language into a closure plus its tree."""
    if not isinstance(node, dict):
        raise file.fail(where, "a predicate node must be a mapping")
    heads = [key for key in ("all", "any", "field", COMPANY_AGE) if key in node]
    if len(heads) != 1:
        raise file.fail(where, f"a predicate node needs exactly one of all, any, field, {COMPANY_AGE}")
    evidence = ()
    if "evidence" in node:
        evidence = file.codes(node["evidence"], where=f"{where}.evidence", known=evidence_codes, what="evidence code")
    head = heads[0]
    if head == "field":
        return _condition_compile(file, node, where=where, evidence=evidence)
    file.mapping(node, where=where, required=(head,), optional=("evidence",))
    if head == COMPANY_AGE:
        spec = file.mapping(node[head], where=f"{where}.{head}", required=(), optional=("gt", "gte", "lt", "lte"))
        bounds = _bounds_read(file, spec, where=f"{where}.{head}")
        if not bounds:
            raise file.fail(f"{where}.{head}", "needs at least one bound")
        return Predicate(kind=COMPANY_AGE, test=_age_test(bounds), field=FOUNDED_ON, bounds=bounds, evidence=evidence)
    listed = file.items(node[head], where=f"{where}.{head}")
    children = tuple(
        _predicate_compile(file, child, where=f"{where}.{head}[{i}]", evidence_codes=evidence_codes)
        for i, child in enumerate(listed)
    )
    tests = tuple(child.test for child in children)
    test = _all_test(tests) if head == "all" else _any_test(tests)
    return Predicate(kind=head, test=test, children=children, evidence=evidence)


def _explanation(code: str, zh: str, en: str, citation: dict[str, str]) -> Explanation:
    """The sentence shown to applicants and reviewers: the rule and where it is written."""
    return Explanation(code=code, zh=f"{zh}（{citation['zh']}）", en=f"{en} ({citation['en']})")


def _bilingual(file: _File, value: object, *, where: str) -> dict[str, str]:
    """{zh: ..., en: ...}."""
    pair = file.mapping(value, where=where, required=("zh", "en"))
    return {"zh": file.text(pair["zh"], where=f"{where}.zh"), "en": file.text(pair["en"], where=f"{where}.en")}


_TOP_FIELDS = (
    "code",
    "title",
    "document_number",
    "issued_by",
    "issued_on",
    "validity_years",
    "in_force_from",
    "in_force_until",
    "benefits",
    "tiers",
    "basic_materials",
    "special_evidence",
    "honours",
    "criteria",
    "blockers",
)


def _policy_read(path: Path) -> Policy:
    """Read and validate one policy file."""
    file = _File(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader, C or pure Python
    except yaml.YAMLError as error:
        raise file.fail("", f"not valid YAML: {error}") from error
    top = file.mapping(raw, where="", required=_TOP_FIELDS)
    code = top["code"]
    if not isinstance(code, str) or not _POLICY_CODE.fullmatch(code):
        raise file.fail("code", f"bad policy code {code!r}")
    if code != path.stem:
        raise file.fail("code", f"policy code {code!r} must match the file name {path.name!r}")
    title = _bilingual(file, top["title"], where="title")
    issued_by = _bilingual(file, top["issued_by"], where="issued_by")
    issued_on = file.day(top["issued_on"], where="issued_on")
    validity_years = file.integer(top["validity_years"], where="validity_years")
    in_force_from = file.day(top["in_force_from"], where="in_force_from")
    in_force_until = file.day(top["in_force_until"], where="in_force_until")
    if validity_years <= 0:
        raise file.fail("validity_years", "must be positive")
    if issued_on > in_force_from:
        raise file.fail("in_force_from", "a policy cannot be in force before it is issued")
    # 第九条 and the spec's reading of periods in years: the validity ends on the corresponding day.
    if in_force_until != date_add_years(in_force_from, years=validity_years):
        raise file.fail(
            "in_force_until",
            f"{in_force_until} is not {validity_years} years after {in_force_from} "
            f"({date_add_years(in_force_from, years=validity_years)})",
        )

    benefits: dict[int, Benefit] = {}
    for index, entry in enumerate(file.items(top["benefits"], where="benefits")):
        where = f"benefits[{index}]"
        item = file.mapping(entry, where=where, required=("number", "zh", "en"))
        number = file.integer(item["number"], where=f"{where}.number")
        if number in benefits:
            raise file.fail(where, f"duplicate benefit number {number}")
        benefits[number] = Benefit(
            number=number, zh=file.text(item["zh"], where=f"{where}.zh"), en=file.text(item["en"], where=f"{where}.en")
        )

    tiers: dict[str, Tier] = {}
    prefixes: set[str] = set()
    for index, entry in enumerate(file.items(top["tiers"], where="tiers")):
        where = f"tiers[{index}]"
        item = file.mapping(entry, where=where, required=("code", "prefix", "zh", "en", "benefits"))
        tier_code = file.code(item["code"], where=f"{where}.code", pattern=_SLUG, seen=set(tiers))
        prefix = item["prefix"]
        if (
            not isinstance(prefix, str)
            or len(prefix) != 1
            or not prefix.isupper()
            or prefix in prefixes
            or prefix == CASE_BY_CASE_PREFIX
        ):
            raise file.fail(f"{where}.prefix", f"bad or duplicate prefix {prefix!r}")
        prefixes.add(prefix)
        tiers[tier_code] = Tier(
            code=tier_code,
            prefix=prefix,
            zh=file.text(item["zh"], where=f"{where}.zh"),
            en=file.text(item["en"], where=f"{where}.en"),
            rank=index,
            benefits=file.codes(item["benefits"], where=f"{where}.benefits", known=benefits, what="benefit"),
        )

    materials: dict[str, Material] = {}
    for index, entry in enumerate(file.items(top["basic_materials"], where="basic_materials")):
        where = f"basic_materials[{index}]"
        item = file.mapping(entry, where=where, required=("code", "zh", "en", "description_zh", "description_en"))
        material_code = file.code(item["code"], where=f"{where}.code", pattern=_SLUG, seen=set(materials))
        materials[material_code] = Material(
            code=material_code,
            **{key: file.text(item[key], where=f"{where}.{key}") for key in item if key != "code"},
        )

    evidence_items: dict[str, EvidenceItem] = {}
    for index, entry in enumerate(file.items(top["special_evidence"], where="special_evidence")):
        where = f"special_evidence[{index}]"
        item = file.mapping(entry, where=where, required=("code", "zh", "en"))
        evidence_code = file.code(
            item["code"], where=f"{where}.code", pattern=_SLUG, seen=set(evidence_items) | set(materials)
        )
        evidence_items[evidence_code] = EvidenceItem(
            code=evidence_code,
            zh=file.text(item["zh"], where=f"{where}.zh"),
            en=file.text(item["en"], where=f"{where}.en"),
        )
    evidence_codes = set(evidence_items)

    honours: dict[str, Honour] = {}
    for index, entry in enumerate(file.items(top["honours"], where="honours")):
        where = f"honours[{index}]"
        item = file.mapping(entry, where=where, required=("code", "zh", "en"), optional=("matches_nothing",))
        honour_code = file.code(item["code"], where=f"{where}.code", pattern=_SLUG, seen=set(honours))
        matches_nothing = item.get("matches_nothing", False)
        if type(matches_nothing) is not bool:
            raise file.fail(f"{where}.matches_nothing", "expected true or false")
        honours[honour_code] = Honour(
            code=honour_code,
            zh=file.text(item["zh"], where=f"{where}.zh"),
            en=file.text(item["en"], where=f"{where}.en"),
            matches_nothing=matches_nothing,
        )

    criteria: list[Criterion] = []
    criterion_codes: set[str] = set()
    honour_criteria: dict[str, Criterion] = {}
    tier_order = {**{tier.code: tier.rank for tier in tiers.values()}, None: len(tiers)}
    for index, entry in enumerate(file.items(top["criteria"], where="criteria")):
        where = f"criteria[{index}]"
        item = file.mapping(
            entry,
            where=where,
            required=("code", "tier", "zh", "en", "citation", "evidence"),
            optional=("honours", "when"),
        )
        criterion_code = file.code(item["code"], where=f"{where}.code", pattern=_CRITERION_CODE, seen=criterion_codes)
        where = f"{where} ({criterion_code})"
        tier_code = item["tier"]
        if tier_code is not None and tier_code not in tiers:
            raise file.fail(f"{where}.tier", f"unknown tier {tier_code!r}")
        expected_prefix = CASE_BY_CASE_PREFIX if tier_code is None else tiers[tier_code].prefix
        if criterion_code[0] != expected_prefix:
            raise file.fail(f"{where}.code", f"a criterion of tier {tier_code} must start with {expected_prefix}")
        if ("honours" in item) == ("when" in item):
            raise file.fail(where, "a criterion needs exactly one of honours or when")
        citation = _bilingual(file, item["citation"], where=f"{where}.citation")
        zh = file.text(item["zh"], where=f"{where}.zh")
        en = file.text(item["en"], where=f"{where}.en")
        when = None
        criterion_honours: tuple[str, ...] = ()
        if "when" in item:
            when = _predicate_compile(file, item["when"], where=f"{where}.when", evidence_codes=evidence_codes)
        else:
            criterion_honours = file.codes(item["honours"], where=f"{where}.honours", known=honours, what="honour")
        criterion = Criterion(
            code=criterion_code,
            tier=tier_code,
            zh=zh,
            en=en,
            citation_zh=citation["zh"],
            citation_en=citation["en"],
            evidence=file.codes(
                item["evidence"], where=f"{where}.evidence", known=evidence_codes, what="evidence code"
            ),
            honours=criterion_honours,
            when=when,
            order=tier_order[tier_code] * 1000 + int(criterion_code[1:]),
            explanation=_explanation(criterion_code, zh, en, citation),
            test=when.test if when is not None else _honours_test(frozenset(criterion_honours)),
        )
        for honour_code in criterion_honours:
            if honours[honour_code].matches_nothing:
                raise file.fail(f"{where}.honours", f"{honour_code!r} is declared to match nothing")
            if honour_code in honour_criteria:
                raise file.fail(
                    f"{where}.honours", f"{honour_code!r} already satisfies {honour_criteria[honour_code].code}"
                )
            honour_criteria[honour_code] = criterion
        criteria.append(criterion)
    for honour in honours.values():
        if not honour.matches_nothing and honour.code not in honour_criteria:
            raise file.fail("honours", f"honour {honour.code!r} satisfies no criterion (mark it matches_nothing)")
    criteria.sort(key=operator.attrgetter("order"))

    blockers: list[Blocker] = []
    blocker_codes: set[str] = set()
    for index, entry in enumerate(file.items(top["blockers"], where="blockers")):
        where = f"blockers[{index}]"
        item = file.mapping(
            entry, where=where, required=("code", "zh", "en", "citation"), optional=("when", "policy_not_in_force")
        )
        blocker_code = file.code(item["code"], where=f"{where}.code", pattern=_BLOCKER_CODE, seen=blocker_codes)
        not_in_force = item.get("policy_not_in_force", False)
        if not_in_force is not True and not_in_force is not False:
            raise file.fail(f"{where}.policy_not_in_force", "expected true or false")
        if ("when" in item) == not_in_force:
            raise file.fail(where, "a blocker needs exactly one of when or policy_not_in_force: true")
        citation = _bilingual(file, item["citation"], where=f"{where}.citation")
        zh = file.text(item["zh"], where=f"{where}.zh")
        en = file.text(item["en"], where=f"{where}.en")
        when = None
        if "when" in item:
            when = _predicate_compile(file, item["when"], where=f"{where}.when", evidence_codes=evidence_codes)
        blockers.append(
            Blocker(
                code=blocker_code,
                zh=zh,
                en=en,
                citation_zh=citation["zh"],
                citation_en=citation["en"],
                when=when,
                policy_not_in_force=not_in_force,
                explanation=_explanation(blocker_code, zh, en, citation),
            )
        )
    blockers.sort(key=operator.attrgetter("code"))
    out_of_force = [blocker for blocker in blockers if blocker.policy_not_in_force]
    if len(out_of_force) != 1:
        raise file.fail("blockers", "exactly one blocker must have policy_not_in_force: true (第九条)")

    return Policy(
        code=code,
        source=path,
        title_zh=title["zh"],
        title_en=title["en"],
        document_number=file.text(top["document_number"], where="document_number"),
        issued_by_zh=issued_by["zh"],
        issued_by_en=issued_by["en"],
        issued_on=issued_on,
        validity_years=validity_years,
        in_force_from=in_force_from,
        in_force_until=in_force_until,
        benefits=tuple(benefits.values()),
        tiers=tuple(tiers.values()),
        basic_materials=tuple(materials.values()),
        special_evidence=tuple(evidence_items.values()),
        honours=tuple(honours.values()),
        criteria=tuple(criteria),
        blockers=tuple(blockers),
        tier_by_code=tiers,
        criterion_by_code={criterion.code: criterion for criterion in criteria},
        honour_criteria=honour_criteria,
        predicate_criteria=tuple(criterion for criterion in criteria if criterion.when is not None),
        condition_blockers=tuple(blocker for blocker in blockers if blocker.when is not None),
        out_of_force_blocker=out_of_force[0],
        basic_material_codes=tuple(materials),
    )


def catalogue_load(*, directory: Path) -> Catalogue:
    """Load and validate every *.yaml policy in directory; versions may not overlap in time (第九条)."""
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise CatalogueError(f"{directory}: no policy files (*.yaml)")
    policies = sorted((_policy_read(path) for path in paths), key=operator.attrgetter("in_force_from"))
    for earlier, later in itertools.pairwise(policies):
        if later.in_force_from <= earlier.in_force_until:
            raise CatalogueError(
                f"{later.source}: in force from {later.in_force_from}, overlapping {earlier.source} "
                f"(in force until {earlier.in_force_until})"
            )
    return Catalogue(
        policies=tuple(policies),
        honour_codes=frozenset(honour.code for policy in policies for honour in policy.honours),
    )


@functools.cache
def catalogue_default() -> Catalogue:
    """The shipped catalogue, validated once per process at first use."""
    return catalogue_load(directory=POLICY_DIRECTORY)


def policy_for(on_date: date, *, catalogue: Catalogue | None = None) -> Policy | None:
    """The policy version in force on on_date (第九条), or None."""
    return (catalogue or catalogue_default()).policy_for(on_date)


def all_policies(*, catalogue: Catalogue | None = None) -> tuple[Policy, ...]:
    """Every policy version, oldest first."""
    return (catalogue or catalogue_default()).policies
