"""Policy versions as data: each file or stored text is read against the schema (eligibility/schema.py), its
predicates compiled (eligibility/predicates.py) and its cross-references checked; versions make up a catalogue.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from eligibility.policyfile import CatalogueError, Problem, SourceMap, policy_text_parse
from eligibility.predicates import COMPANY_AGE, FOUNDED_ON, Predicate, Test

if TYPE_CHECKING:
    from eligibility.schema import PolicySpec

__all__ = [
    "CASE_BY_CASE_PREFIX",
    "COMPANY_AGE",
    "FOUNDED_ON",
    "POLICY_DIRECTORY",
    "Benefit",
    "Blocker",
    "Catalogue",
    "CatalogueError",
    "Consultation",
    "Criterion",
    "EvidenceItem",
    "Explanation",
    "Honour",
    "Material",
    "Policy",
    "Predicate",
    "Tier",
    "catalogue_build",
    "catalogue_default",
    "catalogue_load",
    "policy_parse",
    "policy_read",
]

POLICY_DIRECTORY = Path(__file__).resolve().parent / "policies"

# Spec "Criterion codes": D/G/S by tier, X for the case-by-case route of 第三条（四）.
CASE_BY_CASE_PREFIX = "X"


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
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Consultation:
    """申领指南 八: an office answering questions, with its phone."""

    zh: str
    en: str
    phone: str


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
    # 申领指南 五（二）1: the certificate of the honour that is held, e.g. the 特殊津贴证书 for D02's allowance.
    honour_evidence: Mapping[str, tuple[str, ...]]


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
    source: str
    spec: PolicySpec
    title_zh: str
    title_en: str
    document_number: str
    issued_by_zh: str
    issued_by_en: str
    issued_on: date
    validity_years: int
    in_force_from: date
    in_force_until: date
    consultation: tuple[Consultation, ...]
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
    # Where in_force_from is written, so that an overlap names the line.
    start_line: int | None = None

    def in_force_on(self, on_date: date) -> bool:
        """第九条: both ends of the validity are days in force."""
        return self.in_force_from <= on_date <= self.in_force_until

    @property
    def honour_codes(self) -> frozenset[str]:
        """Every honour code this version knows."""
        return frozenset(honour.code for honour in self.honours)


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

    def policy_named(self, code: str | None) -> Policy | None:
        """The version with this code, if the catalogue has it."""
        return next((policy for policy in self.policies if policy.code == code), None)

    def policy_latest(self, on_date: date) -> Policy | None:
        """The version in force on on_date, else the one that lapsed last before it (its words still apply)."""
        chosen = None
        for policy in self.policies:
            if policy.in_force_from <= on_date:
                chosen = policy
        return chosen

    def out_of_force_blocker(self, on_date: date) -> Blocker:
        """E04 as worded by the version that lapsed last before on_date, else by the earliest one."""
        chosen = self.policies[0]
        for policy in self.policies:
            if policy.in_force_until < on_date:
                chosen = policy
        return chosen.out_of_force_blocker


def _explanation(code: str, zh: str, en: str, citation_zh: str, citation_en: str) -> Explanation:
    """The sentence shown to applicants and reviewers: the rule and where it is written."""
    return Explanation(code=code, zh=f"{zh}（{citation_zh}）", en=f"{en} ({citation_en})")


class _Checker:
    """Cross-references of one policy: codes unique and known, each honour used once, each tier with criteria."""

    def __init__(self, sources: SourceMap) -> None:
        self.sources = sources

    def unique(self, codes: Iterable[object], section: str) -> None:
        """No code twice in one list."""
        seen: set[object] = set()
        for index, code in enumerate(codes):
            if code in seen:
                raise self.sources.error((section, index, "code"), _("duplicate code “%(code)s”"), code=code)
            seen.add(code)

    def known(self, codes: Iterable[object], known: Iterable[object], location: tuple, message) -> None:
        """Every code of the list exists."""
        known = set(known)
        for index, code in enumerate(codes):
            if code not in known:
                raise self.sources.error((*location, index), message, code=code)


def _honour_evidence_check(check: _Checker, spec: PolicySpec, evidence_codes: set[str]) -> None:
    for index, honour in enumerate(spec.honours):
        check.known(
            honour.evidence, evidence_codes, ("honours", index, "evidence"), _("unknown evidence code “%(code)s”")
        )


def policy_compile(spec: PolicySpec, *, sources: SourceMap) -> Policy:
    """The engine's view of a validated file: predicates compiled, cross-references checked, lookups built."""
    from eligibility.predicates import predicate_compile

    check = _Checker(sources)
    benefits = {item.number: Benefit(number=item.number, zh=item.zh, en=item.en) for item in spec.benefits}
    seen_numbers: set[int] = set()
    for index, item in enumerate(spec.benefits):
        if item.number in seen_numbers:
            raise sources.error(
                ("benefits", index, "number"), _("duplicate benefit number %(number)s"), number=item.number
            )
        seen_numbers.add(item.number)

    check.unique((tier.code for tier in spec.tiers), "tiers")
    tiers: dict[str, Tier] = {}
    prefixes: set[str] = set()
    for index, item in enumerate(spec.tiers):
        if item.prefix in prefixes:
            raise sources.error(("tiers", index, "prefix"), _("duplicate prefix “%(prefix)s”"), prefix=item.prefix)
        prefixes.add(item.prefix)
        check.known(item.benefits, benefits, ("tiers", index, "benefits"), _("unknown benefit %(code)s"))
        if len(set(item.benefits)) != len(item.benefits):
            raise sources.error(("tiers", index, "benefits"), _("a benefit is listed twice"))
        tiers[item.code] = Tier(
            code=item.code, prefix=item.prefix, zh=item.zh, en=item.en, rank=index, benefits=tuple(item.benefits)
        )

    check.unique((material.code for material in spec.basic_materials), "basic_materials")
    materials = {
        item.code: Material(
            code=item.code,
            zh=item.zh,
            en=item.en,
            description_zh=item.description_zh,
            description_en=item.description_en,
        )
        for item in spec.basic_materials
    }
    check.unique((item.code for item in spec.special_evidence), "special_evidence")
    for index, item in enumerate(spec.special_evidence):
        if item.code in materials:
            raise sources.error(("special_evidence", index, "code"), _("duplicate code “%(code)s”"), code=item.code)
    evidence_items = {item.code: EvidenceItem(code=item.code, zh=item.zh, en=item.en) for item in spec.special_evidence}
    evidence_codes = set(evidence_items)

    check.unique((honour.code for honour in spec.honours), "honours")
    _honour_evidence_check(check, spec, evidence_codes)
    honours = {
        item.code: Honour(
            code=item.code,
            zh=item.zh,
            en=item.en,
            matches_nothing=item.matches_nothing,
            evidence=tuple(item.evidence),
        )
        for item in spec.honours
    }

    check.unique((criterion.code for criterion in spec.criteria), "criteria")
    criteria: list[Criterion] = []
    honour_criteria: dict[str, Criterion] = {}
    tier_order = {**{tier.code: tier.rank for tier in tiers.values()}, None: len(tiers)}
    for index, item in enumerate(spec.criteria):
        at = ("criteria", index)
        if item.tier is not None and item.tier not in tiers:
            raise sources.error((*at, "tier"), _("unknown tier “%(code)s”"), code=item.tier)
        expected_prefix = CASE_BY_CASE_PREFIX if item.tier is None else tiers[item.tier].prefix
        if item.code[0] != expected_prefix:
            raise sources.error(
                (*at, "code"),
                _("a criterion of tier %(tier)s must start with %(prefix)s"),
                tier=item.tier,
                prefix=expected_prefix,
            )
        check.known(item.evidence, evidence_codes, (*at, "evidence"), _("unknown evidence code “%(code)s”"))
        when = None
        criterion_honours = tuple(item.honours or ())
        if item.when is not None:
            when = predicate_compile(item.when, location=(*at, "when"), sources=sources, evidence_codes=evidence_codes)
        else:
            check.known(criterion_honours, honours, (*at, "honours"), _("unknown honour “%(code)s”"))
            if len(set(criterion_honours)) != len(criterion_honours):
                raise sources.error((*at, "honours"), _("an honour is listed twice"))
        if not item.evidence and not (criterion_honours and all(honours[code].evidence for code in criterion_honours)):
            raise sources.error(
                (*at, "evidence"), _("a criterion must ask for evidence: list it here, or on each of its honours")
            )
        explanation = _explanation(item.code, item.zh, item.en, item.citation.zh, item.citation.en)
        criterion = Criterion(
            code=item.code,
            tier=item.tier,
            zh=item.zh,
            en=item.en,
            citation_zh=item.citation.zh,
            citation_en=item.citation.en,
            evidence=tuple(item.evidence),
            honours=criterion_honours,
            when=when,
            order=tier_order[item.tier] * 1000 + int(item.code[1:]),
            explanation=explanation,
            test=when.test if when is not None else _honours_test(frozenset(criterion_honours)),
            honour_evidence={code: honours[code].evidence for code in criterion_honours},
        )
        for code in criterion_honours:
            if honours[code].matches_nothing:
                raise sources.error((*at, "honours"), _("“%(code)s” is declared to match nothing"), code=code)
            if code in honour_criteria:
                raise sources.error(
                    (*at, "honours"),
                    _("“%(code)s” already satisfies %(criterion)s"),
                    code=code,
                    criterion=honour_criteria[code].code,
                )
            honour_criteria[code] = criterion
        criteria.append(criterion)
    for index, honour in enumerate(spec.honours):
        if not honour.matches_nothing and honour.code not in honour_criteria:
            raise sources.error(
                ("honours", index, "code"),
                _("honour “%(code)s” satisfies no criterion (mark it matches_nothing)"),
                code=honour.code,
            )
    for index, tier in enumerate(spec.tiers):
        if not any(criterion.tier == tier.code for criterion in criteria):
            raise sources.error(("tiers", index, "code"), _("tier “%(code)s” has no criteria"), code=tier.code)
    criteria.sort(key=operator.attrgetter("order"))

    check.unique((blocker.code for blocker in spec.blockers), "blockers")
    blockers: list[Blocker] = []
    for index, item in enumerate(spec.blockers):
        at = ("blockers", index)
        when = None
        if item.when is not None:
            when = predicate_compile(item.when, location=(*at, "when"), sources=sources, evidence_codes=evidence_codes)
        blockers.append(
            Blocker(
                code=item.code,
                zh=item.zh,
                en=item.en,
                citation_zh=item.citation.zh,
                citation_en=item.citation.en,
                when=when,
                policy_not_in_force=item.policy_not_in_force,
                explanation=_explanation(item.code, item.zh, item.en, item.citation.zh, item.citation.en),
            )
        )
    blockers.sort(key=operator.attrgetter("code"))
    out_of_force = [blocker for blocker in blockers if blocker.policy_not_in_force]
    if len(out_of_force) != 1:
        raise sources.error(("blockers",), _("exactly one blocker must have policy_not_in_force: true (第九条)"))

    return Policy(
        code=spec.code,
        source=sources.source,
        spec=spec,
        title_zh=spec.title.zh,
        title_en=spec.title.en,
        document_number=spec.document_number,
        issued_by_zh=spec.issued_by.zh,
        issued_by_en=spec.issued_by.en,
        issued_on=spec.issued_on,
        validity_years=spec.validity_years,
        in_force_from=spec.in_force_from,
        in_force_until=spec.in_force_until,
        consultation=tuple(Consultation(zh=item.zh, en=item.en, phone=item.phone) for item in spec.consultation),
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
        start_line=sources.line(("in_force_from",)),
    )


def _honours_test(codes: frozenset[str]) -> Test:
    """Holding any one of the criterion's honour codes."""
    return lambda profile: not codes.isdisjoint(profile.honours)


def policy_parse(text: str | bytes, *, source: str) -> Policy:
    """One policy from its YAML text (a file, an upload or a stored version); CatalogueError names every line."""
    spec, sources = policy_text_parse(text, source=source)
    return policy_compile(spec, sources=sources)


def policy_read(path: Path) -> Policy:
    """One shipped policy file; its code is its file name, so that a version is found where its code says."""
    spec, sources = policy_text_parse(path.read_bytes(), source=str(path))
    if spec.code != path.stem:
        raise sources.error(
            ("code",), _("policy code “%(code)s” must match the file name “%(name)s”"), code=spec.code, name=path.name
        )
    return policy_compile(spec, sources=sources)


def catalogue_build(policies: Iterable[Policy]) -> Catalogue:
    """A catalogue of versions, none overlapping in time (第九条: one version in force on any day)."""
    ordered = sorted(policies, key=operator.attrgetter("in_force_from"))
    for earlier, later in itertools.pairwise(ordered):
        if later.in_force_from <= earlier.in_force_until:
            raise CatalogueError(
                later.source,
                [
                    Problem(
                        line=later.start_line,
                        where="in_force_from",
                        message=_("in force from %(start)s, overlapping %(other)s (in force until %(until)s)"),
                        params={"start": later.in_force_from, "other": earlier.code, "until": earlier.in_force_until},
                    )
                ],
            )
    codes = [policy.code for policy in ordered]
    if len(set(codes)) != len(codes):
        duplicate = next(code for code in codes if codes.count(code) > 1)
        raise CatalogueError(duplicate, [Problem(None, "code", _("duplicate code “%(code)s”"), {"code": duplicate})])
    return Catalogue(
        policies=tuple(ordered),
        honour_codes=frozenset(honour.code for policy in ordered for honour in policy.honours),
    )


def catalogue_load(*, directory: Path) -> Catalogue:
    """Load and validate every *.yaml policy in directory."""
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise CatalogueError(str(directory), [Problem(None, "", _("no policy files (*.yaml)"), {})])
    return catalogue_build(policy_read(path) for path in paths)


@functools.cache
def catalogue_default() -> Catalogue:
    """The versions shipped with the code (eligibility/policies/), validated once per process at first use.

    The portal reads the policy through eligibility.selectors, which adds the versions the district published.
    """
    return catalogue_load(directory=POLICY_DIRECTORY)
