"""The industry departments' lists (G12's key 四上 enterprises, the 区投资促进局's recommendations): uploaded for a
year, read by the eligibility profile of rosters and applications instead of the employer's or applicant's word."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from xml.etree.ElementTree import ParseError

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Department, Employer, User
from accounts.roles import Role
from accounts.validators import validate_uscc
from applications.lists_port import ListFacts
from rosters.models import DepartmentList, DepartmentListEntry, ListKind

LIST_HEADINGS = ("统一社会信用代码", "企业名称")
LIST_MAX_ROWS = 20_000
LIST_MAX_BYTES = 5 * 1024 * 1024
_CACHE_SECONDS = 300


def _cache_key(year: int) -> str:
    return f"rosters:department-lists:{year}"


def _year_facts(year: int) -> dict:
    """The lists kept for a year, and which employers are on which list: one read per process and five minutes."""
    data = cache.get(_cache_key(year))
    if data is not None:
        return data
    lists = {
        found.pk: {
            "list": found.pk,
            "kind": found.kind,
            "year": found.year,
            "department_zh": found.department.name,
            "department_en": found.department.name_en or found.department.name,
        }
        for found in DepartmentList.objects.filter(year=year, is_current=True).select_related("department")
    }
    on_lists: dict[str, list[int]] = {}
    for list_id, uscc in DepartmentListEntry.objects.filter(department_list_id__in=lists).values_list(
        "department_list_id", "uscc"
    ):
        on_lists.setdefault(uscc, []).append(list_id)
    employers: dict[int, list[int]] = {}
    for employer_id, uscc in Employer.objects.filter(uscc__in=on_lists).values_list("pk", "uscc"):
        employers[employer_id] = on_lists[uscc]
    data = {"kinds": sorted({found["kind"] for found in lists.values()}), "lists": lists, "employers": employers}
    cache.set(_cache_key(year), data, timeout=_CACHE_SECONDS)
    return data


def list_facts_for(*, employer_id: int, on_date: date) -> ListFacts:
    """What the lists of on_date's year say of the employer (the port applications.lists_port asks this)."""
    data = _year_facts(on_date.year)
    if not data["kinds"]:
        return ListFacts()
    found = [data["lists"][list_id] for list_id in data["employers"].get(employer_id, ())]
    kinds = {entry["kind"] for entry in found}
    profile: dict[str, bool] = {}
    if ListKind.KEY_ENTERPRISES in data["kinds"]:
        on_key_list = ListKind.KEY_ENTERPRISES in kinds
        # 第三条（二）G12: 纳入行业主管部门名单的重点“四上”企业 — the list names key enterprises above designated size.
        profile["enterprise.on_department_list"] = on_key_list
        if on_key_list:
            profile["enterprise.key_above_scale"] = True
    recommended = ListKind.INVESTMENT_RECOMMENDED in kinds if ListKind.INVESTMENT_RECOMMENDED in data["kinds"] else None
    return ListFacts(profile=profile, confirmations=tuple(found), investment_recommended=recommended)


class ListError(Exception):
    """A list file refused as a whole, with every reason found (a list is never half-imported)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _list_rows(data: bytes, *, name: str):
    """(row number, cells) of an .xlsx (read streamed) or a UTF-8 .csv list."""
    if name.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ListError([_("The CSV file is not UTF-8 text.")]) from None
        for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            yield number, [cell.strip() for cell in cells]
        return
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ParseError):
        raise ListError([_("The file is neither an Excel workbook (.xlsx) nor a CSV file.")]) from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, ["" if value is None else str(value).strip() for value in values]
    finally:
        workbook.close()


def department_list_parse(*, data: bytes, name: str) -> list[tuple[str, str]]:
    """The (uscc, name) entries of a list file; every bad row is named (row and reason) and the file refused."""
    if len(data) > LIST_MAX_BYTES:
        raise ListError([_("The file is larger than 5 MB.")])
    entries: dict[str, str] = {}
    errors: list[str] = []
    rows = _list_rows(data, name=name)
    for number, cells in rows:
        if number == 1:
            if tuple(cells[:1]) != LIST_HEADINGS[:1]:
                raise ListError(
                    [_("The first column of row 1 must be headed “%(heading)s”.") % {"heading": LIST_HEADINGS[0]}]
                )
            continue
        if not any(cells):
            continue
        if number - 1 > LIST_MAX_ROWS:
            raise ListError([_("A list may hold at most %(limit)s enterprises.") % {"limit": f"{LIST_MAX_ROWS:,}"}])
        code = cells[0].upper() if cells else ""
        try:
            validate_uscc(code)
        except ValidationError as error:
            errors.append(_("Row %(row)d: %(reason)s") % {"row": number, "reason": " ".join(error.messages)})
            continue
        if code in entries:
            errors.append(_("Row %(row)d: %(code)s is listed twice.") % {"row": number, "code": code})
            continue
        entries[code] = cells[1][:200] if len(cells) > 1 else ""
    if errors:
        raise ListError(errors[:50])
    if not entries:
        raise ListError([_("The list names no enterprise.")])
    return list(entries.items())


def departments_of_reviewer(user: User):
    """The departments whose lists the user keeps."""
    if not user.has_role(Role.DEPARTMENT_REVIEWER):
        return Department.objects.none()
    return user.departments.all()


def department_list_upload(
    *, actor: User, department_id: int, kind: str, year: int, data: bytes, name: str
) -> DepartmentList:
    """Stores a department's list for a year, replacing its earlier one of that kind and year; the lists' cache is
    dropped on commit so that the next evaluation reads it."""
    department = departments_of_reviewer(actor).get(pk=department_id)
    if kind not in ListKind.values:
        raise ListError([_("Choose which list this is.")])
    entries = department_list_parse(data=data, name=name)
    with transaction.atomic():
        DepartmentList.objects.filter(department=department, kind=kind, year=year, is_current=True).update(
            is_current=False
        )
        found = DepartmentList.objects.create(
            department=department, kind=kind, year=year, original_name=name[:150], uploaded_by=actor
        )
        DepartmentListEntry.objects.bulk_create(
            DepartmentListEntry(department_list=found, uscc=uscc, name=entry_name) for uscc, entry_name in entries
        )
        transaction.on_commit(lambda: cache.delete(_cache_key(year)))
    return found
