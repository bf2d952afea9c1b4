"""The queue's exports: CSV (UTF-8 with a BOM so that Excel reads it) and .xlsx, with no ID number and no phone.

Names come from applicants (their own, a new employer's): a spreadsheet must show them, never run them.
"""

import io
from collections.abc import Iterable, Iterator
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from applications.models import Application, Kind, Tier
from applications.workflow import State
from baiyun_talent.csvstream import csv_lines
from baiyun_talent.i18n import chinese_active
from reviews.deadlines import stage_deadlines, stage_due
from reviews.queues import QueueFilters, queue_filter, queue_for, queue_ordered


def export_header() -> list[str]:
    return [
        _("Application number"),
        _("Name"),
        _("Kind"),
        _("Tier requested"),
        _("Determined tier"),
        _("Employer"),
        _("Industry department"),
        _("State"),
        _("Submitted"),
        _("In the stage since"),
        _("Overdue"),
    ]


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value else ""


# What a line is made of, read as plain tuples: no model instance, no JSON column.
EXPORT_COLUMNS = (
    "number",
    "full_name",
    "kind",
    "requested_tier",
    "case_by_case",
    "determined_tier",
    "employer__name",
    "employer__name_en",
    "department__name",
    "department__name_en",
    "state",
    "submitted_at",
    "stage_entered_at",
)


def export_queryset(*, user: User, role: Role, filters: QueueFilters) -> QuerySet[Application]:
    """The filtered queue in queue order, as the dashboard shows it."""
    ordered, _descending = queue_ordered(
        queue_filter(queryset=queue_for(user=user, role=role), filters=filters), filters.sort
    )
    return ordered


def export_lines(*, queryset: QuerySet[Application], chunk_size: int = 2000) -> Iterator[list[str]]:
    """Every exported line, from the database in chunks; personal identifiers (document number, phone, e-mail) are
    never part of it. Labels are worked out once per value, due dates once per stage and day entered."""
    deadlines = stage_deadlines()
    today = timezone.localdate()
    english = not chinese_active()
    case_by_case = _("Case by case (一事一议)")
    yes, no = _("Yes"), _("No")
    labels: dict[tuple, str] = {}
    dues: dict[tuple, date | None] = {}

    def label(choices, value: str) -> str:
        key = (choices, value)
        if key not in labels:
            labels[key] = _label(choices, value)
        return labels[key]

    def local_minute(moment) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    for (
        number,
        full_name,
        kind,
        requested_tier,
        by_case,
        determined_tier,
        employer_name,
        employer_name_en,
        department_name,
        department_name_en,
        state,
        submitted_at,
        stage_entered_at,
    ) in queryset.values_list(*EXPORT_COLUMNS).iterator(chunk_size=chunk_size):
        entered = timezone.localdate(stage_entered_at)
        if (state, entered) not in dues:
            dues[state, entered] = stage_due(entered=stage_entered_at, deadline=deadlines.get(state))
        due = dues[state, entered]
        yield [
            number or "",
            full_name,
            label(Kind, kind),
            label(Tier, requested_tier) or (case_by_case if by_case else ""),
            label(Tier, determined_tier),
            (employer_name_en if english and employer_name_en else employer_name) or "",
            (department_name_en if english and department_name_en else department_name) or "",
            label(State, state),
            local_minute(submitted_at),
            local_minute(stage_entered_at),
            yes if state in deadlines and due is not None and today > due else no,
        ]


def csv_export_lines(lines: Iterable[list[str]]) -> Iterator[str]:
    """The CSV export line by line, for a StreamingHttpResponse or a file."""
    return csv_lines(export_header(), lines, quote_all=True)


def xlsx_bytes(lines: Iterable[list[str]]) -> tuple[bytes, int]:
    """The .xlsx export (a write-only workbook, so memory stays flat) and its number of rows."""
    # Imported here: openpyxl costs every process that starts a noticeable part of its start-up (bench/startup.py).
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Applications"))
    sheet.append(export_header())
    count = 0
    for line in lines:
        sheet.append([_text_cell(sheet, value) for value in line])
        count += 1
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue(), count


def _text_cell(sheet, value: str):
    """A cell stored as text: openpyxl would otherwise write a value starting with "=" as a live formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def export_bytes(*, lines: Iterable[list[str]], export_format: str) -> tuple[bytes, int]:
    """A whole export as bytes, with its number of rows."""
    if export_format == "xlsx":
        return xlsx_bytes(lines)
    count = 0
    chunks = []
    for index, line in enumerate(csv_export_lines(lines)):
        chunks.append(line)
        count = index
    return "".join(chunks).encode("utf-8"), count
