"""Evaluate a profile against the policy in force (spec: "Output"): pure, deterministic, no database."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from eligibility.catalogue import (
    CASE_BY_CASE_PREFIX,
    Blocker,
    Catalogue,
    Criterion,
    Explanation,
    Policy,
    catalogue_default,
)
from eligibility.predicates import COMPANY_AGE, CONDITION, Predicate
from eligibility.profile import FIELDS, Profile, ProfileError, parse_profile

__all__ = [
    "Result",
    "Unlock",
    "Unlockable",
    "evaluate",
    "evaluate_data",
    "evaluate_under",
    "result_to_dict",
    "unlockable",
    "unlockable_to_dict",
]

_ORDER = operator.attrgetter("order")


@dataclass(frozen=True, slots=True)
class Result:
    """The engine's answer in the vocabulary of the spec."""

    policy: str | None
    on_date: date
    eligible: bool
    tier: str | None
    criteria: tuple[str, ...]
    case_by_case: bool
    blockers: tuple[str, ...]
    benefits: tuple[int, ...]
    evidence: tuple[str, ...]
    explanation: tuple[Explanation, ...]


def _evidence_collect(node: Predicate, profile: Profile, out: list[str]) -> None:
    """Evidence of every branch of node that holds for profile."""
    out.extend(node.evidence)
    for child in node.children:
        if child.test(profile):
            _evidence_collect(child, profile, out)


def _criterion_evidence(criterion: Criterion, profile: Profile) -> list[str]:
    """The special evidence proving criterion for this profile (申领指南 五（二）1)."""
    out = list(criterion.evidence)
    if criterion.when is not None:
        _evidence_collect(criterion.when, profile, out)
    else:
        for honour in criterion.honours:
            if honour in profile.honours:
                out.extend(criterion.honour_evidence[honour])
    return out


def _blocked(policy: str | None, on_date: date, blockers: list[Blocker]) -> Result:
    """Blockers win over every criterion, X01 included."""
    return Result(
        policy=policy,
        on_date=on_date,
        eligible=False,
        tier=None,
        criteria=(),
        case_by_case=False,
        blockers=tuple(blocker.code for blocker in blockers),
        benefits=(),
        evidence=(),
        explanation=tuple(blocker.explanation for blocker in blockers),
    )


def _matched(policy: Policy, profile: Profile) -> list[Criterion]:
    """Every criterion that holds, in output order (D.., G.., S.., X01)."""
    matched = [criterion for criterion in policy.predicate_criteria if criterion.test(profile)]
    honour_criteria = policy.honour_criteria
    for honour in profile.honours:
        criterion = honour_criteria.get(honour)
        if criterion is not None and criterion not in matched:
            matched.append(criterion)
    matched.sort(key=_ORDER)
    return matched


def evaluate(profile: Profile, *, catalogue: Catalogue | None = None) -> Result:
    """Which card the profile earns on its on_date, why, and what must be uploaded to prove it."""
    catalogue = catalogue or catalogue_default()
    policy = catalogue.policy_for(profile.on_date)
    if policy is None:
        # 第九条: outside every version's validity nothing can be granted.
        return _blocked(None, profile.on_date, [catalogue.out_of_force_blocker(profile.on_date)])
    return evaluate_under(profile, policy=policy)


def evaluate_under(profile: Profile, *, policy: Policy) -> Result:
    """The profile judged by one given version whatever its dates: a stored evaluation's version, or a draft's."""
    on_date = profile.on_date
    blockers = [blocker for blocker in policy.condition_blockers if blocker.when.test(profile)]
    if blockers:
        return _blocked(policy.code, on_date, blockers)
    matched = _matched(policy, profile)
    if not matched:
        return Result(
            policy=policy.code,
            on_date=on_date,
            eligible=False,
            tier=None,
            criteria=(),
            case_by_case=False,
            blockers=(),
            benefits=(),
            evidence=(),
            explanation=(),
        )
    # Sorted by tier rank, so the first criterion carries the highest tier; X01 (no tier) sorts last.
    tier_code = matched[0].tier
    evidence = list(policy.basic_material_codes)
    for criterion in matched:
        if criterion.tier == tier_code:
            evidence.extend(_criterion_evidence(criterion, profile))
    return Result(
        policy=policy.code,
        on_date=on_date,
        eligible=True,
        tier=tier_code,
        criteria=tuple(criterion.code for criterion in matched),
        case_by_case=tier_code is None,
        blockers=(),
        benefits=() if tier_code is None else policy.tier_by_code[tier_code].benefits,
        evidence=tuple(dict.fromkeys(evidence)),
        explanation=tuple(criterion.explanation for criterion in matched),
    )


def result_to_dict(result: Result) -> dict[str, object]:
    """The JSON shape of the spec's "Output"."""
    return {
        "policy": result.policy,
        "on_date": result.on_date.isoformat(),
        "eligible": result.eligible,
        "tier": result.tier,
        "criteria": list(result.criteria),
        "case_by_case": result.case_by_case,
        "blockers": list(result.blockers),
        "benefits": list(result.benefits),
        "evidence": list(result.evidence),
        "explanation": [{"code": item.code, "zh": item.zh, "en": item.en} for item in result.explanation],
    }


def evaluate_data(data: Mapping[str, object], *, today: date, catalogue: Catalogue | None = None) -> dict[str, object]:
    """Untrusted JSON in, the spec's JSON out; raises ProfileError on invalid input (a client error)."""
    catalogue = catalogue or catalogue_default()
    profile = parse_profile(data, today=today, known_honours=catalogue.honour_codes)
    return result_to_dict(evaluate(profile, catalogue=catalogue))


@dataclass(frozen=True, slots=True)
class Unlock:
    """A criterion above the current tier that an answer marked 不确定 could still satisfy."""

    code: str
    tier: str
    needs: tuple[str, ...]
    evidence: tuple[str, ...]
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Unlockable:
    """The self-check's view of unknown answers: what they could still unlock, and what could still block."""

    tier: str | None
    unlocks: tuple[Unlock, ...]
    by_field: Mapping[str, str]
    blockers: tuple[str, ...]
    possible_blockers: tuple[str, ...]


HONOURS = "honours"


def _node_maybe(node: Predicate, profile: Profile, unknown: frozenset[str]) -> tuple[bool | None, frozenset[str]]:
    """Three-valued truth of node (None: depends on an unknown answer) and the unknown answers it hinges on."""
    if node.kind == CONDITION or node.kind == COMPANY_AGE:
        if node.field in unknown:
            return None, frozenset({node.field})
        return node.test(profile), frozenset()
    results = [_node_maybe(child, profile, unknown) for child in node.children]
    decisive = node.kind == "any"
    if any(value is decisive for value, _ in results):
        return decisive, frozenset()
    needs = frozenset().union(*(hinges for value, hinges in results if value is None))
    if needs:
        return None, needs
    return not decisive, frozenset()


def _maybe_evidence(node: Predicate, profile: Profile, unknown: frozenset[str], out: list[str]) -> None:
    """Evidence of every branch that holds or could hold."""
    out.extend(node.evidence)
    for child in node.children:
        if _node_maybe(child, profile, unknown)[0] is not False:
            _maybe_evidence(child, profile, unknown, out)


def _criterion_maybe(
    criterion: Criterion, profile: Profile, unknown: frozenset[str]
) -> tuple[bool | None, frozenset[str]]:
    """Three-valued truth of a criterion, honour criteria included."""
    if criterion.when is not None:
        return _node_maybe(criterion.when, profile, unknown)
    if any(honour in profile.honours for honour in criterion.honours):
        return True, frozenset()
    hinges = {f"{HONOURS}.{honour}" for honour in criterion.honours} & unknown
    if HONOURS in unknown:
        hinges.add(HONOURS)
    return (None, frozenset(hinges)) if hinges else (False, frozenset())


def _unknown_check(unknown_fields: Iterable[str], *, catalogue: Catalogue) -> frozenset[str]:
    """Unknown answers must name profile fields, `honours`, or `honours.<code>`."""
    unknown = frozenset(unknown_fields)
    for name in sorted(unknown):
        if name in FIELDS or name == HONOURS:
            continue
        if name.startswith(f"{HONOURS}.") and name[len(HONOURS) + 1 :] in catalogue.honour_codes:
            continue
        raise ProfileError(field=name, code="unknown_field")
    return unknown


def unlockable(profile: Profile, *, unknown_fields: Iterable[str], catalogue: Catalogue | None = None) -> Unlockable:
    """For the self-check: which higher tier each 不确定 answer could still unlock, and the evidence that proves it.

    The profile holds the known answers (unknown ones at their defaults). A blocker that hinges on an unknown answer
    is reported in possible_blockers and does not stop unlocks; a blocker that holds regardless stops them all.
    """
    catalogue = catalogue or catalogue_default()
    unknown = _unknown_check(unknown_fields, catalogue=catalogue)
    current = evaluate(profile, catalogue=catalogue)
    policy = catalogue.policy_for(profile.on_date)
    if policy is None:
        return Unlockable(tier=None, unlocks=(), by_field={}, blockers=current.blockers, possible_blockers=())
    blockers: list[str] = []
    possible_blockers: list[str] = []
    for blocker in policy.condition_blockers:
        value, _ = _node_maybe(blocker.when, profile, unknown)
        if value is True:
            blockers.append(blocker.code)
        elif value is None:
            possible_blockers.append(blocker.code)
    if blockers:
        return Unlockable(
            tier=None, unlocks=(), by_field={}, blockers=tuple(blockers), possible_blockers=tuple(possible_blockers)
        )
    current_rank = policy.tier_by_code[current.tier].rank if current.tier else len(policy.tiers)
    unlocks: list[Unlock] = []
    by_field: dict[str, str] = {}
    for criterion in policy.criteria:
        if criterion.tier is None or policy.tier_by_code[criterion.tier].rank >= current_rank:
            continue
        value, needs = _criterion_maybe(criterion, profile, unknown)
        if value is not None:
            continue
        evidence = list(criterion.evidence)
        if criterion.when is not None:
            _maybe_evidence(criterion.when, profile, unknown, evidence)
        unlocks.append(
            Unlock(
                code=criterion.code,
                tier=criterion.tier,
                needs=tuple(sorted(needs)),
                evidence=tuple(dict.fromkeys(evidence)),
                zh=criterion.explanation.zh,
                en=criterion.explanation.en,
            )
        )
        # Criteria come highest tier first, so the first tier recorded for a field is its best.
        for name in needs:
            by_field.setdefault(name, criterion.tier)
    return Unlockable(
        tier=current.tier,
        unlocks=tuple(unlocks),
        by_field=dict(sorted(by_field.items())),
        blockers=(),
        possible_blockers=tuple(possible_blockers),
    )


def unlockable_to_dict(result: Unlockable) -> dict[str, object]:
    """JSON shape for the self-check page."""
    return {
        "tier": result.tier,
        "unlocks": [
            {
                "code": unlock.code,
                "tier": unlock.tier,
                "needs": list(unlock.needs),
                "evidence": list(unlock.evidence),
                "zh": unlock.zh,
                "en": unlock.en,
            }
            for unlock in result.unlocks
        ],
        "by_field": dict(result.by_field),
        "blockers": list(result.blockers),
        "possible_blockers": list(result.possible_blockers),
    }


def criteria_of_tier(codes: Iterable[str], *, tier: str | None, catalogue: Catalogue | None = None) -> list[str]:
    """The codes among `codes` that are criteria of `tier` (None: of the case-by-case route), in their order.

    第三条: each tier's criteria carry its letter (D, G, S), the case-by-case route (四) X.
    """
    catalogue = catalogue or catalogue_default()
    if tier is None:
        prefix = CASE_BY_CASE_PREFIX
    else:
        prefix = next(found.prefix for policy in catalogue.policies for found in policy.tiers if found.code == tier)
    return [code for code in codes if code.startswith(prefix)]
