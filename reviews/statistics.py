"""Statistics for the HR bureau, the talent office and the auditor: counts and the median time of each stage."""

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from applications.models import HistoryEntry, Tier
from applications.selectors import applications_visible_to
from applications.workflow import WAITING_STATES, State
from reviews.selectors import CASE_BY_CASE


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    # Share of the longest bar, 0–100, for the SVG chart.
    percent: float
    display: str = ""


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return 24 * len(self.bars) + 8


def _bars(pairs: list[tuple[str, float]], display=None) -> list[Bar]:
    largest = max((value for _label, value in pairs), default=0) or 1
    return [
        Bar(
            label=label,
            value=value,
            percent=round(100 * value / largest, 1),
            display=display(value) if display else str(value),
        )
        for label, value in pairs
    ]


def tier_key(*, requested_tier: str, determined_tier: str, case_by_case: bool) -> str:
    """The tier an application is counted under: the determined one, else the requested one, else 一事一议."""
    return determined_tier or requested_tier or (CASE_BY_CASE if case_by_case else "")


def stage_durations(*, history: list[tuple[int, str, str, object]]) -> dict[str, list[timedelta]]:
    """How long each stage lasted, from consecutive history entries (entering a state, then leaving it)."""
    durations: dict[str, list[timedelta]] = {}
    entered: dict[int, tuple[str, object]] = {}
    for application_id, source, target, created_at in history:
        previous = entered.get(application_id)
        if previous is not None and previous[0] == source and source in WAITING_STATES:
            durations.setdefault(source, []).append(created_at - previous[1])
        entered[application_id] = (target, created_at)
    return durations


def duration_bars(pairs: list[tuple[str, float]]) -> list[Bar]:
    """Durations given in days, charted in one unit chosen by the longest (days, hours or minutes).

    The bars are drawn from the rounded figures their labels show, so that "0.0" is never a full bar.
    """
    longest = max((value for _label, value in pairs), default=0)
    if longest >= 1:
        factor, text = 1, _("%(value).1f days")
    elif longest * 24 >= 1:
        factor, text = 24, _("%(value).1f hours")
    else:
        factor, text = 24 * 60, _("%(value).1f minutes")
    shown = [(label, round(value * factor, 1)) for label, value in pairs]
    return _bars(shown, display=lambda value: text % {"value": value})


def statistics_for(*, user: User) -> dict:
    """The statistics page's numbers over the applications the user may see, as tables and charts."""
    scope = applications_visible_to(user).exclude(state=State.DRAFT)

    by_tier: dict[str, int] = {}
    for row in scope.values("requested_tier", "determined_tier", "case_by_case").annotate(count=Count("id")):
        key = tier_key(
            requested_tier=row["requested_tier"],
            determined_tier=row["determined_tier"],
            case_by_case=row["case_by_case"],
        )
        by_tier[key] = by_tier.get(key, 0) + row["count"]
    tier_labels = {**dict(Tier.choices), CASE_BY_CASE: _("Case by case (一事一议)"), "": _("Not given")}
    tiers = [(str(tier_labels[key]), by_tier[key]) for key in tier_labels if key in by_tier]

    by_state = dict(scope.values_list("state").annotate(count=Count("id")).values_list("state", "count"))
    states = [(str(state.label), by_state[state.value]) for state in State if state.value in by_state]

    by_department = dict(scope.values_list("department").annotate(count=Count("id")).values_list("department", "count"))
    departments = {department.pk: department for department in Department.objects.filter(pk__in=by_department)}
    department_rows = sorted(
        (
            (departments[pk].display_name if pk in departments else _("Not routed"), count)
            for pk, count in by_department.items()
        ),
        key=lambda pair: (-pair[1], pair[0]),
    )

    months = [
        (timezone.localtime(row["month"]).strftime("%Y-%m") if row["month"] else _("Not submitted"), row["count"])
        for row in scope.exclude(submitted_at=None)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("month")
    ]

    history = list(
        HistoryEntry.objects.filter(application__in=scope.values("pk"))
        .order_by("application_id", "created_at", "id")
        .values_list("application_id", "source_state", "target_state", "created_at")
    )
    durations = stage_durations(history=history)
    medians = [
        (str(state.label), statistics.median(durations[state]).total_seconds() / 86400, len(durations[state]))
        for state in WAITING_STATES
        if durations.get(state)
    ]
    total = scope.count()
    return {
        "total": total,
        "tables": {
            "tiers": tiers,
            "states": states,
            "departments": department_rows,
            "months": months,
        },
        "medians": medians,
        "charts": [
            Chart(title=_("Applications by tier"), bars=_bars(tiers)),
            Chart(title=_("Applications by state"), bars=_bars(states)),
            Chart(title=_("Applications by industry department"), bars=_bars(department_rows)),
            Chart(title=_("Applications by month of submission"), bars=_bars(months)),
            Chart(
                title=_("Median time in each stage"),
                bars=duration_bars([(label, value) for label, value, _count in medians]),
            ),
        ],
    }
