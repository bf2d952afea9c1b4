import threading
from datetime import date

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from accounts.roles import Role
from applications.models import Application, HistoryEntry, Material, Notice, Submission
from applications.services import (
    AlreadyHandled,
    MissingData,
    NotAllowed,
    WorkflowError,
    application_create,
    application_transition,
    application_update,
    date_add_months,
    material_upload,
    submission_problems,
)
from applications.workflow import TRANSITIONS, State
from tests.factories import UserFactory, application_with_materials, jpeg_file

pytestmark = pytest.mark.django_db

DATA = {
    "opinion": "材料齐全，符合条件。",
    "reasons": "学位证书扫描件不清晰。",
    "supplement_items": ["degree_certificates"],
    "meeting_reference": "云人才领会〔2026〕3号",
}

# The path from submission to each state, with the route (tier) that makes the row's rules apply.
PATHS = {
    State.DRAFT: [],
    State.SUBMITTED: ["submit"],
    State.RETURNED: ["submit", "return_for_supplement"],
    State.INITIAL_PASSED: ["submit", "pass_initial"],
    State.SECOND_PASSED: ["submit", "pass_initial", "pass_second"],
    State.LEADING_GROUP: ["submit", "pass_initial", "pass_second", "forward_case_by_case"],
    State.APPROVED: ["submit", "pass_initial", "pass_second", "approve"],
    State.PRODUCED: ["submit", "pass_initial", "pass_second", "approve", "produce_card"],
}


class Actors:
    """One user per role, each in scope for the application (the department reviewer of its department)."""

    def __init__(self, application: Application) -> None:
        self.by_role = {role: UserFactory(roles=[role]) for role in Role}
        self.by_role[Role.APPLICANT] = application.applicant
        self.by_role[Role.DEPARTMENT_REVIEWER].departments.add(application.employer.department)

    def firing(self, name: str, application: Application):
        for role in (Role.APPLICANT, Role.DEPARTMENT_REVIEWER, Role.HR_REVIEWER, Role.TALENT_OFFICE):
            user = self.by_role[role]
            from applications.selectors import transitions_available

            if any(
                available.spec.name == name for available in transitions_available(user=user, application=application)
            ):
                return user
        raise AssertionError(f"nobody may fire {name} on {application.state}")


def fire(application: Application, name: str, actor, **overrides) -> Application:
    data = {**DATA, **overrides}
    if name == "pass_second" and not application.case_by_case:
        data.setdefault("determined_tier", application.requested_tier)
    if name == "record_group_decision":
        data.setdefault("approved", True)
        data.setdefault("determined_tier", "gold")
    if name == "produce_card":
        return application_transition(application_id=application.pk, name=name, actor=None, system=True)
    return application_transition(application_id=application.pk, name=name, actor=actor, **data)


def brought_to(state: State, route: str) -> tuple[Application, Actors]:
    application = application_with_materials(route=route)
    actors = Actors(application)
    for name in PATHS[state]:
        application = Application.objects.get(pk=application.pk)
        fire(application, name, actors.firing(name, application))
    return Application.objects.get(pk=application.pk), actors


def matrix():
    """Every row of the table × every role × a route where the row applies (tier rules included)."""
    cases = []
    for spec in TRANSITIONS:
        for source in spec.sources:
            routes = {
                "approve": {"gold": Role.HR_REVIEWER, "silver": Role.HR_REVIEWER, "diamond": Role.TALENT_OFFICE},
                "forward_case_by_case": {"case_by_case": Role.TALENT_OFFICE},
                "record_group_decision": {"case_by_case": Role.TALENT_OFFICE},
                "reject": {"gold": Role.HR_REVIEWER, "diamond": Role.TALENT_OFFICE}
                if source == State.SECOND_PASSED
                else {"diamond": Role.HR_REVIEWER},
            }.get(spec.name, {"diamond": None})
            for route, allowed_role in routes.items():
                for role in Role:
                    allowed = role == allowed_role if allowed_role else role in spec.roles
                    cases.append(
                        pytest.param(spec.name, source, route, role, allowed, id=f"{spec.name}-{source}-{route}-{role}")
                    )
    return cases


@pytest.mark.parametrize(("name", "source", "route", "role", "allowed"), matrix())
def test_transition_matrix(name, source, route, role, allowed, django_capture_on_commit_callbacks):
    source_state = State(source)
    application, actors = brought_to(source_state, route)
    actor = actors.by_role[role]
    if allowed:
        with django_capture_on_commit_callbacks(execute=True):
            result = (
                fire(application, name, actor)
                if name != "produce_card"
                else application_transition(application_id=application.pk, name=name, actor=actor)
            )
        spec = next(spec for spec in TRANSITIONS if spec.name == name and source_state in spec.sources)
        assert result.state in spec.targets
        entry = HistoryEntry.objects.filter(application=application, transition=name).last()
        assert (entry.transition, entry.source_state, entry.target_state, entry.actor, entry.actor_role) == (
            name,
            source_state,
            result.state,
            actor,
            role.value,
        )
    else:
        with pytest.raises((NotAllowed, Application.DoesNotExist)):
            application_transition(application_id=application.pk, name=name, actor=actor, **DATA)
        assert Application.objects.get(pk=application.pk).state == source_state


def test_department_reviewer_of_another_department_cannot_see_the_application():
    application, _ = brought_to(State.SUBMITTED, "gold")
    stranger = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    with pytest.raises(Application.DoesNotExist):
        application_transition(application_id=application.pk, name="pass_initial", actor=stranger, opinion="ok")


def test_submission_routes_to_the_employers_department_and_records_the_evaluation():
    application, _ = brought_to(State.SUBMITTED, "gold")
    assert application.department == application.employer.department
    assert application.evaluation["tier"] == "gold"
    assert application.claimed_criteria == ["G06"]
    assert application.number == f"BY{application.created_at:%Y}{application.pk:06d}"


def test_a_transition_without_what_it_must_carry_is_refused_with_field_errors():
    application, actors = brought_to(State.SUBMITTED, "gold")
    with pytest.raises(MissingData) as caught:
        application_transition(
            application_id=application.pk, name="return_for_supplement", actor=actors.by_role[Role.DEPARTMENT_REVIEWER]
        )
    assert sorted(caught.value.errors) == ["reasons", "supplement_items"]
    assert Application.objects.get(pk=application.pk).state == State.SUBMITTED


def test_determined_tier_must_be_backed_by_a_matched_criterion():
    application, actors = brought_to(State.INITIAL_PASSED, "gold")
    hr = actors.by_role[Role.HR_REVIEWER]
    with pytest.raises(MissingData) as caught:
        application_transition(
            application_id=application.pk, name="pass_second", actor=hr, opinion="ok", determined_tier="diamond"
        )
    assert list(caught.value.errors) == ["determined_tier"]
    application_transition(
        application_id=application.pk, name="pass_second", actor=hr, opinion="ok", determined_tier="gold"
    )
    assert Application.objects.get(pk=application.pk).determined_tier == "gold"


def test_a_transition_from_a_state_already_left_says_already_handled():
    application, actors = brought_to(State.SUBMITTED, "gold")
    reviewer = actors.by_role[Role.DEPARTMENT_REVIEWER]
    application_transition(application_id=application.pk, name="pass_initial", actor=reviewer, opinion="ok")
    with pytest.raises(AlreadyHandled):
        application_transition(application_id=application.pk, name="pass_initial", actor=reviewer, opinion="ok")
    hr = actors.by_role[Role.HR_REVIEWER]
    with pytest.raises(AlreadyHandled):
        application_transition(
            application_id=application.pk,
            name="return_for_supplement",
            actor=hr,
            expected_state=State.SUBMITTED,
            reasons="缺材料",
            supplement_items=["photo"],
        )


@pytest.mark.parametrize("route", ["gold", "diamond", "case_by_case"])
def test_full_path_from_submission_to_approval(route, django_capture_on_commit_callbacks, mailoutbox):
    application, actors = brought_to(State.SECOND_PASSED, route)
    with django_capture_on_commit_callbacks(execute=True):
        if route == "case_by_case":
            talent = actors.by_role[Role.TALENT_OFFICE]
            fire(application, "forward_case_by_case", talent)
            fire(Application.objects.get(pk=application.pk), "record_group_decision", talent, determined_tier="silver")
        else:
            fire(application, "approve", actors.firing("approve", application))
    application = Application.objects.get(pk=application.pk)
    # 第五条（五）: approval queues 制卡, which runs in-process without Redis and leaves the card awaiting issue.
    assert application.state == State.PRODUCED
    assert application.determined_tier == {"gold": "gold", "diamond": "diamond", "case_by_case": "silver"}[route]
    approval, production = list(application.history.all())[-2:]
    assert (approval.target_state, production.transition, production.actor_role) == (
        State.APPROVED,
        "produce_card",
        "system",
    )
    notice = Notice.objects.get(history_entry=approval)
    # In the applicant's language only (Chinese unless they chose English).
    assert notice.subject == f"申领 {application.number}：待制卡"
    assert notice.subject in [mail.subject for mail in mailoutbox]
    assert mailoutbox[-1].to == [application.email]


def test_group_decision_can_reject():
    application, actors = brought_to(State.LEADING_GROUP, "case_by_case")
    fire(application, "record_group_decision", actors.by_role[Role.TALENT_OFFICE], approved=False)
    assert Application.objects.get(pk=application.pk).state == State.REJECTED


def test_history_entries_cannot_be_changed_or_deleted():
    application, _ = brought_to(State.SUBMITTED, "gold")
    entry = application.history.get()
    entry.opinion = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        HistoryEntry.objects.filter(pk=entry.pk).update(opinion="changed")
    with pytest.raises(PermissionError):
        HistoryEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL")
def test_history_is_append_only_in_the_database():
    application, _ = brought_to(State.SUBMITTED, "gold")
    entry = application.history.get()
    for statement in (
        "UPDATE applications_historyentry SET opinion = 'x' WHERE id = %s",
        "DELETE FROM applications_historyentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])


def test_state_cannot_be_written_outside_a_transition():
    application = application_with_materials()
    with pytest.raises(AttributeError):
        application.state = State.APPROVED


def test_one_application_in_progress_per_person():
    application = application_with_materials()
    with pytest.raises(WorkflowError, match="您已有一份正在办理的申领"):
        application_create(applicant=application.applicant)


def test_withdrawn_application_lets_the_person_start_again():
    application = application_with_materials()
    application_transition(application_id=application.pk, name="withdraw", actor=application.applicant)
    assert application_create(applicant=application.applicant).state == State.DRAFT


def test_resubmission_keeps_every_earlier_version():
    application, _ = brought_to(State.RETURNED, "gold")
    applicant = application.applicant
    first_degree = application.materials.get(item="degree_certificates", is_current=True)
    material_upload(
        application_id=application.pk,
        actor=applicant,
        item="degree_certificates",
        file=jpeg_file("clearer.jpg", size=(80, 60)),
        replace=True,
        scan_of="original",
    )
    application_update(application_id=application.pk, actor=applicant, fields={"insurance_months": 24})
    application_transition(application_id=application.pk, name="resubmit", actor=applicant)
    application = Application.objects.get(pk=application.pk)
    assert application.state == State.SUBMITTED
    assert application.revision == 2
    first, second = Submission.objects.filter(application=application)
    assert (first.data["insurance_months"], second.data["insurance_months"]) == (12, 24)
    assert first_degree in first.materials.all()
    assert first_degree not in second.materials.all()
    assert Material.objects.filter(application=application, item="degree_certificates").count() == 2


class TestSubmissionChecks:
    def problems(self, **fields) -> dict:
        application = application_with_materials(route="gold")
        Application.objects.filter(pk=application.pk).update(**fields)
        return submission_problems(application=Application.objects.get(pk=application.pk), today=date(2026, 6, 1))

    def test_complete_application_has_no_problem(self):
        assert self.problems(contract_valid_until=date(2026, 12, 1)) == {}

    def test_contract_must_run_six_more_months(self):
        assert list(self.problems(contract_valid_until=date(2026, 11, 30))) == ["contract_valid_until"]

    def test_insurance_must_cover_three_months(self):
        problems = self.problems(contract_valid_until=date(2027, 1, 1), insurance_months=2)
        assert list(problems) == ["insurance_months"]
        assert self.problems(contract_valid_until=date(2027, 1, 1), insurance_months=3) == {}

    def test_legal_representative_gives_two_years_of_unit_tax_instead(self):
        base = {"contract_valid_until": date(2027, 1, 1), "insurance_months": 0, "is_legal_representative": True}
        assert list(self.problems(**base, unit_tax_years=1)) == ["unit_tax_years"]
        assert self.problems(**base, unit_tax_years=2) == {}

    def test_declaration_of_truth_is_required(self):
        assert list(self.problems(contract_valid_until=date(2027, 1, 1), declared_at=None)) == ["declaration"]

    def test_wrong_id_check_digit_is_refused(self):
        problems = self.problems(contract_valid_until=date(2027, 1, 1), document_number="440111198503171230")
        assert list(problems) == ["document_number"]

    def test_tier_must_be_backed(self):
        problems = self.problems(contract_valid_until=date(2027, 1, 1), requested_tier="diamond")
        assert list(problems) == ["requested_tier"]

    def test_missing_material_is_named(self):
        application = application_with_materials(route="gold")
        Material.objects.filter(application=application, item="photo").update(is_current=False)
        problems = submission_problems(application=application, today=date(2026, 6, 1))
        assert problems == {"photo": ["缺少电子证件照。"]}


def test_date_add_months_ends_on_the_last_day_of_a_short_month():
    assert date_add_months(date(2026, 8, 31), months=6) == date(2027, 2, 28)
    assert date_add_months(date(2026, 6, 1), months=6) == date(2026, 12, 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_reviewers_exactly_one_succeeds():
    for _ in range(3):
        application, actors = brought_to(State.SUBMITTED, "gold")
        first = actors.by_role[Role.DEPARTMENT_REVIEWER]
        second = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
        second.departments.add(application.department)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def act(user, name, kwargs, *, application=application, barrier=barrier, outcomes=outcomes):
            barrier.wait()
            try:
                application_transition(
                    application_id=application.pk, name=name, actor=user, expected_state=State.SUBMITTED, **kwargs
                )
                outcomes.append("ok")
            except AlreadyHandled:
                outcomes.append("already handled")
            finally:
                connection.close()

        threads = [
            threading.Thread(target=act, args=(first, "pass_initial", {"opinion": "同意"})),
            threading.Thread(
                target=act,
                args=(second, "return_for_supplement", {"reasons": "缺材料", "supplement_items": ["photo"]}),
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["already handled", "ok"]
        assert HistoryEntry.objects.filter(application=application).count() == 2


def test_the_materials_of_one_application_have_a_total_size_limit(settings):
    from django.core.exceptions import ValidationError

    application = application_with_materials(route="gold")
    used = sum(application.materials.filter(is_current=True).values_list("size", flat=True))
    settings.APPLICATION_MAX_BYTES = used + 100
    with pytest.raises(ValidationError) as caught:
        material_upload(
            application_id=application.pk,
            actor=application.applicant,
            item="degree_certificates",
            file=jpeg_file(),
            scan_of="original",
        )
    assert caught.value.code == "application_too_large"
    assert Material.objects.filter(application=application).count() == len(
        application.materials.filter(is_current=True)
    )
