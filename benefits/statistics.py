"""Uses per service and month for the HR bureau and the talent office: a table, CSS-free SVG bars, and a CSV."""

from datetime import date

from benefits.selectors import services_of_policy, uses_per_service_and_month

BAR_WIDTH = 330


def statistics_table(*, year: int) -> dict:
    """Each service's uses in each month of `year`, its total, and the bar lengths of the chart (longest = full)."""
    months = [date(year, month, 1) for month in range(1, 13)]
    counts: dict[tuple[int, date], int] = {}
    for row in uses_per_service_and_month(year=year):
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        counts[(row["service__number"], month)] = row["count"]
    rows = []
    for service in services_of_policy():
        per_month = [counts.get((service.number, month), 0) for month in months]
        rows.append({"service": service, "counts": per_month, "total": sum(per_month)})
    largest = max((row["total"] for row in rows), default=0) or 1
    for index, row in enumerate(rows):
        row["bar"] = round(BAR_WIDTH * row["total"] / largest)
        row["y"] = index * 24
    return {
        "year": year,
        "months": months,
        "rows": rows,
        "chart_height": len(rows) * 24,
        "total": sum(r["total"] for r in rows),
    }
