"""The departments' lists read by the profile; the talent office's funnel; privacy and the retention of files."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog
from accounts.roles import Role
from applications.models import Application
from applications.services import application_evaluate
from rosters.models import DepartmentList, Roster
from rosters.services import roster_files_purge
from tests.factories import DepartmentFactory, EmployerFactory, UserFactory
from tests.rosters.helpers import roster_bytes, ten_staff
from tests.rosters.test_rosters import confirm, invitation_token, upload

pytestmark = pytest.mark.django_db

G12_PROFILE = {
    "employer": {"registered_in_district": True},
    "enterprise": {
        "role": "mid_senior_manager",
        "on_department_list": True,
        "key_above_scale": True,
    },
}


@pytest.fixture
def department():
    return DepartmentFactory(name="区工业和信息化局", name_en="Industry Bureau")


@pytest.fixture
def employer(department):
    return EmployerFactory(department=department)


@pytest.fixture
def reviewer(department):
    user = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    user.departments.add(department)
    return user


def upload_list(client, reviewer, department, text: str, *, year: int = 2026, kind: str = "key_enterprises"):
    client.force_login(reviewer)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("rosters:lists"),
            {
                "department": department.pk,
                "kind": kind,
                "year": year,
                "file": SimpleUploadedFile("list.csv", text.encode()),
            },
        )


def test_list_upload_refuses_a_bad_code_naming_the_row(client, reviewer, department, employer):
    response = upload_list(client, reviewer, department, f"统一社会信用代码,企业名称\n{employer.uscc},甲\nABC,乙\n")

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["第 3 行：统一社会信用代码应为18位，您输入的是3位。"]
    assert DepartmentList.objects.count() == 0


def test_application_profile_reads_the_g12_list_instead_of_the_assertion(client, reviewer, department, employer):
    applicant = UserFactory(roles=[Role.APPLICANT])
    application = Application.objects.create(applicant=applicant, employer=employer, profile=G12_PROFILE)
    assert application_evaluate(application=application)["criteria"] == ["G12"]

    # A list kept for the year that does not name the employer: the assertion no longer counts.
    other = EmployerFactory()
    upload_list(client, reviewer, department, f"统一社会信用代码\n{other.uscc}\n")
    assert application_evaluate(application=application)["criteria"] == []

    upload_list(client, reviewer, department, f"统一社会信用代码\n{employer.uscc}\n")
    evaluation = application_evaluate(application=application)
    assert evaluation["criteria"] == ["G12"]
    assert [(found["kind"], found["year"], found["department_zh"]) for found in evaluation["lists"]] == [
        ("key_enterprises", 2026, "区工业和信息化局")
    ]


def test_reviewer_file_names_the_list_that_confirmed_g12(client, reviewer, department, employer):
    applicant = UserFactory(roles=[Role.APPLICANT])
    upload_list(client, reviewer, department, f"统一社会信用代码\n{employer.uscc}\n")
    application = Application.objects.create(applicant=applicant, employer=employer, profile=G12_PROFILE)
    evaluation = application_evaluate(application=application)
    Application.objects.filter(pk=application.pk).update(
        state="submitted", department=department, number="BY2026000777", evaluation=evaluation
    )

    page = client.get(reverse("reviews:application", kwargs={"pk": application.pk}))

    assert page.status_code == 200
    text = page.content.decode()
    assert "列入区工业和信息化局2026年重点企业名单：G12 的部门名单条件由该名单确认。" in text


def test_roster_row_reads_the_list_and_names_it(client, reviewer, department, employer):
    officer = UserFactory(roles=[Role.EMPLOYER])
    officer.employers.add(employer)
    upload(client, officer, roster_bytes(ten_staff()))
    before = Roster.objects.get().rows.get(row_number=4)
    upload_list(client, reviewer, department, f"统一社会信用代码\n{employer.uscc}\n")
    upload(client, officer, roster_bytes(ten_staff()))
    after = Roster.objects.latest("pk").rows.get(row_number=4)

    assert (before.tier, before.criteria) == ("", [])
    assert (after.tier, after.criteria) == ("gold", ["G12"])
    assert [found["department_zh"] for found in after.list_confirmations] == ["区工业和信息化局"]


def test_funnel_counts_by_employer_and_tier_with_csv(client, employer):
    officer = UserFactory(roles=[Role.EMPLOYER])
    officer.employers.add(employer)
    silent = EmployerFactory(name="广州沉默有限公司")
    upload(client, officer, roster_bytes(ten_staff()))
    confirm(client, Roster.objects.get())
    person = UserFactory(roles=[Role.APPLICANT], mobile="13900000002")
    client.force_login(person)
    client.post(reverse("rosters:invitation_open", kwargs={"token": invitation_token("13900000002")}))
    office = UserFactory(roles=[Role.TALENT_OFFICE])
    client.force_login(office)

    by_tier = client.get(reverse("rosters:funnel"), {"by": "tier"})
    csv_response = client.get(reverse("rosters:funnel_csv"), {"by": "employer"})

    assert by_tier.context["total"] == {
        "rostered": 10,
        "qualifying": 2,
        "invited": 2,
        "applied": 0,
        "approved": 0,
        "issued": 0,
    }
    assert {line.label: line.counts["invited"] for line in by_tier.context["lines"]} == {
        "未达到任何等级": 0,
        "钻石卡": 1,
        "金卡": 1,
    }
    assert [(bar.label, bar.display, bar.percent) for bar in by_tier.context["bars"]] == [
        ("已报送", "10", 100.0),
        ("符合条件", "2", 20.0),
        ("已邀请", "2", 20.0),
        ("已申请", "0", 0.0),
        ("已批准", "0", 0.0),
        ("已发卡", "0", 0.0),
    ]
    assert '<span class="bar-label">已报送</span>' in by_tier.content.decode()
    assert silent in list(by_tier.context["without_roster"])
    assert employer not in list(by_tier.context["without_roster"])
    lines = b"".join(csv_response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines == [
        "分组,已报送,符合条件,已邀请,已申请,已批准,已发卡",
        f"{employer.name},10,2,2,0,0,0",
        "合计,10,2,2,0,0,0",
    ]


def test_employer_sees_only_its_own_rosters(client, employer):
    officer = UserFactory(roles=[Role.EMPLOYER])
    officer.employers.add(employer)
    upload(client, officer, roster_bytes(ten_staff()))
    roster = Roster.objects.get()
    stranger = UserFactory(roles=[Role.EMPLOYER])
    stranger.employers.add(EmployerFactory())
    client.force_login(stranger)

    assert client.get(reverse("rosters:detail", kwargs={"pk": roster.pk})).status_code == 404
    assert client.get(reverse("rosters:file", kwargs={"pk": roster.pk})).status_code == 404
    assert client.post(reverse("rosters:confirm", kwargs={"pk": roster.pk})).status_code == 404
    assert list(client.get(reverse("rosters:home")).context["rosters"]) == []


def test_district_reads_of_a_roster_are_logged_and_ids_masked(client, employer):
    officer = UserFactory(roles=[Role.EMPLOYER])
    officer.employers.add(employer)
    upload(client, officer, roster_bytes(ten_staff()))
    roster = Roster.objects.get()
    confirm(client, roster)
    own_read = client.get(reverse("rosters:detail", kwargs={"pk": roster.pk}))
    office = UserFactory(roles=[Role.TALENT_OFFICE])
    client.force_login(office)

    page = client.get(reverse("rosters:detail", kwargs={"pk": roster.pk}))
    download = client.get(reverse("rosters:file", kwargs={"pk": roster.pk}))
    content = b"".join(download.streaming_content)

    number = roster.rows.get(row_number=2).document_number
    assert own_read.status_code == 200
    assert content.startswith(b"PK")
    assert number not in page.content.decode()
    assert f"{number[:4]}**********{number[-4:]}" in page.content.decode()
    assert list(AccessLog.objects.values_list("user", "role", "action", "object_type", "object_id")) == [
        (office.pk, "talent_office", "view", "rosters.roster", str(roster.pk)),
        (office.pk, "talent_office", "view", "rosters.roster", str(roster.pk)),
    ]


def test_roster_files_are_deleted_after_the_retention_period(client, employer, settings):
    settings.ROSTER_RETENTION_DAYS = 180
    officer = UserFactory(roles=[Role.EMPLOYER])
    officer.employers.add(employer)
    upload(client, officer, roster_bytes(ten_staff()))
    roster = Roster.objects.get()
    confirm(client, roster)
    name = roster.file.name

    kept = roster_files_purge(now=timezone.now() + timedelta(days=179))
    purged = roster_files_purge(now=timezone.now() + timedelta(days=181))

    roster.refresh_from_db()
    assert (kept, purged) == (0, 1)
    assert not default_storage.exists(name)
    assert roster.file.name == ""
    assert roster.file_deleted_at is not None
    # The invited keep their row (their invitation stands); the others' personal data goes with the file.
    assert sorted(roster.rows.exclude(document_number="").values_list("row_number", flat=True)) == [2, 3]
    assert client.get(reverse("rosters:file", kwargs={"pk": roster.pk})).status_code == 404


def test_the_applicants_form_does_not_ask_what_a_department_list_decides(client, reviewer, department, employer):
    applicant = UserFactory(roles=[Role.APPLICANT])
    application = Application.objects.create(applicant=applicant, employer=employer, profile=G12_PROFILE)
    path = reverse("applications:edit", kwargs={"pk": application.pk, "step": "eligibility"})
    client.force_login(applicant)
    asked = client.get(path).content.decode()
    assert 'name="enterprise__on_department_list"' in asked

    upload_list(client, reviewer, department, f"统一社会信用代码\n{employer.uscc}\n")
    client.force_login(applicant)
    page = client.get(path)
    text = page.content.decode()

    assert 'name="enterprise__on_department_list"' not in text
    assert 'name="enterprise__key_above_scale"' not in text
    assert "由本年度行业主管部门名单确定，无需在此填写（第三条（二）第12项）。" in text
    assert page.context["evaluation"]["criteria"] == ["G12"]
    # Saving the step stores the applicant's answers only; the evaluation takes the list's.
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [], "")}
    data = {name: ("True" if value is True else "False" if value is False else value) for name, value in data.items()}
    data.update({"requested_tier": "gold", "claimed_criteria": ["G12"], "case_by_case": "False"})
    saved = client.post(path, data)
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved
    application.refresh_from_db()
    assert (application.requested_tier, application.claimed_criteria) == ("gold", ["G12"])
    assert "on_department_list" not in application.profile["enterprise"]
    assert application_evaluate(application=application)["criteria"] == ["G12"]


def test_a_list_that_leaves_the_employer_out_answers_no_and_the_step_refuses_the_g12_card(
    client, reviewer, department, employer
):
    applicant = UserFactory(roles=[Role.APPLICANT])
    application = Application.objects.create(applicant=applicant, employer=employer, profile=G12_PROFILE)
    upload_list(client, reviewer, department, f"统一社会信用代码\n{EmployerFactory().uscc}\n")
    path = reverse("applications:edit", kwargs={"pk": application.pk, "step": "eligibility"})
    client.force_login(applicant)

    response = client.post(
        path,
        {
            "employer__registered_in_district": "True",
            "enterprise__role": "mid_senior_manager",
            "enterprise__on_department_list": "True",
            "requested_tier": "gold",
            "case_by_case": "False",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["requested_tier"] == [
        "您的回答不符合金卡的任何条件，请选择测评结果显示的卡别。"
    ]
    decided = [item for section in response.context["form"].sections() for item in section["decided"]]
    assert [str(item["value"]) for item in decided] == ["否"]
