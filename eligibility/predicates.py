"""The predicate compiler: a criterion's `when` tree (schema models) into closures over the profile for the hot path,
kept beside the tree for the evidence and the self-check. Every value is checked against the kind of its field.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from eligibility.dates import years_between
from eligibility.policyfile import Location, SourceMap
from eligibility.profile import BOOL, CHOICE, FIELDS, INTEGER, MONEY, Profile

if TYPE_CHECKING:  # the schema's models (pydantic) load with the first policy read, not with every process
    from eligibility.schema import AgeNode, AllNode, AnyNode, Bounds, ConditionNode, PredicateSpec

__all__ = ["COMPANY_AGE", "CONDITION", "FOUNDED_ON", "Predicate", "Test", "predicate_compile"]

Test = Callable[[Profile], bool]

COMPANY_AGE = "company_age_years"
CONDITION = "condition"
FOUNDED_ON = "enterprise.founded_on"

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
_LOWER = ("gt", "gte")
_UPPER = ("lt", "lte")
_KIND_OPS: dict[str, frozenset[str]] = {
    BOOL: frozenset({"is"}),
    CHOICE: frozenset({"eq", "in"}),
    MONEY: frozenset({"eq", "in", "gt", "gte", "lt", "lte"}),
    INTEGER: frozenset({"eq", "in", "gt", "gte", "lt", "lte"}),
}
# Operators as the file writes them, by the schema's attribute names.
_OPS = (("is", "is_"), ("eq", "eq"), ("in", "in_"), ("gt", "gt"), ("gte", "gte"), ("lt", "lt"), ("lte", "lte"))


@dataclass(frozen=True, slots=True, eq=False)
class Predicate:
    """A compiled predicate node: the closure for the hot path, the tree for evidence and the self-check."""

    kind: str
    test: Test
    children: tuple[Predicate, ...] = ()
    field: str | None = None
    bounds: tuple[tuple[str, Any], ...] = ()
    evidence: tuple[str, ...] = ()


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
    """Conjunction, short-circuiting in the order written; the short shapes the policy uses are spelled out, as a
    chain of `and` costs a third of all() over a generator.
    """
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda profile: first(profile) and second(profile)
    if len(tests) == 3:
        first, second, third = tests
        return lambda profile: first(profile) and second(profile) and third(profile)
    return lambda profile: all(child(profile) for child in tests)


def _any_test(tests: tuple[Test, ...]) -> Test:
    """Disjunction, short-circuiting in the order written; short shapes spelled out as for _all_test."""
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda profile: first(profile) or second(profile)
    if len(tests) == 3:
        first, second, third = tests
        return lambda profile: first(profile) or second(profile) or third(profile)
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


class _Compiler:
    """Compiles the nodes of one file, naming the line of anything that does not fit the profile or the file."""

    def __init__(self, sources: SourceMap, evidence_codes: Collection[str]) -> None:
        self.sources = sources
        self.evidence_codes = evidence_codes

    def evidence(self, codes: list[str], location: Location) -> tuple[str, ...]:
        """Evidence codes that the file declares."""
        for index, code in enumerate(codes):
            if code not in self.evidence_codes:
                raise self.sources.error(
                    (*location, "evidence", index), _("unknown evidence code “%(code)s”"), code=code
                )
        return tuple(codes)

    def bounds(self, node: Bounds | ConditionNode, location: Location) -> tuple[tuple[str, Any], ...]:
        """At most one lower and one upper bound, and some value between them."""
        lowers = [(op, getattr(node, op)) for op in _LOWER if getattr(node, op) is not None]
        uppers = [(op, getattr(node, op)) for op in _UPPER if getattr(node, op) is not None]
        if len(lowers) > 1 or len(uppers) > 1:
            raise self.sources.error(location, _("at most one lower bound (gt/gte) and one upper bound (lt/lte)"))
        if lowers and uppers:
            low = lowers[0][1] + (1 if lowers[0][0] == "gt" else 0)
            high = uppers[0][1] - (1 if uppers[0][0] == "lt" else 0)
            if low > high:
                raise self.sources.error(location, _("bounds admit no value"))
        return tuple(lowers + uppers)

    def value(self, spec, value: object, location: Location) -> object:
        """A value compared with a field: one of its choices, or a whole number for an amount or a count."""
        if spec.kind == CHOICE and value not in spec.choices:
            raise self.sources.error(
                location,
                _("“%(value)s” is not a choice of %(field)s (%(choices)s)"),
                value=value,
                field=spec.path,
                choices=", ".join(spec.choices),
            )
        if spec.kind in (MONEY, INTEGER) and type(value) is not int:
            raise self.sources.error(location, _("expected a whole number, got %(input)s"), input=repr(value))
        return value

    def condition(self, node: ConditionNode, location: Location, evidence: tuple[str, ...]) -> Predicate:
        """{field: path, <op>: value, ...}: every op must hold."""
        path = node.field
        spec = FIELDS.get(path)
        if spec is None:
            raise self.sources.error((*location, "field"), _("unknown profile field “%(name)s”"), name=path)
        given = node.model_fields_set
        ops = [written for written, attribute in _OPS if attribute in given]
        if not ops:
            raise self.sources.error(location, _("a condition needs an operator"))
        wrong = [op for op in ops if op not in _KIND_OPS.get(spec.kind, frozenset())]
        if wrong:
            raise self.sources.error(
                location,
                _("operator(s) %(ops)s do not apply to the %(kind)s field %(field)s"),
                ops=", ".join(wrong),
                kind=spec.kind,
                field=path,
            )
        getter = operator.attrgetter(path)
        tests: list[Test] = []
        bound_items: list[tuple[str, Any]] = []
        if "is" in ops:
            expected = node.is_
            bound_items.append(("is", expected))
            tests.append(lambda profile: getter(profile) is expected)
        if "eq" in ops:
            wanted = self.value(spec, node.eq, (*location, "eq"))
            bound_items.append(("eq", wanted))
            tests.append(lambda profile: getter(profile) == wanted)
        if "in" in ops:
            listed = [self.value(spec, value, (*location, "in", i)) for i, value in enumerate(node.in_)]
            members = frozenset(listed)
            bound_items.append(("in", tuple(listed)))
            tests.append(lambda profile: getter(profile) in members)
        bounds = self.bounds(node, location)
        if bounds:
            bound_items.extend(bounds)
            tests.append(_bounds_test(getter, bounds))
        return Predicate(
            kind=CONDITION,
            test=_all_test(tuple(tests)),
            field=path,
            bounds=tuple(bound_items),
            evidence=evidence,
        )

    def node(self, node: PredicateSpec, location: Location) -> Predicate:
        """Any node of the tree."""
        evidence = self.evidence(node.evidence, location)
        if node.head == "field":
            return self.condition(node, location, evidence)
        if node.head == COMPANY_AGE:
            at = (*location, COMPANY_AGE)
            bounds = self.bounds(node.company_age_years, at)
            if not bounds:
                raise self.sources.error(at, _("needs at least one bound"))
            return Predicate(
                kind=COMPANY_AGE, test=_age_test(bounds), field=FOUNDED_ON, bounds=bounds, evidence=evidence
            )
        listed = getattr(node, node.head)
        children = tuple(self.node(child, (*location, node.head, i)) for i, child in enumerate(listed))
        tests = tuple(child.test for child in children)
        test = _all_test(tests) if node.head == "all" else _any_test(tests)
        return Predicate(kind=node.head, test=test, children=children, evidence=evidence)


def predicate_compile(
    node: AllNode | AnyNode | ConditionNode | AgeNode,
    *,
    location: Location,
    sources: SourceMap,
    evidence_codes: Collection[str],
) -> Predicate:
    """The compiled predicate of one `when`; CatalogueError names the line of the first node that does not fit."""
    return _Compiler(sources, evidence_codes).node(node, location)
