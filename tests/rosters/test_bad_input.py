"""The roster's bad input: each refused file names why, each bad row names the row, the column and the reason."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from accounts.roles import Role
from applications.models import Application
from rosters.columns import COLUMNS, HEADINGS, SHEET_NAME
from rosters.models import Invitation, Roster, RosterStatus
from rosters.reader import MAX_ROWS
from tests.factories import EmployerFactory, UserFactory
from tests.rosters.helpers import roster_bytes, staff_row, ten_staff
from tests.rosters.test_rosters import confirm, invitation_token, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    user = UserFactory(roles=[Role.EMPLOYER])
    user.employers.add(EmployerFactory())
    return user


def uploaded(client, officer, content: bytes) -> Roster:
    upload(client, officer, content)
    return Roster.objects.latest("pk")


def errors_of(roster: Roster) -> dict[int, list[tuple[str, str]]]:
    """Row number → [(column, reason)] in Chinese."""
    return {row.row_number: [(e["column_zh"], e["zh"]) for e in row.errors] for row in roster.rows.exclude(errors=[])}


def english_errors_of(roster: Roster) -> dict[int, list[tuple[str, str]]]:
    return {row.row_number: [(e["column_en"], e["en"]) for e in row.errors] for row in roster.rows.exclude(errors=[])}


def test_roster_with_other_columns_is_refused_naming_the_column(client, officer):
    def rename(workbook):
        workbook[SHEET_NAME].cell(row=1, column=3, value="电话")

    roster = uploaded(client, officer, roster_bytes(ten_staff(), edit=rename))

    assert roster.status == RosterStatus.REFUSED
    assert roster.refusal.splitlines() == [
        "这不是本平台的花名册模板：第 1 行 C 列应为“手机号码”，实为“电话”。请下载模板并按模板填写。",
        "This is not the portal's roster template: row 1, column C should be headed “手机号码”, not “电话”. "
        "Download the template and fill it in.",
    ]
    assert roster.rows.count() == 0


def test_roster_with_an_extra_column_is_refused(client, officer):
    def extra(workbook):
        workbook[SHEET_NAME].cell(row=1, column=len(COLUMNS) + 1, value="备注")

    roster = uploaded(client, officer, roster_bytes(ten_staff(), edit=extra))

    assert roster.status == RosterStatus.REFUSED
    assert roster.refusal.splitlines()[0] == "这不是本平台的花名册模板：第 1 行多出一列“备注”。请下载模板并按模板填写。"


def test_roster_on_another_sheet_is_refused_naming_the_sheet(client, officer):
    def rename_sheet(workbook):
        workbook[SHEET_NAME].title = "Sheet1"

    roster = uploaded(client, officer, roster_bytes(ten_staff(), edit=rename_sheet))

    assert roster.status == RosterStatus.REFUSED
    assert (
        roster.refusal.splitlines()[0] == "这不是本平台的花名册模板：没有名为“花名册”的工作表。请下载模板并按模板填写。"
    )


def test_file_that_is_not_a_workbook_is_refused(client, officer):
    roster = uploaded(client, officer, b"name,id\n")

    assert roster.status == RosterStatus.REFUSED
    assert roster.refusal.splitlines()[1] == (
        "The file is not an Excel workbook (.xlsx). Download the template and fill it in."
    )


def test_upload_not_named_xlsx_keeps_the_form_with_the_reason(client, officer):
    client.force_login(officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("rosters:home"),
        {"employer": officer.employers.get().pk, "file": SimpleUploadedFile("staff.csv", b"a,b\n")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["请上传按模板填写的 Excel 工作簿（.xlsx）。"],
    }
    assert Roster.objects.count() == 0


def test_formula_in_a_cell_is_an_error_of_its_row(client, officer):
    rows = ten_staff()
    rows[4]["enterprise.revenue_yuan"] = "=1000*1000"

    roster = uploaded(client, officer, roster_bytes(rows))

    assert roster.status == RosterStatus.DRAFT
    assert errors_of(roster) == {6: [("企业营业收入（元）", "单元格含公式，请填写数值")]}


def test_merged_cells_refuse_the_roster_naming_the_range(client, officer):
    def merge(workbook):
        workbook[SHEET_NAME].merge_cells("A3:A4")

    roster = uploaded(client, officer, roster_bytes(ten_staff(), edit=merge))

    assert roster.status == RosterStatus.REFUSED
    assert roster.refusal.splitlines()[0] == "花名册中有合并单元格（A3:A4）。请取消合并，每人一行、每格一个值。"
    assert roster.rows.count() == 0


def test_roster_of_more_than_the_limit_is_refused_with_the_limit(client, officer):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_NAME)
    sheet.append(list(HEADINGS))
    for serial in range(MAX_ROWS + 1):
        sheet.append(["员工", f"{serial}"])
    output = io.BytesIO()
    workbook.save(output)

    roster = uploaded(client, officer, output.getvalue())

    assert roster.status == RosterStatus.REFUSED
    assert roster.refusal.splitlines()[0] == (
        "花名册最多 100,000 行（不含表头），本文件超过了这一上限。请分成几个花名册上传。"
    )
    assert roster.rows.count() == 0


def test_duplicate_identity_numbers_flag_the_later_row(client, officer):
    rows = ten_staff()
    rows[5]["document_number"] = rows[1]["document_number"]

    roster = uploaded(client, officer, roster_bytes(rows))

    assert errors_of(roster) == {7: [("居民身份证号码", "与第 3 行的身份证号码相同")]}
    assert english_errors_of(roster) == {7: [("Resident ID number", "the same resident ID number as row 3")]}


def test_bad_check_digit_names_row_column_and_reason(client, officer):
    rows = ten_staff()
    good = rows[2]["document_number"]
    rows[2]["document_number"] = good[:-1] + ("0" if good[-1] != "0" else "1")

    roster = uploaded(client, officer, roster_bytes(rows))

    [(column, reason)] = errors_of(roster)[4]
    assert column == "居民身份证号码"
    assert "校验码" in reason
    assert roster.rows.get(row_number=4).eligible is False


def test_dates_as_text_and_as_excel_serials_are_read(client, officer):
    rows = ten_staff()
    rows[3]["enterprise.founded_on"] = "2022-05-01"
    rows[4]["enterprise.founded_on"] = "2022年5月1日"
    rows[5]["enterprise.founded_on"] = 44682  # Excel's serial of 2022-05-01, typed into an unformatted cell
    rows[6]["enterprise.founded_on"] = "去年春天"
    rows[7]["enterprise.founded_on"] = "2022-02-30"

    roster = uploaded(client, officer, roster_bytes(rows))

    founded = {row.row_number: row.profile.get("enterprise", {}).get("founded_on") for row in roster.rows.all()}
    assert (founded[5], founded[6], founded[7]) == ("2022-05-01", "2022-05-01", "2022-05-01")
    assert errors_of(roster) == {
        8: [("企业成立日期", "“去年春天”不是日期（请填写如 2022-05-01）")],
        9: [("企业成立日期", "“2022-02-30”不是日期（请填写如 2022-05-01）")],
    }


def test_unknown_honour_and_bad_choice_are_errors_of_their_row(client, officer):
    rows = ten_staff()
    rows[3]["honours"] = "senior_professional_title；诺贝尔文学奖"
    rows[4]["education.degree"] = "博士后"

    roster = uploaded(client, officer, roster_bytes(rows))

    assert errors_of(roster) == {
        5: [("荣誉（代码，以分号分隔）", "未知的荣誉“诺贝尔文学奖”")],
        6: [("最高学位", "“博士后”不在可选范围内（博士、硕士、学士、无）")],
    }


def test_empty_cells_say_what_is_missing_to_decide(client, officer):
    row = staff_row(1)
    del row["education.degree"]

    roster = uploaded(client, officer, roster_bytes([row]))

    stored = roster.rows.get()
    assert stored.tier == ""
    assert "education.degree" in stored.unknown
    assert {unlock["code"] for unlock in stored.undecided} >= {"D01", "G06"}
    assert next(unlock for unlock in stored.undecided if unlock["code"] == "G06")["needs"] == [
        "education.degree",
        "education.postgraduate",
    ]


def test_staff_of_another_employer_are_flagged_and_not_invited(client, officer):
    rows = ten_staff()
    other = UserFactory(roles=[Role.EMPLOYER])
    other.employers.add(EmployerFactory())
    uploaded(client, other, roster_bytes([rows[0]]))
    confirm(client, Roster.objects.get(employer=other.employers.get()))

    roster = uploaded(client, officer, roster_bytes(rows))
    confirm(client, roster)

    flagged = roster.rows.get(row_number=2)
    assert flagged.other_employer is True
    assert flagged.eligible is True
    assert list(
        Invitation.objects.filter(employer=officer.employers.get()).values_list("row__row_number", flat=True)
    ) == [3]


def test_applicant_with_another_employer_is_flagged(client, officer):
    rows = ten_staff()
    applicant = UserFactory(roles=[Role.APPLICANT])
    Application.objects.create(
        applicant=applicant,
        state="submitted",
        document_number=rows[1]["document_number"],
        employer=EmployerFactory(),
        number="BY2026900001",
    )

    roster = uploaded(client, officer, roster_bytes(rows))

    assert roster.rows.get(row_number=3).other_employer is True
    assert roster.rows_qualifying == 1


def test_invitation_link_used_twice_is_refused(client, officer):
    roster = uploaded(client, officer, roster_bytes(ten_staff()))
    confirm(client, roster)
    token = invitation_token("13900000001")
    person = UserFactory(roles=[Role.APPLICANT], mobile="13900000001")
    client.force_login(person)
    first = client.post(reverse("rosters:invitation_open", kwargs={"token": token}))
    client.force_login(UserFactory(roles=[Role.APPLICANT], email="staff1@example.org"))

    second = client.post(reverse("rosters:invitation_open", kwargs={"token": token}))

    assert first.status_code == 302
    assert second.status_code == 410
    assert second.context["reason"] == "该邀请链接已被使用。请登录使用过该链接的账号继续。"
    assert Invitation.objects.get(row__row_number=2).person == person


def test_invitation_link_after_it_expired_is_refused(client, officer, time_machine):
    roster = uploaded(client, officer, roster_bytes(ten_staff()))
    confirm(client, roster)
    token = invitation_token("13900000001")
    time_machine.move_to(timezone.now() + timedelta(days=31))
    client.force_login(UserFactory(roles=[Role.APPLICANT], mobile="13900000001"))

    response = client.post(reverse("rosters:invitation_open", kwargs={"token": token}))

    expired_on = timezone.localtime(Invitation.objects.get(row__row_number=2).expires_at).date()
    assert response.status_code == 410
    assert response.context["reason"] == f"该邀请链接已于 {expired_on:%Y-%m-%d} 过期。详情可咨询您的单位或区人才办。"
    assert Invitation.objects.get(row__row_number=2).person is None


def test_invitation_link_is_refused_to_another_mobile(client, officer):
    roster = uploaded(client, officer, roster_bytes(ten_staff()))
    confirm(client, roster)
    token = invitation_token("13900000001")
    client.force_login(UserFactory(roles=[Role.APPLICANT], mobile="13700000000", email="x@example.org"))

    response = client.post(reverse("rosters:invitation_open", kwargs={"token": token}))

    assert response.status_code == 403
    assert Invitation.objects.get(row__row_number=2).person is None


def test_declined_invitation_is_not_sent_again_within_a_year(client, officer, time_machine):
    # A year inside the policy's validity (2021-12-24 to 2026-12-24).
    time_machine.move_to(timezone.now() - timedelta(days=365))
    roster = uploaded(client, officer, roster_bytes(ten_staff()))
    confirm(client, roster)
    token = invitation_token("13900000001")
    person = UserFactory(roles=[Role.APPLICANT], mobile="13900000001")
    client.force_login(person)
    client.post(reverse("rosters:invitation_open", kwargs={"token": token}))
    invitation = Invitation.objects.get(person=person)
    client.post(reverse("rosters:invitation_decline", kwargs={"pk": invitation.pk}))

    time_machine.move_to(timezone.now() + timedelta(days=200))
    again = uploaded(client, officer, roster_bytes(ten_staff()))
    confirm(client, again)
    time_machine.move_to(timezone.now() + timedelta(days=170))
    later = uploaded(client, officer, roster_bytes(ten_staff()))
    confirm(client, later)

    invitation.refresh_from_db()
    assert invitation.status == "declined"
    # Row 3 was invited and ignored: neither is sent again within the year; both are a year later.
    assert list(again.rows.filter(invitation__isnull=False).values_list("row_number", flat=True)) == []
    assert sorted(later.rows.filter(invitation__isnull=False).values_list("row_number", flat=True)) == [2, 3]
