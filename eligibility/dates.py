"""Calendar arithmetic for periods counted in years (spec: "Reading the boundary words")."""

from __future__ import annotations

from datetime import date

__all__ = ["date_add_years", "date_parse_iso", "years_between"]


def date_add_years(start: date, *, years: int) -> date:
    """End of a period of whole years: the corresponding day, or the month's last day when 29 Feb does not exist."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        # 民法典 第二百零三条: without a corresponding day the period ends on the last day of that month.
        return date(start.year + years, 2, 28)


def years_between(start: date, end: date) -> int:
    """Whole years elapsed from start to end, so that a founding date's age is read as the policy counts it."""
    years = end.year - start.year
    if date_add_years(start, years=years) > end:
        years -= 1
    return years


def date_parse_iso(text: str) -> date | None:
    """Strict YYYY-MM-DD, because date.fromisoformat also accepts week dates and compact forms we never want."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    year, month, day = text[0:4], text[5:7], text[8:10]
    digits = year + month + day
    if not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
