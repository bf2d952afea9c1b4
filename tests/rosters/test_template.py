import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from rosters.columns import COLUMNS, GUIDE_SHEET_NAME, HEADINGS, SHEET_NAME
from rosters.models import Roster
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_template_has_the_profile_columns_in_chinese_with_validation_and_examples(client):
    officer = UserFactory(roles=[Role.EMPLOYER])
    client.force_login(officer)

    response = client.get(reverse("rosters:template"))

    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook[SHEET_NAME]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert tuple(cell.value for cell in sheet[1]) == HEADINGS
    assert HEADINGS[:3] == ("姓名", "居民身份证号码", "手机号码")
    validations = {str(found.sqref): found for found in sheet.data_validations.dataValidation}
    degree = COLUMNS.index(next(column for column in COLUMNS if column.key == "education.degree")) + 1
    letter = sheet.cell(row=1, column=degree).column_letter
    assert validations[f"{letter}2:{letter}100001"].formula1 == '"博士,硕士,学士,无"'
    kinds = sorted({found.type for found in validations.values()})
    assert kinds == ["date", "list", "textLength", "whole"]
    guide = workbook[GUIDE_SHEET_NAME]
    rows = {row[0]: row for row in guide.iter_rows(values_only=True) if row and row[0]}
    assert rows["最高学位"][3] == "博士"
    assert rows["企业成立日期"][3] == "2022-05-01"
    assert rows["senior_professional_title"][1] == "正高级以上专业技术资格"


def test_template_is_refused_to_other_roles(client):
    client.force_login(UserFactory(roles=[Role.APPLICANT]))

    assert client.get(reverse("rosters:template")).status_code == 404


def test_roster_being_read_shows_its_progress_and_refreshes(client):
    officer = UserFactory(roles=[Role.EMPLOYER])
    employer = EmployerFactory()
    officer.employers.add(employer)
    roster = Roster.objects.create(
        employer=employer,
        uploaded_by=officer,
        original_name="staff.xlsx",
        on_date="2026-06-01",
        rows_done=3000,
    )
    client.force_login(officer)

    page = client.get(reverse("rosters:detail", kwargs={"pk": roster.pk})).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert "已读取 3000 行。" in page
