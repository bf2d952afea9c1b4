"""The transition table of ../shared/spec/workflow.md as data: source, target, roles, and what each must carry."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE

from accounts.roles import Role


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting initial review")
    INITIAL_PASSED = "initial_passed", _("Awaiting second review")
    SECOND_PASSED = "second_passed", _("Awaiting approval")
    LEADING_GROUP = "leading_group", _("Awaiting the leading group")
    APPROVED = "approved", _("Awaiting card production")
    PRODUCED = "produced", _("Awaiting card issue")
    ISSUED = "issued", _("Card issued")
    RETURNED = "returned", _("Returned for supplement")
    REJECTED = "rejected", _("Not approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Carry(models.TextChoices):
    """What a transition must carry besides the actor."""

    OPINION = "opinion", _("opinion")
    REASONS = "reasons", _("reasons")
    SUPPLEMENT_ITEMS = "supplement_items", _("materials to supplement")
    DETERMINED_TIER = "determined_tier", _("determined tier")
    MEETING_REFERENCE = "meeting_reference", _("meeting reference")
    DECISION = "decision", _("decision")


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: str | Promise
    sources: tuple[State, ...]
    targets: tuple[State, ...]
    roles: tuple[Role, ...]
    carries: frozenset[Carry] = frozenset()
    # 第五条（二）: the applicant is told of every step that concerns them.
    notifies_applicant: bool = True
    # Fired by a scheduled task as well as by the roles (制卡: the system produces the card).
    by_system: bool = False

    @property
    def fsm_target(self):
        return self.targets[0] if len(self.targets) == 1 else RETURN_VALUE(*(target.value for target in self.targets))


TRANSITIONS: tuple[TransitionSpec, ...] = (
    TransitionSpec(
        "submit", _("Submit"), (State.DRAFT,), (State.SUBMITTED,), (Role.APPLICANT,), notifies_applicant=True
    ),
    TransitionSpec(
        "return_for_supplement",
        _("Return for supplement"),
        (State.SUBMITTED,),
        (State.RETURNED,),
        (Role.DEPARTMENT_REVIEWER,),
        frozenset({Carry.REASONS, Carry.SUPPLEMENT_ITEMS}),
    ),
    TransitionSpec(
        "return_for_supplement",
        _("Return for supplement"),
        (State.INITIAL_PASSED,),
        (State.RETURNED,),
        (Role.HR_REVIEWER,),
        frozenset({Carry.REASONS, Carry.SUPPLEMENT_ITEMS}),
    ),
    TransitionSpec("resubmit", _("Resubmit"), (State.RETURNED,), (State.SUBMITTED,), (Role.APPLICANT,)),
    TransitionSpec(
        "pass_initial",
        _("Pass initial review"),
        (State.SUBMITTED,),
        (State.INITIAL_PASSED,),
        (Role.DEPARTMENT_REVIEWER,),
        frozenset({Carry.OPINION}),
    ),
    TransitionSpec(
        "pass_second",
        _("Pass second review"),
        (State.INITIAL_PASSED,),
        (State.SECOND_PASSED,),
        (Role.HR_REVIEWER,),
        frozenset({Carry.OPINION, Carry.DETERMINED_TIER}),
    ),
    TransitionSpec(
        "approve",
        _("Approve"),
        (State.SECOND_PASSED,),
        (State.APPROVED,),
        (Role.HR_REVIEWER, Role.TALENT_OFFICE),
        frozenset({Carry.OPINION}),
    ),
    TransitionSpec(
        "forward_case_by_case",
        _("Forward to the leading group"),
        (State.SECOND_PASSED,),
        (State.LEADING_GROUP,),
        (Role.TALENT_OFFICE,),
        frozenset({Carry.OPINION}),
    ),
    TransitionSpec(
        "record_group_decision",
        _("Record the leading group's decision"),
        (State.LEADING_GROUP,),
        (State.APPROVED, State.REJECTED),
        (Role.TALENT_OFFICE,),
        frozenset({Carry.DECISION, Carry.MEETING_REFERENCE, Carry.DETERMINED_TIER}),
    ),
    TransitionSpec(
        "reject",
        _("Reject"),
        (State.INITIAL_PASSED, State.SECOND_PASSED),
        (State.REJECTED,),
        (Role.HR_REVIEWER, Role.TALENT_OFFICE),
        frozenset({Carry.REASONS}),
    ),
    TransitionSpec(
        "produce_card",
        _("Produce the card"),
        (State.APPROVED,),
        (State.PRODUCED,),
        (Role.TALENT_OFFICE,),
        by_system=True,
    ),
    TransitionSpec("issue_card", _("Issue the card"), (State.PRODUCED,), (State.ISSUED,), (Role.TALENT_OFFICE,)),
    TransitionSpec(
        "withdraw",
        _("Withdraw"),
        (State.DRAFT, State.SUBMITTED, State.RETURNED),
        (State.WITHDRAWN,),
        (Role.APPLICANT,),
        notifies_applicant=False,
    ),
)

TRANSITION_NAMES: tuple[str, ...] = tuple(dict.fromkeys(spec.name for spec in TRANSITIONS))

# The stages a reviewer works in, in the order of 第五条: the states that wait for someone.
WAITING_STATES = (
    State.SUBMITTED,
    State.INITIAL_PASSED,
    State.SECOND_PASSED,
    State.LEADING_GROUP,
    State.APPROVED,
    State.PRODUCED,
)
# Every state in which an application is still being handled: one such application per person at a time.
OPEN_STATES = (State.DRAFT, *WAITING_STATES, State.RETURNED)


def spec_for(*, name: str, source: str) -> TransitionSpec | None:
    """The row of the table for a transition fired from a state."""
    for spec in TRANSITIONS:
        if spec.name == name and source in spec.sources:
            return spec
    return None


def transition_permission(spec: TransitionSpec) -> Callable:
    """The django-fsm permission of a row: the actor acts in one of its roles on an application it may handle."""

    def permission(application, user) -> bool:
        from applications.rules import acting_role

        return acting_role(user=user, application=application, spec=spec) is not None

    return permission
