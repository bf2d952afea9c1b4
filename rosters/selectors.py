"""Reads of 免申即享: the rosters each user may see, a roster's rows, and the talent office's funnel."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Employer, User
from accounts.roles import Role
from applications.models import Tier
from applications.workflow import State
from rosters.models import Invitation, Roster, RosterRow, RosterStatus

# District staff who read rosters; every read of theirs is logged (rosters.views, rosters.district_views).
DISTRICT_READERS = (Role.TALENT_OFFICE, Role.AUDITOR, Role.DEPARTMENT_REVIEWER)
FUNNEL_STAGES = ("rostered", "qualifying", "invited", "applied", "approved", "issued")
FUNNEL_GROUPS = ("department", "employer", "tier")
_APPROVED_STATES = (State.APPROVED, State.PRODUCED, State.ISSUED)


def district_role(user: User) -> Role | None:
    """The district role in which the user reads rosters, if any (the widest first)."""
    for role in DISTRICT_READERS:
        if user.has_role(role):
            return role
    return None


def rosters_visible_to(user: User) -> QuerySet[Roster]:
    """An employer officer sees its employers' rosters; the department its employers'; the office and auditor all."""
    visible = Roster.objects.none()
    if user.has_role(Role.EMPLOYER):
        visible = visible | Roster.objects.filter(employer__in=user.employers.all())
    if user.has_role(Role.TALENT_OFFICE) or user.has_role(Role.AUDITOR):
        return Roster.objects.exclude(status=RosterStatus.DISCARDED).select_related("employer")
    if user.has_role(Role.DEPARTMENT_REVIEWER):
        visible = visible | Roster.objects.filter(
            employer__department__in=user.departments.all(), status=RosterStatus.CONFIRMED
        )
    return visible.select_related("employer").distinct()


def rosters_of_employers(*, user: User) -> QuerySet[Roster]:
    """The officer's own rosters, newest first (the discarded ones are gone from the list)."""
    return (
        Roster.objects.filter(employer__in=user.employers.all())
        .exclude(status=RosterStatus.DISCARDED)
        .select_related("employer")
    )


def roster_rows_page(*, roster: Roster, only: str = "") -> QuerySet[RosterRow]:
    rows = roster.rows.select_related("invitation").order_by("row_number")
    if only == "errors":
        rows = rows.exclude(errors=[])
    elif only == "qualifying":
        rows = rows.filter(eligible=True, errors=[], other_employer=False)
    return rows


def invitations_of_person(*, user: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(person=user).select_related("employer", "application")


@dataclass(frozen=True)
class FunnelLine:
    key: object
    label: str
    counts: dict[str, int]


def _funnel_rows(group: str):
    rows = RosterRow.objects.filter(roster__status=RosterStatus.CONFIRMED)
    qualifying = Q(eligible=True, errors=[], other_employer=False)
    application = "invitation__application__"
    counts = {
        "rostered": Count("pk"),
        "qualifying": Count("pk", filter=qualifying),
        "invited": Count("invitation"),
        "applied": Count("invitation", filter=Q(**{f"{application}submitted_at__isnull": False})),
        "approved": Count("invitation", filter=Q(**{f"{application}state__in": _APPROVED_STATES})),
        "issued": Count("invitation", filter=Q(**{f"{application}state": State.ISSUED})),
    }
    return rows.values(*_GROUP_KEYS[group]).annotate(**counts).order_by(_GROUP_KEYS[group][0])


# Per grouping: the key, then the name in Chinese and in English.
_GROUP_KEYS = {
    "department": (
        "roster__employer__department_id",
        "roster__employer__department__name",
        "roster__employer__department__name_en",
    ),
    "employer": ("roster__employer_id", "roster__employer__name", "roster__employer__name_en"),
    "tier": ("tier",),
}


def funnel(*, group: str, english: bool) -> tuple[list[FunnelLine], dict[str, int]]:
    """rostered → qualifying → invited → applied → approved → issued, by department, employer or tier, and the total."""
    if group not in FUNNEL_GROUPS:
        group = "department"
    lines: list[FunnelLine] = []
    total = dict.fromkeys(FUNNEL_STAGES, 0)
    for found in _funnel_rows(group):
        counts = {stage: found[stage] for stage in FUNNEL_STAGES}
        for stage in FUNNEL_STAGES:
            total[stage] += counts[stage]
        keys = _GROUP_KEYS[group]
        key = found[keys[0]]
        if group == "tier":
            label = str(Tier(key).label) if key in Tier.values else str(_("No tier reached"))
        else:
            label = (found[keys[2]] if english else "") or found[keys[1]]
        lines.append(FunnelLine(key=key, label=label, counts=counts))
    return lines, total


def employers_without_roster() -> QuerySet[Employer]:
    """Confirmed employers that have sent no roster yet (none confirmed)."""
    return (
        Employer.objects.filter(confirmed=True)
        .exclude(rosters__status=RosterStatus.CONFIRMED)
        .select_related("department")
        .order_by("department__code", "name")
    )
