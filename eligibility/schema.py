"""The policy file's schema (eligibility/policies/*.yaml) as models: the shape of every node, checked before anything
is compiled. Cross-references (codes that must exist, fields of the profile) are checked by the compiler beside it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError

from eligibility.dates import date_add_years, date_parse_iso

__all__ = [
    "AgeNode",
    "AllNode",
    "AnyNode",
    "BlockerSpec",
    "ConditionNode",
    "CriterionSpec",
    "PolicySpec",
    "PredicateSpec",
    "node_head",
]

# Union tags start with "<" so that they can be told from the file's own keys in an error's location.
TAG_PREFIX = "<"
NODE_HEADS = ("all", "any", "field", "company_age_years")


def _day(value: object) -> object:
    """A date, quoted (YYYY-MM-DD) or as YAML reads it; a datetime or any other form is refused."""
    if type(value) is date:
        return value
    parsed = date_parse_iso(value) if isinstance(value, str) else None
    if parsed is None:
        raise PydanticCustomError("policy_date", "expected a date YYYY-MM-DD, got {value}", {"value": repr(value)})
    return parsed


def _text(value: object) -> object:
    """Non-empty text: a blank label would show nothing to the applicant."""
    if isinstance(value, str) and not value.strip():
        raise PydanticCustomError("policy_blank", "expected non-empty text", {})
    return value


Day = Annotated[date, BeforeValidator(_day)]
Text = Annotated[str, BeforeValidator(_text)]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Codes = Annotated[list[Slug], Field(min_length=1)]


class Node(BaseModel):
    """Every node of the file: unknown keys are refused, values are not coerced (\"5\" is not 5)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=False)


class Bilingual(Node):
    zh: Text
    en: Text


class BenefitSpec(Node):
    """One service of 第四条."""

    number: int
    zh: Text
    en: Text


class TierSpec(Node):
    """A card tier, highest first; its prefix is the letter of its criteria (D, G, S)."""

    code: Slug
    prefix: Annotated[str, Field(pattern=r"^[A-WYZ]$")]
    zh: Text
    en: Text
    benefits: Annotated[list[int], Field(min_length=1)]


class MaterialSpec(Node):
    """A basic material of 申领指南 五（一）."""

    code: Slug
    zh: Text
    en: Text
    description_zh: Text
    description_en: Text


class EvidenceSpec(Node):
    """Special evidence of 申领指南 五（二）."""

    code: Slug
    zh: Text
    en: Text


class HonourSpec(Node):
    """A categorical fact; `evidence` is asked when this honour is what satisfies its criterion (五（二）1)."""

    code: Slug
    zh: Text
    en: Text
    matches_nothing: bool = False
    evidence: list[Slug] = []


class ConsultationSpec(Node):
    """申领指南 八: where applicants may ask, shown when the policy is not in force."""

    zh: Text
    en: Text
    phone: Annotated[str, Field(pattern=r"^[0-9()\- ]{5,20}$")]


class AllNode(Node):
    head: ClassVar[str] = "all"
    all: Annotated[list[PredicateSpec], Field(min_length=1)]
    evidence: list[Slug] = []


class AnyNode(Node):
    head: ClassVar[str] = "any"
    any: Annotated[list[PredicateSpec], Field(min_length=1)]
    evidence: list[Slug] = []


class Bounds(Node):
    gt: int | None = None
    gte: int | None = None
    lt: int | None = None
    lte: int | None = None


class AgeNode(Node):
    """Whole years of enterprise.founded_on on the evaluation date."""

    head: ClassVar[str] = "company_age_years"
    company_age_years: Bounds
    evidence: list[Slug] = []


class ConditionNode(Node):
    """{field: <profile path>, <op>: <value>, ...}; values are typed by the field, so the compiler checks them."""

    head: ClassVar[str] = "field"
    field: str
    is_: bool | None = Field(default=None, alias="is")
    eq: Any = None
    in_: Annotated[list[Any], Field(min_length=1)] | None = Field(default=None, alias="in")
    gt: int | None = None
    gte: int | None = None
    lt: int | None = None
    lte: int | None = None
    evidence: list[Slug] = []


def node_head(value: object) -> str | None:
    """The kind of a predicate node: the one head key it carries (all, any, field or company_age_years)."""
    if isinstance(value, BaseModel):
        return value.head
    if not isinstance(value, dict):
        return None
    heads = [head for head in NODE_HEADS if head in value]
    return heads[0] if len(heads) == 1 else None


def _node_tag(value: object) -> str | None:
    head = node_head(value)
    return None if head is None else f"{TAG_PREFIX}{head}>"


PredicateSpec = Annotated[
    Annotated[AllNode, Tag("<all>")]
    | Annotated[AnyNode, Tag("<any>")]
    | Annotated[ConditionNode, Tag("<field>")]
    | Annotated[AgeNode, Tag("<company_age_years>")],
    Discriminator(
        _node_tag,
        custom_error_type="policy_node",
        custom_error_message="a predicate node needs exactly one of all, any, field, company_age_years",
    ),
]
AllNode.model_rebuild()
AnyNode.model_rebuild()


class CriterionSpec(Node):
    """One item of 第三条: satisfied by an honour code or by a predicate over the profile."""

    code: Annotated[str, Field(pattern=r"^[A-Z][0-9]{2}$")]
    tier: Slug | None
    zh: Text
    en: Text
    citation: Bilingual
    evidence: list[Slug]
    honours: Codes | None = None
    when: PredicateSpec | None = None

    @model_validator(mode="after")
    def _one_rule(self) -> CriterionSpec:
        if (self.honours is None) == (self.when is None):
            raise PydanticCustomError("policy_rule", "a criterion needs exactly one of honours or when", {})
        return self


class BlockerSpec(Node):
    """A reason that rules out every tier; exactly one of them is 第九条's (no version in force)."""

    code: Annotated[str, Field(pattern=r"^E[0-9]{2}$")]
    zh: Text
    en: Text
    citation: Bilingual
    when: PredicateSpec | None = None
    policy_not_in_force: bool = False

    @model_validator(mode="after")
    def _one_rule(self) -> BlockerSpec:
        if (self.when is None) != self.policy_not_in_force:
            raise PydanticCustomError(
                "policy_blocker_rule", "a blocker needs exactly one of when or policy_not_in_force: true", {}
            )
        return self


class PolicySpec(Node):
    """One policy version: its document, its validity (第九条) and everything the engine needs."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=40)]
    title: Bilingual
    document_number: Text
    issued_by: Bilingual
    issued_on: Day
    validity_years: Annotated[int, Field(gt=0)]
    in_force_from: Day
    in_force_until: Day
    consultation: Annotated[list[ConsultationSpec], Field(min_length=1)]
    benefits: Annotated[list[BenefitSpec], Field(min_length=1)]
    tiers: Annotated[list[TierSpec], Field(min_length=1)]
    basic_materials: Annotated[list[MaterialSpec], Field(min_length=1)]
    special_evidence: Annotated[list[EvidenceSpec], Field(min_length=1)]
    honours: Annotated[list[HonourSpec], Field(min_length=1)]
    criteria: Annotated[list[CriterionSpec], Field(min_length=1)]
    blockers: Annotated[list[BlockerSpec], Field(min_length=1)]

    @model_validator(mode="after")
    def _validity(self) -> PolicySpec:
        if self.in_force_until < self.in_force_from:
            raise PydanticCustomError(
                "policy_end_before_start",
                "in force until {until}, before it comes into force on {start}",
                {"until": self.in_force_until.isoformat(), "start": self.in_force_from.isoformat()},
            )
        if self.issued_on > self.in_force_from:
            raise PydanticCustomError("policy_before_issue", "a policy cannot be in force before it is issued", {})
        # 第九条 and the spec's reading of periods in years: the validity ends on the corresponding day.
        expected = date_add_years(self.in_force_from, years=self.validity_years)
        if self.in_force_until != expected:
            raise PydanticCustomError(
                "policy_validity",
                "{until} is not {years} years after {start} ({expected})",
                {
                    "until": self.in_force_until.isoformat(),
                    "years": self.validity_years,
                    "start": self.in_force_from.isoformat(),
                    "expected": expected.isoformat(),
                },
            )
        return self
