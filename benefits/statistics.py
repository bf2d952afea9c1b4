"""Uses per service and month for the HR bureau and the talent office: a table, bars of each service's total, and a
CSV."""

from datetime import date

from baiyun_talent.charts import bars_of
from benefits.selectors import services_of_policy, uses_per_service_and_month


def statistics_table(*, year: int) -> dict:
    """Each service's uses in each month of `year`, its total, and the chart of the totals (longest = full)."""
    months = [date(year, month, 1) for month in range(1, 13)]
    counts: dict[tuple[int, date], int] = {}
    for row in uses_per_service_and_month(year=year):
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        counts[(row["service__number"], month)] = row["count"]
    rows = []
    for service in services_of_policy():
        per_month = [counts.get((service.number, month), 0) for month in months]
        rows.append({"service": service, "counts": per_month, "total": sum(per_month)})
    return {
        "year": year,
        "months": months,
        "rows": rows,
        "bars": bars_of((f"{row['service'].number}. {row['service'].name}", row["total"]) for row in rows),
        "total": sum(r["total"] for r in rows),
    }
