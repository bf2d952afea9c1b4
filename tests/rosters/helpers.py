"""Rosters made as an employer would: the portal's template, filled in row by row."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from rosters.columns import COLUMNS, SHEET_NAME
from rosters.reader import template_workbook
from tests.factories import resident_id

COLUMN_INDEX = {column.key: index for index, column in enumerate(COLUMNS, start=1)}


def staff_row(serial: int, **values) -> dict:
    """A staff member who passes no criterion unless told otherwise: in the district, a bachelor."""
    row = {
        "full_name": f"员工{serial}",
        "document_number": resident_id(birth=f"1985{serial // 1000 % 12 + 1:02d}17", serial=serial % 1000),
        "mobile": f"1390000{serial:04d}",
        "email": f"staff{serial}@example.org",
        "employer.registered_in_district": "是",
        "employer.pays_tax_in_district": "是",
        "employer.district_fiscal_funded": "否",
        "retired": "否",
        "education.degree": "学士",
    }
    row.update(values)
    return row


def roster_bytes(rows: list[dict], *, edit=None) -> bytes:
    """The template with `rows` filled in (column key → cell value); `edit(workbook)` may spoil it afterwards."""
    workbook = load_workbook(io.BytesIO(template_workbook(policy=None)))
    sheet = workbook[SHEET_NAME]
    for offset, row in enumerate(rows, start=2):
        for key, value in row.items():
            sheet.cell(row=offset, column=COLUMN_INDEX[key], value=value)
    if edit is not None:
        edit(workbook)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def ten_staff() -> list[dict]:
    """Ten staff: row 2 holds a senior title (D11, diamond), row 3 a doctorate (G06, gold), row 4 is a manager of a
    key enterprise whose G12 depends on the department's list, the rest qualify for nothing."""
    rows = [staff_row(serial) for serial in range(1, 11)]
    rows[0]["honours"] = "senior_professional_title"
    rows[1].update({"education.degree": "博士", "education.postgraduate": "是"})
    rows[2].update(
        {
            "enterprise.role": "中高层管理人员",
            "enterprise.above_scale": "是",
            "enterprise.economic_contribution_yuan": 500000,
        }
    )
    return rows
