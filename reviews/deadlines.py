"""Time in a stage and the district's 办结时限: due dates counted in China's working days."""

from datetime import date, datetime, timedelta

import chinese_calendar
from django.utils import timezone

from reviews.caching import (
    DEADLINES_VERSION,
    cache_key,
    cache_version,
    cached,
    queue_cache_enabled,
)
from reviews.models import DeadlineUnit, StageDeadline


def stage_deadlines() -> dict[str, StageDeadline]:
    """The time limit of each stage, read once per page (kept in the shared cache until one is changed)."""

    def read() -> dict[str, StageDeadline]:
        return {deadline.state: deadline for deadline in StageDeadline.objects.all()}

    if not queue_cache_enabled():
        return read()
    return cached(cache_key("deadlines", cache_version(DEADLINES_VERSION)), read)


# A due date is at most this far ahead (30 calendar days for the leading group, 10 working days elsewhere).
DUE_HORIZON = timedelta(days=60)


def _calendar_knows(year: int) -> bool:
    """Whether the holiday calendar has the State Council's schedule of that year."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def working_day(day: date) -> bool:
    """China's working days: public holidays do not count, 调休 make-up Saturdays and Sundays do.

    A year the calendar does not know yet counts Monday to Friday; working_calendar_gaps tells the talent office.
    """
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_calendar_gaps(*, today: date) -> list[int]:
    """The years that due dates from today may reach and whose public holidays the calendar does not know yet."""
    return [year for year in range(today.year, (today + DUE_HORIZON).year + 1) if not _calendar_knows(year)]


def working_days_add(start: date, days: int) -> date:
    """The day `days` working days after `start`."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if working_day(current):
            days -= 1
    return current


def stage_due(*, entered: datetime, deadline: StageDeadline | None) -> date | None:
    """The last day of the stage's time limit, counted from the day the application entered it."""
    if deadline is None:
        return None
    start = timezone.localdate(entered)
    if deadline.unit == DeadlineUnit.WORKING_DAYS:
        return working_days_add(start, deadline.days)
    return start + timedelta(days=deadline.days)
