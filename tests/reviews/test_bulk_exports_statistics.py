import csv
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import AccessLog
from accounts.roles import Role
from applications.models import Application, HistoryEntry
from applications.services import application_transition
from reviews.models import ExportStatus, QueueExport
from reviews.statistics import duration_bars, stage_durations
from tests.factories import DepartmentFactory, EmployerFactory, UserFactory, application_with_materials
from tests.reviews.conftest import bulk_applications

pytestmark = pytest.mark.django_db

OPINION = "同意。"
HEADER = [
    "Application number",
    "Name",
    "Kind",
    "Tier requested",
    "Determined tier",
    "Employer",
    "Industry department",
    "State",
    "Submitted",
    "In the stage since",
    "Overdue",
]


def brought_to_approval(route: str) -> Application:
    application = application_with_materials(route=route, submit=True)
    department = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    department.departments.add(application.department)
    application_transition(application_id=application.pk, name="pass_initial", actor=department, opinion=OPINION)
    application_transition(
        application_id=application.pk,
        name="pass_second",
        actor=UserFactory(roles=[Role.HR_REVIEWER]),
        opinion=OPINION,
        determined_tier=route,
    )
    return application


# Bulk decisions ------------------------------------------------------------------------------------------------


def test_bulk_form_chooses_no_decision_beforehand(client, hr_reviewer):
    brought_to_approval("gold")
    client.force_login(hr_reviewer)
    html = client.get(reverse("reviews:queue", kwargs={"role": "hr_reviewer"})).text
    bulk = html[html.index('<fieldset class="bulk-actions">') :]
    assert re.findall(r'<input type="radio" name="name" value="([a-z_]+)"[^>]*>', bulk) == ["approve"]
    assert "checked" not in bulk.split("</fieldset>")[0]


def test_bulk_approve_reports_each_application(client, hr_reviewer, django_capture_on_commit_callbacks):
    first, second, handled = (brought_to_approval(route) for route in ("gold", "silver", "gold"))
    application_transition(
        application_id=handled.pk, name="approve", actor=UserFactory(roles=[Role.HR_REVIEWER]), opinion=OPINION
    )
    client.force_login(hr_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:bulk", kwargs={"role": "hr_reviewer"}),
            {"name": "approve", "applications": [first.pk, second.pk, handled.pk], "opinion": OPINION},
        )
    assert response.status_code == 200
    outcomes = [(outcome.application_id, outcome.result) for outcome in response.context["outcomes"]]
    assert outcomes == [(first.pk, "done"), (second.pk, "done"), (handled.pk, "already_handled")]
    # 第五条（五）: each approval queues 制卡, which runs in-process without Redis.
    assert set(Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)) == {"produced"}
    assert HistoryEntry.objects.filter(transition="approve", actor=hr_reviewer).count() == 2
    # Decided in bulk, then each applicant notified.
    assert set(first.applicant.notices.values_list("history_entry__transition", flat=True)) >= {"approve"}


def test_bulk_approve_refuses_a_diamond_application_for_hr(client, hr_reviewer):
    diamond = brought_to_approval("diamond")
    client.force_login(hr_reviewer)
    response = client.post(
        reverse("reviews:bulk", kwargs={"role": "hr_reviewer"}),
        {"name": "approve", "applications": [diamond.pk], "opinion": OPINION},
    )
    assert [(outcome.application_id, outcome.result) for outcome in response.context["outcomes"]] == [
        (diamond.pk, "refused")
    ]
    assert Application.objects.get(pk=diamond.pk).state == "second_passed"


def test_bulk_approve_without_opinion_is_refused_per_application(client, hr_reviewer):
    gold = brought_to_approval("gold")
    client.force_login(hr_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("reviews:bulk", kwargs={"role": "hr_reviewer"}), {"name": "approve", "applications": [gold.pk]}
    )
    assert [(outcome.result, str(outcome.message)) for outcome in response.context["outcomes"]] == [
        ("refused", "Give your opinion.")
    ]


def test_bulk_is_not_offered_to_the_department_reviewer(client, department_reviewer, employer):
    application = bulk_applications(1, employer=employer, state="submitted")[0]
    client.force_login(department_reviewer)
    response = client.post(
        reverse("reviews:bulk", kwargs={"role": "department_reviewer"}),
        {"name": "pass_initial", "applications": [application.pk], "opinion": OPINION},
    )
    assert response.status_code == 403


def test_bulk_with_a_role_not_held_is_not_found(client, department_reviewer):
    client.force_login(department_reviewer)
    response = client.post(reverse("reviews:bulk", kwargs={"role": "hr_reviewer"}), {"name": "approve"})
    assert response.status_code == 404


def test_bulk_of_an_action_outside_the_role_is_refused(client, hr_reviewer, employer):
    application = bulk_applications(1, employer=employer, state="initial_passed")[0]
    client.force_login(hr_reviewer)
    response = client.post(
        reverse("reviews:bulk", kwargs={"role": "hr_reviewer"}),
        {"name": "pass_second", "applications": [application.pk], "opinion": OPINION},
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).state == "initial_passed"


# Exports -------------------------------------------------------------------------------------------------------


def export(client, user, role: str, export_format: str, query: str = ""):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("reviews:export", kwargs={"role": role, "export_format": export_format}) + query)


def test_csv_export_has_a_bom_and_the_current_filter(client, employer, hr_reviewer):
    gold = bulk_applications(1, employer=employer, state="initial_passed", requested_tier="gold")
    bulk_applications(1, employer=employer, state="initial_passed", requested_tier="silver")
    Application.objects.filter(pk=gold[0].pk).update(document_number="44011119850317123X", mobile="13800138000")
    response = export(client, hr_reviewer, "hr_reviewer", "csv", "?tier=gold")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    assert rows[0] == HEADER
    assert [row[0] for row in rows[1:]] == [gold[0].number]
    assert rows[1][1:5] == [gold[0].full_name, "New application", "Gold card", ""]
    assert rows[1][7] == "Awaiting second review"
    assert "44011119850317123X" not in content
    assert "13800138000" not in content


def test_xlsx_export_reads_back(client, employer, talent_office):
    applications = bulk_applications(
        2,
        employer=employer,
        state="approved",
        determined_tier="diamond",
        stage_entered_at=timezone.now() - timedelta(days=40),
    )
    response = export(client, talent_office, "talent_office", "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    assert sorted(row[0] for row in values[1:]) == sorted(application.number for application in applications)
    assert {row[4] for row in values[1:]} == {"Diamond card"}
    assert {row[10] for row in values[1:]} == {"Yes"}


def test_export_of_an_unknown_format_is_not_found(client, hr_reviewer):
    assert export(client, hr_reviewer, "hr_reviewer", "pdf").status_code == 404


def test_export_of_a_role_not_held_is_not_found(client, hr_reviewer):
    assert export(client, hr_reviewer, "talent_office", "csv").status_code == 404


def test_large_export_is_written_by_a_task_and_downloaded_by_its_owner_only(
    client, settings, employer, hr_reviewer, django_capture_on_commit_callbacks
):
    settings.REVIEWS_EXPORT_INLINE_ROWS = 3
    applications = bulk_applications(4, employer=employer, state="initial_passed")
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, hr_reviewer, "hr_reviewer", "xlsx")
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:exports")
    record = QueueExport.objects.get()
    assert (record.status, record.row_count, record.user_id) == (ExportStatus.READY, 4, hr_reviewer.pk)
    listing = client.get(reverse("reviews:exports"))
    download_url = reverse("reviews:export_download", kwargs={"pk": record.pk})
    assert download_url in listing.content.decode()
    download = client.get(download_url)
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert record.language == "en"
    assert rows[0][:2] == ("Application number", "Name")
    assert sorted(row[0] for row in rows[1:]) == sorted(application.number for application in applications)
    client.force_login(UserFactory(roles=[Role.HR_REVIEWER]))
    assert client.get(download_url).status_code == 404


def test_auditor_export_is_logged(client, employer, auditor):
    bulk_applications(1, employer=employer, state="issued")
    response = export(client, auditor, "auditor", "csv")
    b"".join(response.streaming_content)
    record = QueueExport.objects.get()
    assert list(AccessLog.objects.filter(action="export").values_list("object_type", "object_id")) == [
        ("reviews.queueexport", str(record.pk))
    ]


# Statistics ----------------------------------------------------------------------------------------------------


def test_statistics_counts_by_tier_state_department_and_month(client, employer, talent_office):
    bulk_applications(2, employer=employer, state="initial_passed", requested_tier="gold")
    bulk_applications(1, employer=employer, state="approved", requested_tier="silver", determined_tier="gold")
    bulk_applications(1, employer=employer, state="leading_group", requested_tier="", case_by_case=True)
    bulk_applications(1, employer=employer, state="draft")
    client.force_login(talent_office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("reviews:statistics"))
    tables = response.context["tables"]
    assert response.context["total"] == 4
    assert tables["tiers"] == [("Gold card", 3), ("Case by case (一事一议)", 1)]
    assert tables["states"] == [
        ("Awaiting second review", 2),
        ("Awaiting the leading group", 1),
        ("Awaiting card production", 1),
    ]
    assert tables["departments"] == [(employer.department.name_en, 4)]
    month = timezone.localtime(timezone.now() - timedelta(days=3)).strftime("%Y-%m")
    assert tables["months"] == [(month, 4)]
    assert "<svg" in response.content.decode()


def test_statistics_median_time_per_stage():
    start = timezone.now()
    history = [
        (1, "draft", "submitted", start),
        (1, "submitted", "initial_passed", start + timedelta(days=2)),
        (2, "draft", "submitted", start),
        (2, "submitted", "initial_passed", start + timedelta(days=4)),
        (3, "draft", "submitted", start),
        (3, "submitted", "returned", start + timedelta(days=9)),
        (1, "initial_passed", "second_passed", start + timedelta(days=3)),
    ]
    durations = stage_durations(history=sorted(history, key=lambda row: (row[0], row[3])))
    assert sorted(durations["submitted"]) == [timedelta(days=2), timedelta(days=4), timedelta(days=9)]
    assert durations["initial_passed"] == [timedelta(days=1)]


def test_statistics_page_shows_the_median_from_history(client, hr_reviewer):
    brought_to_approval("gold")
    client.force_login(hr_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("reviews:statistics"))
    assert [(label, count) for label, _days, count in response.context["medians"]] == [
        ("Awaiting initial review", 1),
        ("Awaiting second review", 1),
    ]


def test_statistics_of_a_department_reviewer_count_their_departments_only(client, employer):
    bulk_applications(2, employer=employer, state="submitted")
    bulk_applications(3, employer=EmployerFactory(department=DepartmentFactory()), state="submitted")
    reviewer = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    reviewer.departments.add(employer.department)
    client.force_login(reviewer)
    response = client.get(reverse("reviews:statistics"))
    assert response.status_code == 200
    assert response.context["total"] == 2
    assert response.context["tables"]["departments"] == [(employer.department.name, 2)]


def test_statistics_durations_are_charted_in_the_unit_of_the_longest_and_drawn_as_shown():
    # A median of minutes is not "0.0 days" drawn as a full bar, nor a half bar beside it.
    with translation.override("en"):
        hours = duration_bars([("a", 0.5), ("b", 0.25), ("c", 0.0)])
        minutes = duration_bars([("a", 0.00001), ("b", 0.002)])
        days = duration_bars([("a", 2.5), ("b", 0.01)])
    assert [(bar.display, bar.percent) for bar in hours] == [
        ("12.0 hours", 100.0),
        ("6.0 hours", 50.0),
        ("0.0 hours", 0),
    ]
    assert [(bar.display, bar.percent) for bar in minutes] == [("0.0 minutes", 0.0), ("2.9 minutes", 100.0)]
    assert [(bar.display, bar.percent) for bar in days] == [("2.5 days", 100.0), ("0.0 days", 0.0)]


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EMPLOYER, Role.SERVICE_DESK])
def test_statistics_is_not_for_other_roles(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("reviews:statistics")).status_code == 404


@pytest.mark.parametrize("size", [10, 1000])
def test_statistics_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, employer, auditor, size):
    bulk_applications(size, employer=employer, state="initial_passed")
    client.force_login(auditor)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reviews:statistics")).status_code == 200


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EMPLOYER, Role.SERVICE_DESK])
def test_prepared_exports_are_not_found_for_roles_without_a_queue(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("reviews:exports")).status_code == 404


# Formula injection -----------------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x.test","click")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def formula_applications(employer):
    """Applications whose applicant typed a formula as their name, beside one whose employer's name is one."""
    applications = bulk_applications(len(FORMULAS), employer=employer, state="initial_passed")
    for application, formula in zip(applications, FORMULAS, strict=True):
        Application.objects.filter(pk=application.pk).update(full_name=formula)
    return applications


def test_csv_export_neutralises_leading_formula_characters(client, department, hr_reviewer):
    employer = EmployerFactory(department=department, name="=cmd|' /C calc'!A0", name_en="=cmd|' /C calc'!A0")
    formula_applications(employer)
    response = export(client, hr_reviewer, "hr_reviewer", "csv")
    content = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))
    assert sorted(row[1] for row in rows[1:]) == sorted("'" + formula for formula in FORMULAS)
    assert {row[5] for row in rows[1:]} == {"'=cmd|' /C calc'!A0"}
    assert content.splitlines()[1].startswith('"BY')


def test_xlsx_export_writes_every_cell_as_text(client, department, hr_reviewer):
    employer = EmployerFactory(department=department, name="=cmd|' /C calc'!A0", name_en="=cmd|' /C calc'!A0")
    formula_applications(employer)
    response = export(client, hr_reviewer, "hr_reviewer", "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None]
    assert {cell.data_type for cell in cells} == {"s"}
    assert sorted(row[1].value for row in sheet.iter_rows(min_row=2)) == sorted(FORMULAS)
    assert {row[5].value for row in sheet.iter_rows(min_row=2)} == {"=cmd|' /C calc'!A0"}
