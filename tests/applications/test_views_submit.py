import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from applications.models import Application, HistoryEntry, Submission
from applications.services import (
    application_create,
    application_transition,
    application_update,
    date_add_months,
)
from tests.factories import EmployerFactory, UserFactory, application_with_materials, jpeg_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def submit_url(application):
    return reverse("applications:edit", kwargs={"pk": application.pk, "step": "submit"})


def detail_url(application):
    return reverse("applications:detail", kwargs={"pk": application.pk})


def ready(applicant, route="gold") -> Application:
    application = application_with_materials(applicant=applicant, route=route)
    Application.objects.filter(pk=application.pk).update(declared_at=None)
    return application


def return_for_supplement(application) -> Application:
    reviewer = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    reviewer.departments.add(application.department)
    return application_transition(
        application_id=application.pk,
        name="return_for_supplement",
        actor=reviewer,
        reasons="学位证书扫描件不清晰。",
        supplement_items=["degree_certificates"],
    )


def test_submit_page_lists_what_is_missing_with_the_step_to_fix_it(client, applicant):
    application = application_create(applicant=applicant)

    response = client.get(submit_url(application))

    problems = {problem["field"]: problem["step"] for problem in response.context["problems"]}
    assert problems["document_number"] == "identity"
    assert problems["employer"] == "contact"
    assert problems["contract_valid_until"] == "employment"
    assert problems["requested_tier"] == "eligibility"
    assert problems["photo"] == "materials"
    assert problems["declaration"] == "submit"


def test_submission_checks_give_clear_messages(client, applicant):
    application = ready(applicant)
    application_update(
        application_id=application.pk,
        actor=applicant,
        fields={
            "contract_valid_until": date_add_months(timezone.localdate(), months=3),
            "insurance_months": 2,
            "requested_tier": "diamond",
        },
    )

    response = client.post(submit_url(application), {"declaration": "on", "expected_state": "draft"})

    messages = {problem["field"]: problem["messages"] for problem in response.context["problems"]}
    six_months = date_add_months(timezone.localdate(), months=6).isoformat()
    assert messages["contract_valid_until"] == [
        f"The employment contract must be valid at least 6 more months, that is until {six_months} or later."
    ]
    assert messages["insurance_months"] == [
        "Social insurance or income tax records must cover at least 3 consecutive months."
    ]
    assert messages["requested_tier"] == [
        "Your answers do not meet any criterion of the Diamond card; choose the tier the self-check shows."
    ]
    assert Application.objects.get(pk=application.pk).state == "draft"


def test_legal_representative_needs_two_years_of_unit_tax(client, applicant):
    application = ready(applicant)
    application_update(
        application_id=application.pk,
        actor=applicant,
        fields={"is_legal_representative": True, "insurance_months": None, "unit_tax_years": 1},
    )

    response = client.post(submit_url(application), {"declaration": "on", "expected_state": "draft"})

    messages = {problem["field"]: problem["messages"] for problem in response.context["problems"]}
    assert messages == {
        "unit_tax_years": [
            "As legal representative, provide the employer's tax proof of the last two years, or, for a new "
            "investment enterprise, the District Investment Promotion Bureau's recommendation (综合认定)."
        ]
    }


def test_declaration_is_required_beside_its_field(client, applicant):
    application = ready(applicant)

    response = client.post(submit_url(application), {"expected_state": "draft"})

    assert response.context["form"].errors == {"declaration": ["Accept the declaration of truth before submitting."]}
    assert Submission.objects.count() == 0


def test_submit_redirects_to_the_read_only_application(client, applicant):
    application = ready(applicant)

    response = client.post(submit_url(application), {"declaration": "on", "expected_state": "draft"})

    application.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == detail_url(application)
    assert application.state == "submitted"
    assert application.declared_at is not None
    assert Submission.objects.filter(application=application).count() == 1


def test_double_submit_makes_one_submission(client, applicant):
    application = ready(applicant)
    data = {"declaration": "on", "expected_state": "draft"}

    client.post(submit_url(application), data)
    response = client.post(submit_url(application), data, follow=True)

    assert Submission.objects.filter(application=application).count() == 1
    assert HistoryEntry.objects.filter(application=application, transition="submit").count() == 1
    assert [str(message) for message in response.context["messages"]] == [
        "Your application has been submitted. You will be told of every step.",
        "This application has already been handled: it is now “Awaiting initial review”.",
    ]


def test_submitted_application_is_read_only_for_the_applicant(client, applicant):
    application = application_with_materials(applicant=applicant, submit=True)
    edit = reverse("applications:edit", kwargs={"pk": application.pk, "step": "identity"})

    response = client.post(edit, {"full_name": "改名", "document_type": "resident_id"})

    application.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == detail_url(application)
    assert application.full_name != "改名"


def test_returned_application_shows_reasons_and_items_then_resubmits_keeping_versions(client, applicant):
    application = application_with_materials(applicant=applicant, route="gold", submit=True)
    return_for_supplement(application)

    page = client.get(reverse("applications:edit", kwargs={"pk": application.pk, "step": "materials"}))
    assert page.context["returned"]["entry"].reasons == "学位证书扫描件不清晰。"
    assert page.context["returned"]["items"] == ["Diploma and degree certificates"]

    client.post(
        reverse("applications:edit", kwargs={"pk": application.pk, "step": "materials"}),
        {
            "files-degree_certificates": jpeg_file("clearer.jpg"),
            "scan_of-degree_certificates": "original",
            "replace-degree_certificates": "on",
        },
    )
    response = client.post(submit_url(application), {"declaration": "on", "expected_state": "returned"})

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.state == "submitted"
    detail = client.get(detail_url(application))
    versions = {
        submission.revision: sorted(
            material.original_name for _label, material in files if material.item == "degree_certificates"
        )
        for submission, files in detail.context["submissions"]
    }
    assert versions == {1: ["degree_certificates.jpg"], 2: ["clearer.jpg"]}


def test_detail_of_a_returned_application_shows_the_reasons(client, applicant):
    application = application_with_materials(applicant=applicant, submit=True)
    return_for_supplement(application)

    response = client.get(detail_url(application))

    assert response.context["returned"]["entry"].reasons == "学位证书扫描件不清晰。"
    assert "学位证书扫描件不清晰。" in response.content.decode()


def test_another_users_application_is_not_found(client, applicant):
    other = application_with_materials(submit=True)

    assert client.get(detail_url(other)).status_code == 404
    assert client.get(reverse("applications:withdraw", kwargs={"pk": other.pk})).status_code == 404
    assert client.post(submit_url(other), {"declaration": "on", "expected_state": "submitted"}).status_code == 404


def test_withdraw_before_a_decision(client, applicant):
    application = application_with_materials(applicant=applicant, submit=True)

    response = client.post(
        reverse("applications:withdraw", kwargs={"pk": application.pk}), {"expected_state": "submitted"}
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.state == "withdrawn"


def test_withdraw_after_initial_review_is_refused(client, applicant):
    application = application_with_materials(applicant=applicant, submit=True)
    reviewer = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    reviewer.departments.add(application.department)
    application_transition(application_id=application.pk, name="pass_initial", actor=reviewer, opinion="同意。")

    response = client.post(
        reverse("applications:withdraw", kwargs={"pk": application.pk}),
        {"expected_state": "initial_passed"},
        follow=True,
    )

    application.refresh_from_db()
    assert application.state == "initial_passed"
    assert [str(message) for message in response.context["messages"]] == [
        "This application has already been handled: it is now “Awaiting second review”."
    ]


def test_home_shows_each_application_with_its_timeline(client, applicant):
    application = application_with_materials(applicant=applicant, submit=True)

    response = client.get(reverse("applications:home"))

    (row,) = response.context["rows"]
    assert row["application"] == application
    steps = [(str(step.label), step.done_at is not None, step.current) for step in row["timeline"]]
    assert steps == [
        ("Application", True, False),
        ("Initial review", False, True),
        ("Second review", False, False),
        ("Approval", False, False),
        ("Card production", False, False),
        ("Card issue", False, False),
    ]
    assert response.context["in_progress"] is True


def test_home_timeline_of_a_returned_application_marks_the_review_that_returned_it(client, applicant):
    application = return_for_supplement(application_with_materials(applicant=applicant, submit=True))

    response = client.get(reverse("applications:home"))

    (row,) = response.context["rows"]
    steps = [(str(step.label), step.done_at is not None, step.returned_at is not None) for step in row["timeline"]]
    assert steps == [
        ("Application", True, False),
        ("Initial review", False, True),
        ("Second review", False, False),
        ("Approval", False, False),
        ("Card production", False, False),
        ("Card issue", False, False),
    ]
    assert application.state == "returned"
    assert "returned for supplement" in response.text


def test_home_lists_notices(client, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application_with_materials(applicant=applicant, submit=True)

    response = client.get(reverse("applications:home"))

    assert len(response.context["notices"]) == 1


def test_home_does_not_query_per_application(client, applicant, django_assert_max_num_queries):
    for _ in range(3):
        application = application_with_materials(applicant=applicant, submit=True)
        application_transition(application_id=application.pk, name="withdraw", actor=applicant)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("applications:home"))

    assert len(response.context["rows"]) == 3


def test_employer_home_lists_its_units_applicants_only(client):
    employer = EmployerFactory()
    mine = application_with_materials(employer=employer, submit=True)
    application_with_materials(employer=employer)  # a draft: not shown
    application_with_materials(submit=True)  # another unit
    officer = UserFactory(roles=[Role.EMPLOYER])
    officer.employers.add(employer)
    client.force_login(officer)

    response = client.get(reverse("applications:employer_home"))

    assert response.context["applications"] == [mine]


def test_employer_home_is_not_for_applicants(client, applicant):
    assert client.get(reverse("applications:employer_home")).status_code == 404


def test_employer_home_does_not_query_per_application(client, django_assert_max_num_queries):
    employer = EmployerFactory()
    for _ in range(4):
        application_with_materials(employer=employer, submit=True)
    officer = UserFactory(roles=[Role.EMPLOYER])
    officer.employers.add(employer)
    client.force_login(officer)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("applications:employer_home"))

    assert len(response.context["applications"]) == 4
