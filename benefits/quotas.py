"""Calendar periods and the counting of a holder's uses against a service's quotas (第四条（四）（十）（十一）（十三）).

"每月" and "每年" are calendar months and years in Asia/Shanghai (spec): a use belongs to the period of its local date.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from benefits.models import Period, Quota, Use


def period_start(day: date, period: str) -> date:
    """The first day of the calendar month or year that `day` falls in."""
    return day.replace(day=1) if period == Period.MONTH else day.replace(month=1, day=1)


def period_end(day: date, period: str) -> date:
    """The last day of the calendar month or year that `day` falls in."""
    if period == Period.YEAR:
        return day.replace(month=12, day=31)
    following = (
        day.replace(year=day.year + 1, month=1, day=1) if day.month == 12 else day.replace(month=day.month + 1, day=1)
    )
    return date.fromordinal(following.toordinal() - 1)


@dataclass(frozen=True)
class QuotaState:
    quota: Quota
    starts_on: date
    ends_on: date
    used: int

    @property
    def remaining(self) -> int:
        return max(self.quota.uses - self.used, 0)


def quota_states(*, holder_id: int, quotas: list[Quota], day: date) -> list[QuotaState]:
    """How much of each quota the holder has used in the period that contains `day`: one query for all of them."""
    if not quotas:
        return []
    keys = {(quota.group, period_start(day, quota.period)) for quota in quotas}
    counts: dict[tuple[str, date], int] = {}
    rows = (
        Use.objects.filter(holder_id=holder_id, cancelled_at__isnull=True, quota_group__in={g for g, _s in keys})
        .filter(period_starts_on__in={s for _g, s in keys})
        .values("quota_group", "period_starts_on")
        .annotate(used=Count("id"))
    )
    for row in rows:
        counts[(row["quota_group"], row["period_starts_on"])] = row["used"]
    return [
        QuotaState(
            quota=quota,
            starts_on=period_start(day, quota.period),
            ends_on=period_end(day, quota.period),
            used=counts.get((quota.group, period_start(day, quota.period)), 0),
        )
        for quota in quotas
    ]
