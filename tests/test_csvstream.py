"""The CSV downloads' one writer: a byte-order mark first, text that would start a formula kept as typed (OWASP)."""

import csv
import io

import pytest
from django.utils.translation import gettext_lazy

from baiyun_talent.csvstream import BOM, csv_lines


def parsed(lines) -> list[list[str]]:
    text = "".join(lines)
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


@pytest.mark.parametrize("name", ["=HYPERLINK(1)", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_a_would_be_formula_is_written_as_text(name):
    assert parsed(csv_lines(["Name"], [[name]])) == [["Name"], ["'" + name]]


def test_numbers_plain_text_and_lazy_labels_are_written_as_they_are():
    rows = parsed(csv_lines([gettext_lazy("Total")], [[-3, "白云区", gettext_lazy("Name")]]))
    assert rows == [["合计"], ["-3", "白云区", "姓名"]]


def test_quote_all_quotes_every_cell():
    assert "".join(csv_lines(["a"], [["b", 1]], quote_all=True)) == BOM + '"a"\r\n"b","1"\r\n'
