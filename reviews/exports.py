"""The queue's exports: CSV (UTF-8 with a BOM so that Excel reads it) and .xlsx, with no ID number and no phone.

Names come from applicants (their own, a new employer's): a spreadsheet must show them, never run them.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Kind, Tier
from applications.workflow import State
from reviews.selectors import QueueRow

BOM = "\ufeff"
# OWASP "CSV Injection": a cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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


def export_line(row: QueueRow) -> list[str]:
    """One exported line; personal identifiers (document number, phone, e-mail) are never part of it."""
    application = row.application
    tier = _label(Tier, application.requested_tier) or (
        _("Case by case (一事一议)") if application.case_by_case else ""
    )
    return [
        application.number or "",
        application.full_name,
        _label(Kind, application.kind),
        tier,
        _label(Tier, application.determined_tier),
        application.employer.display_name if application.employer else "",
        application.department.display_name if application.department else "",
        _label(State, application.state),
        timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M") if application.submitted_at else "",
        timezone.localtime(application.stage_entered_at).strftime("%Y-%m-%d %H:%M"),
        _("Yes") if row.overdue else _("No"),
    ]


def csv_cell(value: str) -> str:
    """OWASP's rule: a leading quote makes a would-be formula plain text, shown as typed."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[QueueRow]) -> Iterator[str]:
    """The CSV export line by line, for a StreamingHttpResponse or a file."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    yield BOM + writer.writerow(export_header())
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in export_line(row)])


def xlsx_bytes(rows: Iterable[QueueRow]) -> tuple[bytes, int]:
    """The .xlsx export (a write-only workbook, so memory stays flat) and its number of rows."""
    # Imported here: openpyxl costs every process that starts a noticeable part of its start-up (bench/startup.py).
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Applications"))
    sheet.append(export_header())
    count = 0
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in export_line(row)])
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


def export_bytes(*, rows: Iterable[QueueRow], export_format: str) -> tuple[bytes, int]:
    """A whole export as bytes, with its number of rows."""
    if export_format == "xlsx":
        return xlsx_bytes(rows)
    count = 0
    chunks = []
    for index, line in enumerate(csv_lines(rows)):
        chunks.append(line)
        count = index
    return "".join(chunks).encode("utf-8"), count
