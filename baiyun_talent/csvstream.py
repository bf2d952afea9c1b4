"""CSV downloads streamed line by line: UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese,
and every text cell kept from running as a formula (OWASP "CSV Injection")."""

import csv
from collections.abc import Iterable, Iterator

from django.utils.functional import Promise

BOM = "\ufeff"
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """Text as typed, with a leading quote where it would start a formula (OWASP's rule); numbers as they are."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _Line:
    """A file-like sink that hands csv.writer's output back as a string."""

    def write(self, text: str) -> str:
        return text


def csv_lines(header: Iterable[object], rows: Iterable[Iterable[object]], *, quote_all: bool = False) -> Iterator[str]:
    """The header and each row as CSV lines, the first with the byte-order mark."""
    writer = csv.writer(_Line(), quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    yield BOM + writer.writerow([str(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_cell(cell) for cell in row])
