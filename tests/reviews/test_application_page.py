import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import AccessLog
from accounts.roles import Role
from applications.models import Application, HistoryEntry
from applications.selectors import transitions_available
from applications.services import application_transition, application_update, material_upload
from tests.factories import EmployerFactory, UserFactory, application_with_materials, jpeg_file
from tests.reviews.conftest import bulk_applications

pytestmark = pytest.mark.django_db

OPINION = "材料齐全，符合条件。"


def rendered_transitions(response) -> set[str]:
    return set(re.findall(r'data-transition="([a-z_]+)"', response.content.decode()))


def reviewer_for(role: Role, application: Application):
    user = UserFactory(roles=[role])
    if role == Role.DEPARTMENT_REVIEWER:
        user.departments.add(application.department)
    return user


def page(client, user, application: Application):
    client.force_login(user)
    return client.get(reverse("reviews:application", kwargs={"pk": application.pk}))


def fire(application: Application, name: str, user, **data):
    return application_transition(application_id=application.pk, name=name, actor=user, opinion=OPINION, **data)


@pytest.fixture
def submitted():
    return application_with_materials(route="gold", submit=True)


def test_application_page_shows_masked_identity_never_the_full_number(client, submitted):
    response = page(client, reviewer_for(Role.DEPARTMENT_REVIEWER, submitted), submitted)
    content = response.content.decode()
    assert response.status_code == 200
    assert submitted.document_number not in content
    assert submitted.masked_document_number in content
    assert submitted.employer.name in content


def test_application_page_links_every_current_material(client, submitted):
    response = page(client, reviewer_for(Role.DEPARTMENT_REVIEWER, submitted), submitted)
    content = response.content.decode()
    for material in submitted.materials.filter(is_current=True):
        assert reverse("applications:material_download", kwargs={"pk": material.pk}) in content


@pytest.mark.parametrize(
    ("state_path", "route"),
    [
        ([], "gold"),
        (["pass_initial"], "gold"),
        (["pass_initial", "pass_second"], "gold"),
        (["pass_initial", "pass_second"], "diamond"),
        (["pass_initial", "pass_second"], "case_by_case"),
        (["pass_initial", "pass_second", "forward_case_by_case"], "case_by_case"),
        (["pass_initial", "pass_second", "approve"], "gold"),
    ],
)
@pytest.mark.parametrize("role", [Role.DEPARTMENT_REVIEWER, Role.HR_REVIEWER, Role.TALENT_OFFICE, Role.AUDITOR])
def test_application_page_renders_exactly_the_available_transitions(client, state_path, route, role):
    application = application_with_materials(route=route, submit=True)
    actors = {each: reviewer_for(each, application) for each in Role if each != Role.APPLICANT}
    for name in state_path:
        actor = next(
            user
            for user in actors.values()
            if any(option.spec.name == name for option in transitions_available(user=user, application=application))
        )
        tier = {"case_by_case": ""}.get(route, route)
        extra = {"determined_tier": tier} if name == "pass_second" else {}
        application = fire(application, name, actor, **extra)
    user = actors[role]
    response = page(client, user, application)
    if response.status_code == 404:
        assert not Application.objects.filter(pk=application.pk, passed_initial_at__isnull=False).exists()
        assert role == Role.HR_REVIEWER
        return
    expected = {option.spec.name for option in transitions_available(user=user, application=application)}
    assert rendered_transitions(response) == expected
    if role == Role.AUDITOR:
        assert expected == set()


def test_application_page_of_another_department_is_not_found(client, submitted):
    outsider = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    outsider.departments.add(EmployerFactory().department)
    assert page(client, outsider, submitted).status_code == 404


def test_application_page_is_not_for_applicants(client, submitted):
    assert page(client, submitted.applicant, submitted).status_code == 404


def test_application_page_of_auditor_is_logged(client, submitted):
    auditor = UserFactory(roles=[Role.AUDITOR])
    assert page(client, auditor, submitted).status_code == 200
    assert list(AccessLog.objects.values_list("action", "object_type", "object_id", "role")) == [
        ("view", "applications.application", str(submitted.pk), "auditor")
    ]


def test_application_page_shows_changes_since_the_previous_version(client, submitted):
    reviewer = reviewer_for(Role.DEPARTMENT_REVIEWER, submitted)
    fire(
        submitted, "return_for_supplement", reviewer, reasons="学位证书不清晰", supplement_items=["degree_certificates"]
    )
    applicant = submitted.applicant
    application_update(application_id=submitted.pk, actor=applicant, fields={"job_title": "首席科学家"})
    material_upload(
        application_id=submitted.pk,
        actor=applicant,
        item="degree_certificates",
        file=jpeg_file("degree-clear.jpg"),
        replace=True,
        scan_of="original",
    )
    application_transition(application_id=submitted.pk, name="resubmit", actor=applicant)
    response = page(client, reviewer, submitted)
    changes = response.context["review"].changes
    assert (changes.previous.revision, changes.current.revision) == (1, 2)
    assert [(change.field, change.before, change.after) for change in changes.fields] == [
        ("job_title", "—", "首席科学家")
    ]
    assert [(change.item, change.replaced) for change in changes.materials] == [("degree_certificates", True)]
    assert [material.original_name for material in changes.materials[0].added] == ["degree-clear.jpg"]
    content = response.content.decode()
    assert 'data-item="degree_certificates"' in content
    assert 'data-field="job_title"' in content


def test_changes_mask_a_changed_document_number(client, submitted):
    from reviews.diffs import submission_changes

    reviewer = reviewer_for(Role.DEPARTMENT_REVIEWER, submitted)
    fire(submitted, "return_for_supplement", reviewer, reasons="号码有误", supplement_items=["identity_document"])
    from tests.factories import resident_id

    new_number = resident_id(serial=(submitted.applicant.pk + 7) % 1000)
    application_update(application_id=submitted.pk, actor=submitted.applicant, fields={"document_number": new_number})
    application_transition(application_id=submitted.pk, name="resubmit", actor=submitted.applicant)
    previous, current = submitted.submissions.order_by("revision")
    changes = submission_changes(previous=previous, current=current)
    assert [change.field for change in changes.fields] == ["document_number"]
    content = page(client, reviewer, submitted).content.decode()
    assert new_number not in content
    assert submitted.document_number not in content


def test_application_page_shows_the_timeline(client, submitted):
    reviewer = reviewer_for(Role.DEPARTMENT_REVIEWER, submitted)
    fire(submitted, "pass_initial", reviewer)
    content = page(client, reviewer, submitted).content.decode()
    assert OPINION in content
    assert submitted.department.name in content
    assert HistoryEntry.objects.filter(application=submitted).count() == 2
    # Who acted, in Chinese punctuation: a full-width comma and brackets.
    assert f"办理人 {reviewer}，{submitted.department.name}（行业主管部门（初审））" in content
    assert f"办理人 {submitted.applicant}（申领人）" in content


def test_transition_missing_opinion_is_shown_beside_the_field(client, submitted):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    reviewer = reviewer_for(Role.DEPARTMENT_REVIEWER, submitted)
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:transition", kwargs={"pk": submitted.pk, "name": "pass_initial"}),
        {"pass_initial-expected_state": "submitted", "pass_initial-opinion": "  "},
    )
    assert response.status_code == 200
    forms = {form.name: form for form in response.context["transition_forms"]}
    assert forms["pass_initial"].errors == {"opinion": ["Give your opinion."]}
    assert Application.objects.get(pk=submitted.pk).state == "submitted"


def test_transition_keeps_what_was_typed_on_error(client, submitted):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    reviewer = reviewer_for(Role.DEPARTMENT_REVIEWER, submitted)
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:transition", kwargs={"pk": submitted.pk, "name": "return_for_supplement"}),
        {
            "return_for_supplement-expected_state": "submitted",
            "return_for_supplement-reasons": "照片不合格",
            "return_for_supplement-confirm": "on",
        },
    )
    form = {form.name: form for form in response.context["transition_forms"]}["return_for_supplement"]
    assert form.errors == {"supplement_items": ["List the materials to supplement."]}
    assert "照片不合格</textarea>" in response.content.decode()


def test_return_without_confirmation_is_refused_and_changes_nothing(client, submitted):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(reviewer_for(Role.DEPARTMENT_REVIEWER, submitted))
    response = client.post(
        reverse("reviews:transition", kwargs={"pk": submitted.pk, "name": "return_for_supplement"}),
        {
            "return_for_supplement-expected_state": "submitted",
            "return_for_supplement-reasons": "照片不合格",
            "return_for_supplement-supplement_items": ["photo"],
        },
    )
    form = {form.name: form for form in response.context["transition_forms"]}["return_for_supplement"]
    assert form.errors == {"confirm": ["Tick the confirmation to send this decision."]}
    assert Application.objects.get(pk=submitted.pk).state == "submitted"


def test_return_is_set_apart_from_passing_and_below_it(client, submitted):
    client.force_login(reviewer_for(Role.DEPARTMENT_REVIEWER, submitted))
    html = client.get(reverse("reviews:application", kwargs={"pk": submitted.pk})).content.decode()
    passing = html.index('data-transition="pass_initial"')
    returning = html.index('data-transition="return_for_supplement"')
    assert passing < returning
    caution = html[returning:].split("</form>")[0]
    assert 'class="button button-caution"' in caution
    assert 'name="return_for_supplement-confirm"' in caution
    assert "button-caution" not in html[passing:returning]
    # Nothing is chosen beforehand: no radio or check box of a decision form is ticked.
    assert "checked" not in html[passing:]


def test_transition_already_handled_is_a_message(client, submitted):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    first = reviewer_for(Role.DEPARTMENT_REVIEWER, submitted)
    second = reviewer_for(Role.DEPARTMENT_REVIEWER, submitted)
    fire(submitted, "pass_initial", first)
    client.force_login(second)
    response = client.post(
        reverse("reviews:transition", kwargs={"pk": submitted.pk, "name": "pass_initial"}),
        {"pass_initial-expected_state": "submitted", "pass_initial-opinion": OPINION},
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "Already handled by someone else: "
        "This application has already been handled: it is now “Awaiting second review”."
    ]
    assert HistoryEntry.objects.filter(application=submitted, transition="pass_initial").count() == 1


def test_transition_not_allowed_is_forbidden(client, submitted):
    hr = UserFactory(roles=[Role.HR_REVIEWER, Role.DEPARTMENT_REVIEWER])
    hr.departments.add(submitted.department)
    fire(submitted, "pass_initial", hr)
    # An HR reviewer who is also the department reviewer may see it, but 初审 is over: approving it is refused.
    client.force_login(UserFactory(roles=[Role.TALENT_OFFICE]))
    response = client.post(
        reverse("reviews:transition", kwargs={"pk": submitted.pk, "name": "pass_second"}),
        {
            "pass_second-expected_state": "initial_passed",
            "pass_second-opinion": OPINION,
            "pass_second-determined_tier": "gold",
        },
    )
    assert response.status_code == 403


def test_transition_by_an_outsider_is_not_found(client, submitted):
    outsider = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    outsider.departments.add(EmployerFactory().department)
    client.force_login(outsider)
    response = client.post(
        reverse("reviews:transition", kwargs={"pk": submitted.pk, "name": "pass_initial"}),
        {"pass_initial-expected_state": "submitted", "pass_initial-opinion": OPINION},
    )
    assert response.status_code == 404


def test_transition_by_the_auditor_is_forbidden(client, submitted):
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    response = client.post(
        reverse("reviews:transition", kwargs={"pk": submitted.pk, "name": "pass_initial"}),
        {"pass_initial-expected_state": "submitted", "pass_initial-opinion": OPINION},
    )
    assert response.status_code == 403
    assert Application.objects.get(pk=submitted.pk).state == "submitted"


def test_transition_of_an_unknown_name_is_not_found(client, submitted):
    client.force_login(reviewer_for(Role.DEPARTMENT_REVIEWER, submitted))
    response = client.post(reverse("reviews:transition", kwargs={"pk": submitted.pk, "name": "delete"}), {})
    assert response.status_code == 404


def test_pass_second_offers_only_tiers_backed_by_the_evaluation(client):
    application = application_with_materials(route="gold", submit=True)
    fire(application, "pass_initial", reviewer_for(Role.DEPARTMENT_REVIEWER, application))
    response = page(client, UserFactory(roles=[Role.HR_REVIEWER]), application)
    form = {form.name: form for form in response.context["transition_forms"]}["pass_second"]
    backed = [value for value, _label in form.fields["determined_tier"].choices if value]
    assert backed == [
        tier
        for tier in ("diamond", "gold", "silver")
        if any(code[0] == tier[0].upper() for code in application.evaluation["criteria"])
    ]
    assert "gold" in backed


@pytest.mark.parametrize("size", [10, 1000])
def test_application_page_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, size):
    application = application_with_materials(route="gold", submit=True)
    reviewer = reviewer_for(Role.DEPARTMENT_REVIEWER, application)
    bulk_applications(size, employer=application.employer, state="submitted")
    client.force_login(reviewer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reviews:application", kwargs={"pk": application.pk}))
    assert response.status_code == 200


# The whole path through the web UI, in each language --------------------------------------------------------


def post_transition(client, user, application, name: str, data: dict):
    client.force_login(user)
    state = Application.objects.get(pk=application.pk).state
    payload = {f"{name}-expected_state": state, **{f"{name}-{key}": value for key, value in data.items()}}
    response = client.post(
        reverse("reviews:transition", kwargs={"pk": application.pk, "name": name}), payload, follow=True
    )
    assert response.status_code == 200
    return response


PATHS = {
    "gold": [
        (Role.DEPARTMENT_REVIEWER, "pass_initial", {"opinion": OPINION}),
        (Role.HR_REVIEWER, "pass_second", {"opinion": OPINION, "determined_tier": "gold"}),
        (Role.HR_REVIEWER, "approve", {"opinion": OPINION}),
    ],
    "diamond": [
        (Role.DEPARTMENT_REVIEWER, "pass_initial", {"opinion": OPINION}),
        (Role.HR_REVIEWER, "pass_second", {"opinion": OPINION, "determined_tier": "diamond"}),
        (Role.TALENT_OFFICE, "approve", {"opinion": OPINION}),
    ],
    "case_by_case": [
        (Role.DEPARTMENT_REVIEWER, "pass_initial", {"opinion": OPINION}),
        (Role.HR_REVIEWER, "pass_second", {"opinion": OPINION, "determined_tier": ""}),
        (Role.TALENT_OFFICE, "forward_case_by_case", {"opinion": OPINION}),
        (
            Role.TALENT_OFFICE,
            "record_group_decision",
            {"decision": "approve", "determined_tier": "gold", "meeting_reference": "云人才领会〔2026〕3号"},
        ),
    ],
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("route", ["gold", "diamond", "case_by_case"])
def test_full_path_from_submission_to_approval_through_the_web(client, route, language):
    application = application_with_materials(route=route, submit=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    users = {
        role: reviewer_for(role, application)
        for role in (Role.DEPARTMENT_REVIEWER, Role.HR_REVIEWER, Role.TALENT_OFFICE)
    }
    for role, name, data in PATHS[route]:
        response = post_transition(client, users[role], application, name, data)
        from reviews.forms import label_of

        with translation.override(language):
            expected = translation.gettext("%(action)s: done.") % {"action": label_of(name)}
        assert [str(message) for message in response.context["messages"]] == [expected]
        assert response.headers["Content-Language"] == language
    application.refresh_from_db()
    assert application.state == "approved"
    assert application.determined_tier == {"case_by_case": "gold"}.get(route, route)
    assert list(application.history.values_list("transition", flat=True)) == [
        "submit",
        *(name for _r, name, _d in PATHS[route]),
    ]


def test_file_names_the_materials_to_supplement_and_the_policy_by_title(client, submitted):
    reviewer = reviewer_for(Role.DEPARTMENT_REVIEWER, submitted)
    fire(
        submitted, "return_for_supplement", reviewer, reasons="学位证书不清晰", supplement_items=["degree_certificates"]
    )
    html = page(client, reviewer, submitted).content.decode()
    with translation.override("zh-hans"):
        from applications.services import material_label

        label = material_label("degree_certificates")[0]
    supplement = re.search(r'<p class="supplement-items"><strong>需补正的材料</strong>：(.*?)</p>', html)
    assert supplement is not None
    assert supplement.group(1) == label
    assert "degree_certificates</p>" not in html
    policy = re.search(r"依据<a [^>]*>(.*?)</a>", html)
    assert policy is not None
    assert "baiyun-2021" not in policy.group(1)
    # A criterion's code follows its sentence as a small reference only.
    codes = re.findall(r'<li>([^<]+) <span class="criterion-ref"[^>]*>([A-Z]\d+)</span></li>', html)
    assert codes
    assert all(not sentence.strip().startswith(code) for sentence, code in codes)
