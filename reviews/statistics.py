"""Statistics for the HR bureau, the talent office and the auditor: counts and the median time of each stage."""

import statistics
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.roles import Role
from applications.models import Application, StageTime, Tier
from applications.rules import department_ids
from applications.selectors import applications_visible_to, sees_every_submitted
from applications.workflow import WAITING_STATES, State
from baiyun_talent.charts import Bar, bars_of
from reviews.caching import QUEUE_VERSION, cache_key, cache_version, cached, queue_cache_enabled
from reviews.queues import CASE_BY_CASE


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]


def tier_key(*, requested_tier: str, determined_tier: str, case_by_case: bool) -> str:
    """The tier an application is counted under: the determined one, else the requested one, else 一事一议."""
    return determined_tier or requested_tier or (CASE_BY_CASE if case_by_case else "")


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
    return bars_of(shown, display=lambda value: text % {"value": value})


def stage_medians(*, scope: QuerySet[Application] | None) -> list[tuple[str, float, int]]:
    """The median time of each waiting stage over the scope, in days, with the number of stays it is taken from.

    Read from the stored stage times: a grouped count, then the one or two middle values of each stage from the
    (state, duration) index, so nothing grows in Python with the history. No scope: every submitted application,
    which are all the applications with stage times (no transition leads back to a draft), read from the index alone.
    """
    times = StageTime.objects.all() if scope is None else StageTime.objects.filter(application__in=scope.values("pk"))
    counts = dict(times.values_list("state").annotate(count=Count("id")).values_list("state", "count"))
    medians = []
    for state in WAITING_STATES:
        count = counts.get(state, 0)
        if not count:
            continue
        middle = list(
            times.filter(state=state)
            .order_by("duration")
            .values_list("duration", flat=True)[(count - 1) // 2 : count // 2 + 1]
        )
        medians.append((str(state.label), statistics.median(middle).total_seconds() / 86400, count))
    return medians


def statistics_for(*, user: User) -> dict:
    """The statistics page's numbers over the applications the user may see, kept until an application changes.

    With the shared cache on (reviews/caching.py) the key holds the user's scope (roles, departments, and the user
    for the roles that see their own applications), the language and the day.
    """
    if not queue_cache_enabled():
        return _statistics_read(user=user)
    roles = sorted(user.role_codes)
    key = cache_key(
        "statistics",
        cache_version(QUEUE_VERSION),
        roles,
        sorted(department_ids(user)) if Role.DEPARTMENT_REVIEWER in user.role_codes else (),
        user.pk if user.role_codes & {Role.APPLICANT, Role.EMPLOYER} else None,
        get_language(),
        timezone.localdate().isoformat(),
    )
    return cached(key, lambda: _statistics_read(user=user))


def _statistics_read(*, user: User) -> dict:
    scope = applications_visible_to(user).exclude(state=State.DRAFT)

    # One pass over the applications for the tiers, the states and the departments: a grouped count.
    by_tier: dict[str, int] = {}
    by_state: dict[str, int] = {}
    by_department: dict[int | None, int] = {}
    for requested_tier, determined_tier, case_by_case, state, department, count in (
        scope.values_list("requested_tier", "determined_tier", "case_by_case", "state", "department")
        .annotate(count=Count("id"))
        .order_by()
    ):
        key = tier_key(requested_tier=requested_tier, determined_tier=determined_tier, case_by_case=case_by_case)
        by_tier[key] = by_tier.get(key, 0) + count
        by_state[state] = by_state.get(state, 0) + count
        by_department[department] = by_department.get(department, 0) + count
    tier_labels = {**dict(Tier.choices), CASE_BY_CASE: _("Case by case (一事一议)"), "": _("Not given")}
    tiers = [(str(tier_labels[key]), by_tier[key]) for key in tier_labels if key in by_tier]

    states = [(str(state.label), by_state[state.value]) for state in State if state.value in by_state]

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

    medians = stage_medians(scope=None if sees_every_submitted(user) else scope)
    total = sum(by_state.values())
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
            Chart(title=_("Applications by tier"), bars=bars_of(tiers)),
            Chart(title=_("Applications by state"), bars=bars_of(states)),
            Chart(title=_("Applications by industry department"), bars=bars_of(department_rows)),
            Chart(title=_("Applications by month of submission"), bars=bars_of(months)),
            Chart(
                title=_("Median time in each stage"),
                bars=duration_bars([(label, value) for label, value, _count in medians]),
            ),
        ],
    }
