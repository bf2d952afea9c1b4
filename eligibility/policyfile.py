"""Reading a policy file: YAML text to the schema's models, every problem named by its line and place, in the reader's
language (the talent office reads them in the admin, developers on the command line).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from eligibility.schema import PolicySpec

__all__ = ["CatalogueError", "Location", "Problem", "SourceMap", "policy_text_parse"]

Location = tuple[str | int, ...]

# PyYAML's C loader when built with it, else the pure Python one; both are the safe loaders.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The schema's problems in the reader's words, by pydantic error type; anything else keeps pydantic's English.
_SCHEMA_MESSAGES: dict[str, Promise] = {
    "extra_forbidden": _("unknown field “%(name)s”"),
    "missing": _("missing field “%(name)s”"),
    "int_type": _("expected a whole number, got %(input)s"),
    "bool_type": _("expected true or false, got %(input)s"),
    "string_type": _("expected text, got %(input)s"),
    "list_type": _("expected a list, got %(input)s"),
    "model_type": _("expected a mapping of fields, got %(input)s"),
    "too_short": _("expected a non-empty list"),
    "string_too_long": _("too long: at most %(max_length)s characters"),
    "greater_than": _("must be greater than %(gt)s"),
    "string_pattern_mismatch": _("%(input)s is not in the expected form"),
    "policy_node": _("a predicate node needs exactly one of all, any, field, company_age_years"),
    "policy_rule": _("a criterion needs exactly one of honours or when"),
    "policy_blocker_rule": _("a blocker needs exactly one of when or policy_not_in_force: true"),
    "policy_date": _("expected a date YYYY-MM-DD, got %(value)s"),
    "policy_blank": _("expected non-empty text"),
    "policy_end_before_start": _("in force until %(until)s, before it comes into force on %(start)s"),
    "policy_before_issue": _("a policy cannot be in force before it is issued"),
    "policy_validity": _("%(until)s is not %(years)s years after %(start)s (%(expected)s)"),
}
# Checks of the whole file that are about one of its fields: the problem is shown at that field's line.
_FIELD_OF_CHECK = {
    "policy_end_before_start": ("in_force_until",),
    "policy_validity": ("in_force_until",),
    "policy_before_issue": ("in_force_from",),
}
_CODE_FIELDS = frozenset({"code", "prefix"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a policy: where (line and path in the file) and what, translated when shown."""

    line: int | None
    where: str
    message: str | Promise
    params: Mapping[str, object]

    def text(self) -> str:
        """The message in the active language."""
        return str(self.message) % dict(self.params) if self.params else str(self.message)

    def __str__(self) -> str:
        parts = [f"line {self.line}" if self.line else "", self.where, self.text()]
        return ": ".join(part for part in parts if part)


class CatalogueError(Exception):
    """A policy that cannot be trusted: every problem names the source, the line and the reason."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(source)

    def __str__(self) -> str:
        return "\n".join(f"{self.source}: {problem}" for problem in self.problems)


class SourceMap:
    """Where each node of the file is written, to name lines in problems; also refuses duplicate keys."""

    def __init__(self, source: str, data: Any = None) -> None:
        self.source = source
        self.data = data
        self.lines: dict[Location, int] = {}

    def walk(self, node: yaml.Node, location: Location = ()) -> None:
        """Record the line of node and of everything under it."""
        self.lines[location] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: set[object] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
                if key in seen:
                    line = key_node.start_mark.line + 1
                    raise self.error((*location, key), _("duplicate key “%(name)s”"), line=line, name=key)
                seen.add(key)
                self.walk(value_node, (*location, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.walk(item, (*location, index))

    def line(self, location: Location) -> int | None:
        """The line of location, or of its closest parent written in the file (a missing field: its mapping)."""
        for end in range(len(location), -1, -1):
            line = self.lines.get(location[:end])
            if line is not None:
                return line
        return None

    def where(self, location: Location) -> str:
        """criteria[10] (D11).when.all[1]: the path as the file reads, with the code of a criterion or blocker."""
        text = ""
        node = self.data
        for part in location:
            if isinstance(part, int):
                text += f"[{part}]"
                node = node[part] if isinstance(node, list) and part < len(node) else None
                if (
                    location[0] in ("criteria", "blockers")
                    and isinstance(node, dict)
                    and isinstance(node.get("code"), str)
                ):
                    text += f" ({node['code']})"
            else:
                text += f".{part}" if text else str(part)
                node = node.get(part) if isinstance(node, dict) else None
        return text

    def problem(self, location: Location, message: str | Promise, *, line: int | None = None, **params) -> Problem:
        """A problem at location."""
        return Problem(line=line or self.line(location), where=self.where(location), message=message, params=params)

    def error(self, location: Location, message: str | Promise, *, line: int | None = None, **params) -> CatalogueError:
        """The exception to raise for one problem at location."""
        return CatalogueError(self.source, [self.problem(location, message, line=line, **params)])


def _schema_problem(sources: SourceMap, error: Mapping[str, Any]) -> Problem:
    """One pydantic error in the file's terms: its location without union tags, its message translated."""
    from eligibility.schema import TAG_PREFIX

    location = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith(TAG_PREFIX)))
    kind = error["type"]
    location = location if location else _FIELD_OF_CHECK.get(kind, location)
    message = _SCHEMA_MESSAGES.get(kind)
    if kind == "string_pattern_mismatch" and location and location[-1] in _CODE_FIELDS:
        message = _("bad code %(input)s")
    if message is None:
        return sources.problem(location, "%(text)s", text=error["msg"])
    params = {**(error.get("ctx") or {}), "input": repr(error.get("input"))[:80]}
    if location:
        params["name"] = location[-1]
    return sources.problem(location, message, **params)


def policy_text_parse(text: str | bytes, *, source: str) -> tuple[PolicySpec, SourceMap]:
    """Validate one policy file's text against the schema; CatalogueError lists every problem with its line."""
    # The schema's models (pydantic) load with the first policy read, not with every process that starts.
    from pydantic import ValidationError

    from eligibility.schema import PolicySpec

    sources = SourceMap(source)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise sources.error((), _("the file is not UTF-8 text (YAML expected)")) from error
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or pure Python
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise sources.error((), _("not valid YAML: %(problem)s"), line=line, problem=error.problem or "") from error
    except yaml.YAMLError as error:
        raise sources.error((), _("not valid YAML: %(problem)s"), problem=str(error)) from error
    if node is None:
        raise sources.error((), _("the file is empty"))
    sources.data = data
    sources.walk(node)
    try:
        spec = PolicySpec.model_validate(data)
    except ValidationError as error:
        problems = [_schema_problem(sources, item) for item in error.errors(include_url=False)]
        problems.sort(key=lambda problem: problem.line or 0)
        raise CatalogueError(source, problems) from error
    return spec, sources
