"""The roster template (.xlsx) and the streamed reading of an uploaded roster: a file that is not the template is
refused as a whole; every other problem is an error of its row that names the row, the column and the reason.

Reading is streamed (openpyxl read_only, and the merged-cell check parses the sheet's XML incrementally), so the
memory used does not grow with the number of rows.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation

from accounts.validators import mobile_normalise
from applications.identity import DocumentType, identity_number_validate
from eligibility.catalogue import Policy
from eligibility.profile import BOOL, CHOICE, DATE, INTEGER, MONEY
from rosters.columns import (
    COLUMNS,
    EMAIL,
    GUIDE_SHEET_NAME,
    HEADINGS,
    HONOURS,
    IDENTITY,
    MOBILE,
    NO,
    SHEET_NAME,
    TEXT,
    YES,
    Column,
)

# The most rows one roster may hold; more is refused with the limit named.
MAX_ROWS = 100_000
MAX_BYTES = 50 * 1024 * 1024
_SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TRUE_WORDS = frozenset({YES, "true", "yes", "y", "1"})
_FALSE_WORDS = frozenset({NO, "false", "no", "n", "0"})
_HONOUR_SPLIT = re.compile(r"[;；,，、\s]+")
_DATE_TEXT = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
)
# Excel's serial numbers of 1900-01-01 and 2100-12-31: a number outside is no date.
_SERIAL_RANGE = (1, 73415)


class RosterRefused(Exception):
    """The file as a whole is not a roster this portal can read: a reason in both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


@dataclass
class ParsedRow:
    """One row as read: the person's fields, the profile it states, its empty profile cells and its errors."""

    number: int
    person: dict[str, str] = field(default_factory=dict)
    profile: dict = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)

    def error(self, column: Column, zh: str, en: str) -> None:
        self.errors.append({"column_zh": column.zh, "column_en": column.en, "zh": zh, "en": en})


class _CellError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def _both(error: ValidationError) -> tuple[str, str]:
    """A Django validation message in Chinese and in English."""
    with translation.override("zh-hans"):
        zh = " ".join(str(message) for message in error.messages)
    with translation.override("en"):
        en = " ".join(str(message) for message in error.messages)
    return zh, en


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole_number(value: object, *, maximum: int | None) -> int:
    if isinstance(value, bool):
        raise _CellError("应为整数", "must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise _CellError("应为整数（金额以元计）", "must be a whole number (amounts in yuan)")
        value = int(value)
    if isinstance(value, str):
        cleaned = value.replace(",", "").replace("，", "").strip()
        if not re.fullmatch(r"-?\d+", cleaned):
            raise _CellError(f"“{value[:40]}”不是整数", f"'{value[:40]}' is not a whole number")
        value = int(cleaned)
    if not isinstance(value, int):
        raise _CellError("应为整数", "must be a whole number")
    if value < 0:
        raise _CellError("不能为负数", "cannot be negative")
    if maximum is not None and value > maximum:
        raise _CellError(f"不能大于 {maximum}", f"cannot be more than {maximum}")
    return value


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date typed into a cell not formatted as a date arrives as Excel's serial number.
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        raise _CellError(f"数字 {value} 不是日期", f"the number {value} is not a date")
    text = str(value).strip()
    for pattern in _DATE_TEXT:
        match = pattern.fullmatch(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise _CellError(
        f"“{text[:40]}”不是日期（请填写如 2022-05-01）", f"'{text[:40]}' is not a date (write it as 2022-05-01)"
    )


class CellReader:
    """Turns the cells of a row into values by the columns' kinds, with the honour names of one policy version."""

    def __init__(self, *, policy: Policy | None, today: date) -> None:
        self.today = today
        self.honours: dict[str, str] = {}
        if policy is not None:
            for honour in policy.honours:
                self.honours[honour.code] = honour.code
                self.honours[honour.zh] = honour.code
                self.honours[honour.en.lower()] = honour.code

    def value(self, column: Column, raw: object) -> object:
        """The stored value of one non-empty cell, or _CellError."""
        kind = column.kind
        if kind == TEXT:
            text = _text(raw)
            if len(text) > 100:
                raise _CellError("超过 100 个字符", "is longer than 100 characters")
            return text
        if kind == IDENTITY:
            try:
                return identity_number_validate(
                    document_type=DocumentType.RESIDENT_ID, number=_text(raw), today=self.today
                )
            except ValidationError as error:
                raise _CellError(*_both(error)) from None
        if kind == MOBILE:
            try:
                return mobile_normalise(_text(raw))
            except ValidationError as error:
                raise _CellError(*_both(error)) from None
        if kind == EMAIL:
            text = _text(raw)
            try:
                validate_email(text)
            except ValidationError:
                raise _CellError(f"“{text[:60]}”不是电子邮箱地址", f"'{text[:60]}' is not an e-mail address") from None
            return text
        if kind == BOOL:
            if isinstance(raw, bool):
                return raw
            word = _text(raw).lower()
            if word in _TRUE_WORDS:
                return True
            if word in _FALSE_WORDS:
                return False
            raise _CellError(f"请填写“{YES}”或“{NO}”", f"write “{YES}” (yes) or “{NO}” (no)")
        if kind in (MONEY, INTEGER):
            return _whole_number(raw, maximum=99 if kind == INTEGER else None)
        if kind == CHOICE:
            word = _text(raw)
            for value, zh, en in column.choices:
                if word in (zh, value) or word.lower() == en.lower():
                    return value
            allowed = "、".join(column.choice_words())
            raise _CellError(
                f"“{word[:40]}”不在可选范围内（{allowed}）",
                f"'{word[:40]}' is not one of the allowed values ({allowed})",
            )
        if kind == DATE:
            return _date(raw)
        if kind == HONOURS:
            codes: list[str] = []
            for token in _HONOUR_SPLIT.split(_text(raw)):
                if not token:
                    continue
                code = self.honours.get(token) or self.honours.get(token.lower())
                if code is None:
                    raise _CellError(f"未知的荣誉“{token[:60]}”", f"unknown honour '{token[:60]}'")
                if code not in codes:
                    codes.append(code)
            return codes
        raise ValueError(f"no reader for the column kind {kind}")

    def row(self, number: int, values: tuple) -> ParsedRow:
        """One data row: each cell read by its column; an empty profile cell is recorded as not known."""
        parsed = ParsedRow(number=number)
        for index, column in enumerate(COLUMNS):
            raw = values[index] if index < len(values) else None
            if isinstance(raw, str) and raw.startswith("="):
                parsed.error(column, "单元格含公式，请填写数值", "the cell holds a formula; type the value instead")
                continue
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if column.required:
                    parsed.error(column, "必填", "is required")
                elif column.is_profile:
                    parsed.unknown.append(column.key)
                continue
            try:
                value = self.value(column, raw)
            except _CellError as error:
                parsed.error(column, error.zh, error.en)
                continue
            if not column.is_profile:
                parsed.person[column.key] = value
            elif column.key == HONOURS:
                parsed.profile["honours"] = value
            else:
                section, _, name = column.key.rpartition(".")
                if section:
                    parsed.profile.setdefault(section, {})[name] = value.isoformat() if column.kind == DATE else value
                else:
                    parsed.profile[name] = value
        return parsed


def _sheet_path(archive: zipfile.ZipFile) -> str | None:
    """The path inside the archive of the roster sheet, by its name in the workbook."""
    ns_main = _SPREADSHEET_NS
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    relation = None
    with archive.open("xl/workbook.xml") as stream:
        for _, element in iterparse(stream):
            if element.tag == f"{ns_main}sheet" and element.get("name") == SHEET_NAME:
                relation = element.get(f"{ns_rel}id")
    if relation is None:
        return None
    with archive.open("xl/_rels/workbook.xml.rels") as stream:
        for _, element in iterparse(stream):
            if element.get("Id") == relation:
                target = element.get("Target", "")
                return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+[0-9]+(?::[A-Z]+([0-9]+))?"')
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z0-9:]+)"')


class _Shape:
    """Counts the rows that hold a value, from expat's start-tag events alone (nothing is kept)."""

    def __init__(self) -> None:
        self.rows = 0
        self._row_has_value = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            self._row_has_value = False
        elif local in ("v", "is") and not self._row_has_value:
            self._row_has_value = True
            self.rows += 1


def _no_entities(*args) -> None:
    # Like defusedxml: a workbook has no business declaring entities (billion laughs, external entities).
    raise DefusedXmlException("entity declarations are not accepted")


def _rows_with_values(archive: zipfile.ZipFile, path: str) -> int:
    """The rows of a sheet that hold a value, from one streamed expat pass that keeps nothing."""
    shape = _Shape()
    parser = expat.ParserCreate()
    parser.StartElementHandler = shape.start
    parser.EntityDeclHandler = _no_entities
    parser.StartDoctypeDeclHandler = _no_entities
    with archive.open(path) as stream:
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return shape.rows


def _sheet_shape(archive: zipfile.ZipFile, path: str) -> tuple[int, list[str]]:
    """The rows of the sheet (at most; exact when its declared size is over the limit) and its merged ranges, so that
    an oversized or merged roster is refused before any row is evaluated.

    The sheet's XML is scanned as bytes, chunk by chunk: a tag cannot hide in cell text, where "<" is escaped. Its
    declared dimension gives the rows; where there is none, or it is over the limit (formatted empty rows count in
    it), an expat pass counts the rows that hold a value.
    """
    declared: int | None = None
    merged: list[str] = []
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk
            if declared is None:
                match = _DIMENSION.search(window)
                if match is not None:
                    declared = int(match.group(1) or 1)
            merged.extend(found.decode() for found in _MERGE_CELL.findall(window))
            # Keep the end of the window for a tag cut in two; a complete tag in it is not counted twice.
            cut = window.rfind(b"<")
            tail = window[cut:] if cut >= len(window) - 200 else b""
            if tail and (_MERGE_CELL.match(tail) or _DIMENSION.match(tail)):
                tail = b""
    if declared is None or declared > MAX_ROWS + 1:
        declared = _rows_with_values(archive, path)
    return declared, merged


def _refuse_not_template(zh_detail: str, en_detail: str) -> RosterRefused:
    return RosterRefused(
        f"这不是本平台的花名册模板：{zh_detail}。请下载模板并按模板填写。",
        f"This is not the portal's roster template: {en_detail}. Download the template and fill it in.",
    )


def roster_rows(file: IO[bytes], *, reader: CellReader) -> Iterator[ParsedRow]:
    """The data rows of an uploaded roster, streamed; RosterRefused for a file that is not the filled template."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(file)
        sheet_path = _sheet_path(archive)
    except (zipfile.BadZipFile, KeyError, OSError):
        raise RosterRefused(
            "文件不是 Excel 工作簿（.xlsx）。请下载模板并按模板填写。",
            "The file is not an Excel workbook (.xlsx). Download the template and fill it in.",
        ) from None
    except (ParseError, DefusedXmlException):
        raise RosterRefused("工作簿已损坏，无法读取。", "The workbook is damaged and cannot be read.") from None
    if sheet_path is None or sheet_path not in archive.namelist():
        raise _refuse_not_template(f"没有名为“{SHEET_NAME}”的工作表", f"it has no sheet named “{SHEET_NAME}”")
    try:
        rows_with_values, merged = _sheet_shape(archive, sheet_path)
    except (expat.ExpatError, DefusedXmlException, zipfile.BadZipFile, OSError):
        raise RosterRefused("工作簿已损坏，无法读取。", "The workbook is damaged and cannot be read.") from None
    if rows_with_values > MAX_ROWS + 1:
        raise _too_many()
    if merged:
        shown = "、".join(merged[:5])
        raise RosterRefused(
            f"花名册中有合并单元格（{shown}）。请取消合并，每人一行、每格一个值。",
            f"The roster has merged cells ({shown}). Unmerge them: one row per person, one value per cell.",
        )
    file.seek(0)
    workbook = load_workbook(file, read_only=True, data_only=False)
    try:
        sheet = workbook[SHEET_NAME]
        rows = sheet.iter_rows(values_only=True)
        heading = next(rows, ())
        heading = tuple(("" if value is None else str(value).strip()) for value in heading)
        while heading and heading[-1] == "":
            heading = heading[:-1]
        if heading != HEADINGS:
            raise _heading_mismatch(heading)
        count = 0
        for number, values in enumerate(rows, start=2):
            if not any(value is not None and (not isinstance(value, str) or value.strip()) for value in values):
                continue
            count += 1
            if count > MAX_ROWS:
                raise _too_many()
            if len(values) > len(COLUMNS) and any(value is not None for value in values[len(COLUMNS) :]):
                parsed = ParsedRow(number=number)
                parsed.errors.append(
                    {
                        "column_zh": "—",
                        "column_en": "—",
                        "zh": "模板列之外的单元格有内容",
                        "en": "cells beyond the template's columns hold values",
                    }
                )
                yield parsed
                continue
            yield reader.row(number, values)
    finally:
        workbook.close()


def _too_many() -> RosterRefused:
    return RosterRefused(
        f"花名册最多 {MAX_ROWS:,} 行（不含表头），本文件超过了这一上限。请分成几个花名册上传。",
        f"A roster may hold at most {MAX_ROWS:,} rows (besides the heading); this file has more. "
        "Split it into several rosters.",
    )


def _heading_mismatch(heading: tuple[str, ...]) -> RosterRefused:
    for index, expected in enumerate(HEADINGS):
        found = heading[index] if index < len(heading) else ""
        if found != expected:
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(index + 1)
            return _refuse_not_template(
                f"第 1 行 {letter} 列应为“{expected}”，实为“{found[:40]}”",
                f"row 1, column {letter} should be headed “{expected}”, not “{found[:40]}”",
            )
    extra = heading[len(HEADINGS)]
    return _refuse_not_template(
        f"第 1 行多出一列“{extra[:40]}”", f"row 1 has a column the template does not have, “{extra[:40]}”"
    )


def template_workbook(*, policy: Policy | None) -> bytes:
    """The roster template: the roster sheet with its headings, data validation and an example row in the guide
    sheet, which also lists every column's meaning, allowed values and the honour codes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append(list(HEADINGS))
    bold = Font(bold=True)
    last_row = MAX_ROWS + 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.comment = Comment(f"{column.en}. 示例 Example: {_example_text(column)}", "白云区人才工作领导小组办公室")
        sheet.column_dimensions[letter].width = max(12, len(column.zh) * 2 + 2)
        cells = f"{letter}2:{letter}{last_row}"
        validation = None
        if column.kind == BOOL:
            validation = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
        elif column.kind == CHOICE:
            validation = DataValidation(type="list", formula1=f'"{",".join(column.choice_words())}"', allow_blank=True)
        elif column.kind == MONEY:
            validation = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        elif column.kind == INTEGER:
            validation = DataValidation(type="whole", operator="between", formula1="1", formula2="3", allow_blank=True)
        elif column.kind == DATE:
            validation = DataValidation(
                type="date", operator="between", formula1="1", formula2=str(_SERIAL_RANGE[1]), allow_blank=True
            )
        elif column.kind in (IDENTITY, MOBILE):
            validation = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="18", allow_blank=True)
            for row in range(2, 202):
                sheet.cell(row=row, column=index).number_format = "@"
        if validation is not None:
            validation.error = f"{column.zh}：取值不符合要求 / {column.en}: not an allowed value"
            validation.errorTitle = "花名册 Roster"
            validation.showErrorMessage = True
            validation.add(cells)
            sheet.add_data_validation(validation)
        if column.kind == DATE:
            for row in range(2, 202):
                sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "C2"

    guide = workbook.create_sheet(GUIDE_SHEET_NAME)
    guide.append(["列 Column", "English", "填写要求 What to write", "示例 Example"])
    for cell in guide[1]:
        cell.font = bold
    for column in COLUMNS:
        guide.append([column.zh, column.en, _requirement(column), _example_text(column)])
    guide.append([])
    guide.append(["空白单元格表示“不确定”：平台会列出据此尚无法判断的条件。", "An empty cell means “not known”."])
    if policy is not None:
        guide.append([])
        guide.append(["荣誉代码 Honour code", "荣誉 Honour"])
        for honour in policy.honours:
            guide.append([honour.code, honour.zh, honour.en])
    for letter, width in (("A", 28), ("B", 40), ("C", 60), ("D", 30)):
        guide.column_dimensions[letter].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _example_text(column: Column) -> str:
    if isinstance(column.example, date):
        return column.example.isoformat()
    return str(column.example) if column.example != "" else "（可空 may be empty）"


def _requirement(column: Column) -> str:
    required = "必填 required. " if column.required else ""
    kind = column.kind
    if kind == BOOL:
        return f"{required}“{YES}”或“{NO}” / yes or no"
    if kind == CHOICE:
        return required + " / ".join(f"{zh}（{en}）" for _, zh, en in column.choices)
    if kind == MONEY:
        return f"{required}整数，以元计 / whole yuan"
    if kind == INTEGER:
        return f"{required}1、2 或 3 / 1, 2 or 3"
    if kind == DATE:
        return f"{required}日期，如 2022-05-01 / a date"
    if kind == IDENTITY:
        return f"{required}18 位居民身份证号码，按文本填写 / 18-character resident ID, as text"
    if kind == HONOURS:
        return f"{required}下方所列荣誉代码或名称，以分号分隔 / honour codes or names listed below, separated by ;"
    if kind == MOBILE:
        return "11 位手机号码 / 11-digit mobile"
    if kind == EMAIL:
        return "电子邮箱 / e-mail address"
    return f"{required}文字 / text"
