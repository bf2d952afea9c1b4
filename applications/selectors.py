"""Reads: which applications a user may see, what they may do to one, and what it still lacks."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from applications.models import Application, HistoryEntry, Material, Notice, Submission
from applications.rules import acting_role, department_ids
from applications.workflow import TRANSITIONS, WAITING_STATES, State, TransitionSpec
from eligibility.preview import StoredProfile


def applications_visible_to(user: User) -> QuerySet[Application]:
    """Every application the user may open, scoped in the query so no view can leak one (workflow.md: sees)."""
    return _applications_in_scope(user, employer_scope=True)


def applications_with_materials_visible_to(user: User) -> QuerySet[Application]:
    """The applications whose materials the user may read: an employer officer follows progress but reads no
    material, identity scans included (个人信息保护法 第六条: the minimum necessary)."""
    return _applications_in_scope(user, employer_scope=False)


def _applications_in_scope(user: User, *, employer_scope: bool) -> QuerySet[Application]:
    if not user.is_authenticated:
        return Application.objects.none()
    roles = user.role_codes
    if roles & {Role.TALENT_OFFICE, Role.AUDITOR}:
        return Application.objects.exclude(state=State.DRAFT)
    scope = Q(pk__in=[])
    if Role.APPLICANT in roles:
        scope |= Q(applicant=user)
    if Role.HR_REVIEWER in roles:
        scope |= Q(passed_initial_at__isnull=False)
    if Role.DEPARTMENT_REVIEWER in roles:
        scope |= Q(department__in=department_ids(user)) & ~Q(state=State.DRAFT)
    if employer_scope and Role.EMPLOYER in roles:
        scope |= Q(employer__in=user.employers.all()) & ~Q(state=State.DRAFT)
    return Application.objects.filter(scope)


@dataclass(frozen=True)
class Available:
    spec: TransitionSpec
    role: Role


def transitions_available(*, user: User, application: Application) -> list[Available]:
    """The transitions `user` may fire on `application` now, each with the role it would be fired in."""
    available = []
    for spec in TRANSITIONS:
        role = acting_role(user=user, application=application, spec=spec)
        if role is not None:
            available.append(Available(spec=spec, role=role))
    return available


@dataclass(frozen=True)
class TimelineStep:
    label: object
    done_at: datetime | None
    current: bool
    # The review that returned the application for supplement, while it waits for the applicant.
    returned_at: datetime | None = None


# 第五条: 申报 → 初审 → 复审 → 审定 → 制卡 → 发卡, each reached when the application enters the state.
TIMELINE = (
    (_("Application"), State.SUBMITTED),
    (_("Initial review"), State.INITIAL_PASSED),
    (_("Second review"), State.SECOND_PASSED),
    (_("Approval"), State.APPROVED),
    (_("Card production"), State.PRODUCED),
    (_("Card issue"), State.ISSUED),
)


def application_timeline(*, application: Application, history: list[HistoryEntry]) -> list[TimelineStep]:
    """The progress of an application with the date each step happened; a return starts the reviews again."""
    last_return = max(
        (index for index, entry in enumerate(history) if entry.target_state == State.RETURNED), default=-1
    )
    if application.state == State.RETURNED and last_return >= 0:
        return _timeline_returned(history=history, last_return=last_return)
    reached: dict[str, datetime] = {}
    for index, entry in enumerate(history):
        if entry.target_state == State.SUBMITTED or index > last_return:
            reached[entry.target_state] = entry.created_at
    waiting = application.state in WAITING_STATES
    steps = []
    current_found = False
    for label, state in TIMELINE:
        done_at = reached.get(state)
        current = waiting and done_at is None and not current_found
        current_found = current_found or current
        steps.append(TimelineStep(label=label, done_at=done_at, current=current))
    return steps


def _timeline_returned(*, history: list[HistoryEntry], last_return: int) -> list[TimelineStep]:
    """While returned: the steps done before the return, and the review that returned it, marked as such."""
    returned = history[last_return]
    reached = {entry.target_state: entry.created_at for entry in history[:last_return]}
    # The review under way when it was returned: the one that follows the state the application left.
    states = [state for _label, state in TIMELINE]
    returning_step = states[states.index(returned.source_state) + 1] if returned.source_state in states else None
    steps = []
    after_return = False
    for label, state in TIMELINE:
        if state == returning_step:
            steps.append(TimelineStep(label=label, done_at=None, current=False, returned_at=returned.created_at))
            after_return = True
        else:
            steps.append(TimelineStep(label=label, done_at=None if after_return else reached.get(state), current=False))
    return steps


def applications_of_applicant(*, user: User) -> QuerySet[Application]:
    """The applicant's own applications, newest first, with what the home page shows (no query per row)."""
    return (
        applications_visible_to(user)
        .filter(applicant=user)
        .select_related("employer")
        .prefetch_related(Prefetch("history", queryset=HistoryEntry.objects.order_by("created_at", "id")))
        .order_by("-created_at", "-id")
    )


def notices_of(*, user: User, limit: int = 20) -> list[Notice]:
    """The latest notices to the user about their applications."""
    return list(Notice.objects.filter(recipient=user).select_related("application")[:limit])


def application_for_detail(*, user: User, application_id: int) -> Application:
    """One application the user may see, with its history, submissions and their files (404 otherwise)."""
    return (
        applications_visible_to(user)
        .select_related("employer", "department")
        .prefetch_related(
            Prefetch("history", queryset=HistoryEntry.objects.select_related("actor").order_by("created_at", "id")),
            Prefetch("submissions", queryset=Submission.objects.prefetch_related("materials").order_by("-revision")),
        )
        .get(pk=application_id)
    )


def last_return(application: Application) -> HistoryEntry | None:
    """The reviewer's latest return for supplement, when the application is returned (reasons and items)."""
    if application.state != State.RETURNED:
        return None
    returns = [entry for entry in application.history.all() if entry.transition == "return_for_supplement"]
    return returns[-1] if returns else None


def material_for_download(*, user: User, material_id: int) -> Material:
    """A file of an application whose materials the user may read; anything else does not exist for them."""
    return Material.objects.select_related("application").get(
        pk=material_id, application__in=applications_with_materials_visible_to(user), content_deleted_at__isnull=True
    )


def employer_applications(*, user: User) -> QuerySet[Application]:
    """The applications of the employer officer's units, past the draft (workflow.md: employer sees)."""
    if not user.has_role(Role.EMPLOYER):
        return Application.objects.none()
    return (
        applications_visible_to(user)
        .filter(employer__in=user.employers.all())
        .select_related("employer")
        .order_by("-submitted_at", "-id")
    )


def stored_profiles() -> Iterator[StoredProfile]:
    """Every application's eligibility answers (card holders' too), read in chunks for a successor's impact preview.

    Withdrawn applications are left out: nobody waits for them.
    """
    rows = (
        Application.objects.exclude(state=State.WITHDRAWN)
        .order_by("pk")
        .values_list("number", "full_name", "state", "kind", "profile", "case_by_case")
    )
    for number, full_name, state, kind, profile, case_by_case in rows.iterator(chunk_size=2000):
        data = {key: value for key, value in (profile or {}).items() if key not in ("on_date", "case_by_case")}
        data["case_by_case"] = case_by_case
        yield StoredProfile(
            reference={"number": number or "", "name": full_name, "state": state, "kind": kind}, data=data
        )
