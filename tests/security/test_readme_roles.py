"""The README's table "What each role finds" against the access matrix: every page it lists for a role is one the
matrix lets that role open (its own object where the URL names one)."""

import re
from pathlib import Path

import pytest
from django.urls import resolve

from tests.security.access_matrix import ADMIN_DEFAULT, ALLOW, COLUMNS, ROWS

README = Path(__file__).resolve().parents[2] / "README.md"
# The README's words for the roles, as the matrix's columns (a card holder and an invited person are applicants).
ROLE_WORDS = {
    "anyone": ("anonymous",),
    "applicant": ("applicant",),
    "card holder": ("applicant",),
    "invited person": ("applicant",),
    "employer officer": ("employer",),
    "department reviewer": ("department_reviewer",),
    "department": ("department_reviewer",),
    "hr bureau": ("hr_reviewer",),
    "talent office": ("talent_office",),
    "auditor": ("auditor",),
    "service desk": ("service_desk",),
    "service desks": ("service_desk",),
    "reviewers": ("department_reviewer", "hr_reviewer", "talent_office"),
}
# Path parameters as the README writes them, with a value each resolves with.
PLACEHOLDERS = {"<role>": "department_reviewer", "<id>": "1", "<token>": "a-token"}


def readme_rows() -> list[tuple[list[str], list[str]]]:
    """(columns, paths) of each row of the table."""
    text = README.read_text(encoding="utf-8")
    table = text.split("## What each role finds", 1)[1].split("\n\n", 2)[1]
    rows = []
    for line in table.splitlines()[2:]:
        who, where, _what = (cell.strip() for cell in line.strip("|").split("|", 2))
        words = [re.sub(r"\(.*?\)", "", word).strip().lower() for word in who.split(",")]
        columns = [column for word in words for column in ROLE_WORDS[word]]
        paths = re.findall(r"`(/[^`]*)`", where)
        rows.append((columns, paths))
    return rows


ROWS_BY_NAME = {row.name: row for row in ROWS if row.method == "GET"}
CASES = [(column, path) for columns, paths in readme_rows() for path in paths for column in columns]


def test_the_table_is_read_whole():
    rows = readme_rows()
    assert len(rows) >= 20
    assert all(columns and paths for columns, paths in rows)


@pytest.mark.parametrize(("column", "path"), CASES, ids=[f"{column}:{path}" for column, path in CASES])
def test_the_readme_lists_only_pages_the_role_may_open(column, path):
    concrete = path
    for placeholder, value in PLACEHOLDERS.items():
        concrete = concrete.replace(placeholder, value)
    match = resolve(concrete)
    index = COLUMNS.index(column)
    if match.view_name.startswith("admin:"):
        # The admin is for staff users whatever their role (the matrix's staff column).
        assert ADMIN_DEFAULT.split()[COLUMNS.index("staff")] == ALLOW
        return
    row = ROWS_BY_NAME[match.view_name]
    own = next(iter(row.expectations().values()))
    assert own[index] == ALLOW, f"{path} is listed for {column}, and the access matrix says {own[index]}"
