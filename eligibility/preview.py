"""What a draft version would change, before it is published: its differences from the version it follows, and its
impact on every stored profile (who gains, loses or changes tier), counted in one pass with flat memory.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from baiyun_talent.csvstream import csv_lines
from eligibility.catalogue import Policy
from eligibility.engine import Result, evaluate_under
from eligibility.predicates import COMPANY_AGE
from eligibility.profile import ProfileError, parse_profile

__all__ = [
    "CHANGES",
    "IMPACTS",
    "Difference",
    "ImpactRow",
    "StoredProfile",
    "policy_baseline",
    "policy_differences",
    "policy_impact",
    "policy_impact_counts",
    "predicate_text",
]

# The kinds of difference, as the preview names them.
CHANGES = {
    "added": _("added"),
    "removed": _("removed"),
    "reworded": _("reworded"),
    "threshold": _("threshold changed"),
    "condition": _("condition changed"),
    "honours": _("honours changed"),
    "evidence": _("evidence changed"),
    "tier": _("tier changed"),
    "benefits": _("services changed"),
}
# What a profile's result does under the draft, compared with the version it follows.
IMPACTS = {
    "gains": _("becomes eligible"),
    "loses": _("is no longer eligible"),
    "tier_up": _("higher tier"),
    "tier_down": _("lower tier"),
    "criteria": _("same tier, other criteria"),
    "unchanged": _("unchanged"),
    "invalid": _("stored answers not valid"),
}
_BOUNDS = ("gt", "gte", "lt", "lte")
_SYMBOLS = {"is": "is", "eq": "=", "in": "in", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


@dataclass(frozen=True)
class Difference:
    """One change of the draft against the version it follows."""

    section: str
    code: str
    change: str
    before: str
    after: str

    @property
    def change_label(self) -> str:
        return str(CHANGES[self.change])


def policy_baseline(*, draft: Policy, published: Iterable[Policy]) -> Policy | None:
    """The version the draft follows: the last published one starting before it."""
    earlier = [policy for policy in published if policy.in_force_from < draft.in_force_from]
    return max(earlier, key=lambda policy: policy.in_force_from, default=None)


def _node_text(node: Any) -> str:
    """One predicate node as a readable formula."""
    if node.head == "field":
        parts = []
        for written, attribute in (("is", "is_"), ("eq", "eq"), ("in", "in_"), *((op, op) for op in _BOUNDS)):
            if attribute in node.model_fields_set:
                value = getattr(node, attribute)
                shown = "[" + ", ".join(str(item) for item in value) + "]" if isinstance(value, list) else value
                shown = str(shown).lower() if isinstance(shown, bool) else shown
                parts.append(f"{node.field} {_SYMBOLS[written]} {shown}")
        return " and ".join(parts)
    if node.head == COMPANY_AGE:
        bounds = node.company_age_years
        return " and ".join(
            f"company_age_years {_SYMBOLS[op]} {getattr(bounds, op)}"
            for op in _BOUNDS
            if getattr(bounds, op) is not None
        )
    joiner = " and " if node.head == "all" else " or "
    return "(" + joiner.join(_node_text(child) for child in getattr(node, node.head)) + ")"


def predicate_text(node: Any) -> str:
    """A criterion's or blocker's condition as a readable formula, outer parentheses dropped."""
    text = _node_text(node)
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _shape(node: Any) -> object:
    """The node without its numeric limits or evidence: equal shapes differ only in thresholds."""
    dumped = node.model_dump(by_alias=True, exclude={"evidence"}) if hasattr(node, "model_dump") else node
    return _strip(dumped)


def _strip(value: object) -> object:
    if isinstance(value, dict):
        return {key: None if key in _BOUNDS else _strip(item) for key, item in value.items() if key != "evidence"}
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


def _condition_difference(section: str, code: str, before: Any, after: Any) -> Difference | None:
    if before is None and after is None:
        return None
    dump_before = before.model_dump(by_alias=True, exclude={"evidence"}) if before is not None else None
    dump_after = after.model_dump(by_alias=True, exclude={"evidence"}) if after is not None else None
    if dump_before == dump_after:
        return None
    same_shape = before is not None and after is not None and _shape(before) == _shape(after)
    return Difference(
        section=section,
        code=code,
        change="threshold" if same_shape else "condition",
        before=predicate_text(before) if before is not None else "",
        after=predicate_text(after) if after is not None else "",
    )


def _wording(item: Any) -> str:
    return f"{item.zh} / {item.en} ({item.citation.zh})"


def policy_differences(*, before: Policy | None, after: Policy) -> list[Difference]:
    """Criteria and blockers added, removed, reworded or with other thresholds; tiers' services; honours added."""
    differences: list[Difference] = []
    old = {item.code: item for item in before.spec.criteria} if before else {}
    new = {item.code: item for item in after.spec.criteria}
    for section, old_items, new_items in (
        ("criterion", old, new),
        (
            "blocker",
            {item.code: item for item in before.spec.blockers} if before else {},
            {item.code: item for item in after.spec.blockers},
        ),
    ):
        for code, item in new_items.items():
            previous = old_items.get(code)
            if previous is None:
                differences.append(Difference(section, code, "added", "", _wording(item)))
                continue
            if (previous.zh, previous.en, previous.citation) != (item.zh, item.en, item.citation):
                differences.append(Difference(section, code, "reworded", _wording(previous), _wording(item)))
            condition = _condition_difference(section, code, previous.when, item.when)
            if condition is not None:
                differences.append(condition)
            if section == "criterion":
                if previous.tier != item.tier:
                    differences.append(Difference(section, code, "tier", str(previous.tier), str(item.tier)))
                if previous.honours != item.honours:
                    differences.append(
                        Difference(
                            section, code, "honours", ", ".join(previous.honours or ()), ", ".join(item.honours or ())
                        )
                    )
                if previous.evidence != item.evidence:
                    differences.append(
                        Difference(section, code, "evidence", ", ".join(previous.evidence), ", ".join(item.evidence))
                    )
        for code, item in old_items.items():
            if code not in new_items:
                differences.append(Difference(section, code, "removed", _wording(item), ""))
    old_tiers = {tier.code: tier for tier in before.tiers} if before else {}
    for tier in after.tiers:
        previous = old_tiers.get(tier.code)
        if previous is None:
            differences.append(Difference("tier", tier.code, "added", "", tier.zh))
        elif previous.benefits != tier.benefits:
            differences.append(
                Difference(
                    "tier",
                    tier.code,
                    "benefits",
                    ", ".join(map(str, previous.benefits)),
                    ", ".join(map(str, tier.benefits)),
                )
            )
    for code, tier in old_tiers.items():
        if code not in after.tier_by_code:
            differences.append(Difference("tier", code, "removed", tier.zh, ""))
    old_honours = before.honour_codes if before else frozenset()
    for honour in after.honours:
        if honour.code not in old_honours:
            differences.append(Difference("honour", honour.code, "added", "", honour.zh))
    for code in sorted(old_honours - after.honour_codes):
        differences.append(Difference("honour", code, "removed", code, ""))
    return differences


@dataclass(frozen=True)
class StoredProfile:
    """A profile kept by the portal (an application, a card holder's), with what identifies it in the list."""

    reference: Mapping[str, str]
    data: Mapping[str, object]


@dataclass(frozen=True)
class ImpactRow:
    """One stored profile under both versions."""

    reference: Mapping[str, str]
    impact: str
    before: Result | None
    after: Result | None

    @property
    def impact_label(self) -> str:
        return str(IMPACTS[self.impact])


def _level(result: Result, levels: Mapping[str, int]) -> int:
    """Eligibility as a number: no card -1, case by case 0, then the tiers upwards."""
    if not result.eligible:
        return -1
    return levels.get(result.tier, 0) if result.tier else 0


def stored_profiles() -> Iterator[StoredProfile]:
    """Every stored profile, from the source the settings name (the applications app: eligibility imports none)."""
    return import_string(settings.ELIGIBILITY_STORED_PROFILES)()


def policy_impact(
    *, before: Policy | None, after: Policy, on_date: date, profiles: Iterable[StoredProfile] | None = None
) -> Iterator[ImpactRow]:
    """Each stored profile judged by both versions on on_date (the draft's first day), one at a time."""
    known = after.honour_codes | (before.honour_codes if before else frozenset())
    levels = {tier.code: len(after.tiers) - tier.rank for tier in after.tiers}
    if before is not None:
        levels = {**{tier.code: len(before.tiers) - tier.rank for tier in before.tiers}, **levels}
    for stored in stored_profiles() if profiles is None else profiles:
        try:
            profile = parse_profile({**stored.data, "on_date": on_date}, today=on_date, known_honours=known)
        except ProfileError:
            yield ImpactRow(reference=stored.reference, impact="invalid", before=None, after=None)
            continue
        new = evaluate_under(profile, policy=after)
        old = evaluate_under(profile, policy=before) if before is not None else None
        old_level = _level(old, levels) if old is not None else -1
        new_level = _level(new, levels)
        if old_level == new_level:
            impact = "criteria" if old is not None and old.criteria != new.criteria else "unchanged"
        elif old_level < 0:
            impact = "gains"
        elif new_level < 0:
            impact = "loses"
        else:
            impact = "tier_up" if new_level > old_level else "tier_down"
        yield ImpactRow(reference=stored.reference, impact=impact, before=old, after=new)


def policy_impact_counts(rows: Iterable[ImpactRow]) -> dict[str, int]:
    """How many profiles each kind of impact concerns, every kind listed (0 included)."""
    counts = collections.Counter(row.impact for row in rows)
    return {impact: counts.get(impact, 0) for impact in IMPACTS}


def impact_csv_lines(rows: Iterable[ImpactRow]) -> Iterator[str]:
    """The changed profiles as CSV lines (UTF-8 with a BOM for spreadsheet programs), streamed one row at a time."""
    header = [
        _("Application"),
        _("Name"),
        _("State"),
        _("Kind"),
        _("Impact"),
        _("Tier before"),
        _("Tier after"),
        _("Criteria before"),
        _("Criteria after"),
    ]
    changed = (
        [
            row.reference.get("number", ""),
            row.reference.get("name", ""),
            row.reference.get("state", ""),
            row.reference.get("kind", ""),
            row.impact_label,
            _tier_cell(row.before),
            _tier_cell(row.after),
            " ".join(row.before.criteria) if row.before else "",
            " ".join(row.after.criteria) if row.after else "",
        ]
        for row in rows
        if row.impact != "unchanged"
    )
    return csv_lines(header, changed)


def _tier_cell(result: Result | None) -> str:
    if result is None or not result.eligible:
        return ""
    return result.tier or "case_by_case"
