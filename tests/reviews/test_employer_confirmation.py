"""An employer typed in by an applicant stays private to that application until its department confirms it."""

import pytest
from django.urls import reverse

from accounts.models import Employer
from accounts.roles import Role
from accounts.validators import uscc_check_character
from applications.models import Application
from applications.services import application_create, application_transition
from reviews.queues import filter_choices
from tests.factories import PROFILES, DepartmentFactory, EmployerFactory, UserFactory, application_with_materials

pytestmark = pytest.mark.django_db
NEW_CODE = "91440111MA7X0000" + "2"
NEW_CODE += uscc_check_character(NEW_CODE)


def contact_url(application):
    return reverse("applications:edit", kwargs={"pk": application.pk, "step": "contact"})


def enter_employer(client, applicant, *, name: str, department, application=None) -> Application:
    """The applicant's draft (a new one unless given) naming an employer by a code nobody registered."""
    client.force_login(applicant)
    draft = application or application_create(applicant=applicant, profile=PROFILES["diamond"])
    data = {
        "mobile": "13800138000",
        "email": applicant.email,
        "address": "",
        "employer": "",
        "employer_uscc": NEW_CODE,
        "employer_name": name,
        "employer_department": department.pk,
    }
    assert client.post(contact_url(draft), data).status_code == 302
    return Application.objects.select_related("employer").get(pk=draft.pk)


def employer_choices(client, application) -> list[str]:
    """The employers the applicant may choose, by name (each choice also names its 初审 department)."""
    client.force_login(application.applicant)
    form = client.get(contact_url(application)).context["form"]
    return [str(label).split(" — 初审：")[0] for _value, label in form.fields["employer"].choices]


def submitted_with_entered_employer(client, department) -> Application:
    application = application_with_materials()
    enter_employer(client, application.applicant, name="=HYPERLINK(1)", department=department, application=application)
    application_transition(application_id=application.pk, name="submit", actor=application.applicant)
    return Application.objects.select_related("employer").get(pk=application.pk)


def reviewer_of(department):
    reviewer = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    reviewer.departments.add(department)
    return reviewer


def test_an_entered_employer_is_private_to_its_application(client):
    department = DepartmentFactory()
    first = enter_employer(client, UserFactory(roles=[Role.APPLICANT]), name="假冒单位", department=department)
    registered = EmployerFactory(department=department)

    other = application_create(applicant=UserFactory(roles=[Role.APPLICANT]))
    choices = employer_choices(client, other)
    second = enter_employer(
        client, other.applicant, name="广州真实科技有限公司", department=DepartmentFactory(), application=other
    )

    assert first.employer.confirmed is False
    assert "假冒单位" not in choices
    assert registered.name in choices
    assert second.employer != first.employer
    assert (second.employer.name, second.employer.confirmed) == ("广州真实科技有限公司", False)
    assert filter_choices(user=UserFactory(roles=[Role.HR_REVIEWER]), role=Role.HR_REVIEWER).employers == [registered]
    assert filter_choices(user=reviewer_of(department), role=Role.DEPARTMENT_REVIEWER).employers == [registered]


def test_the_applicant_keeps_and_corrects_their_own_entered_employer(client):
    applicant = UserFactory(roles=[Role.APPLICANT])
    draft = enter_employer(client, applicant, name="广州新科技有限公司", department=DepartmentFactory())
    choices = employer_choices(client, draft)
    corrected = {
        "mobile": "13800138000",
        "email": "li@example.org",
        "employer": str(draft.employer.pk),
        "employer_uscc": NEW_CODE,
        "employer_name": "广州新科技股份有限公司",
        "employer_department": draft.employer.department_id,
    }
    client.post(contact_url(draft), corrected)

    assert "广州新科技有限公司" in choices
    assert Employer.objects.filter(uscc=NEW_CODE).count() == 1
    assert Application.objects.get(pk=draft.pk).employer.name == "广州新科技股份有限公司"


def test_another_applicant_cannot_choose_an_entered_employer_by_its_id(client):
    department = DepartmentFactory()
    entered = enter_employer(client, UserFactory(roles=[Role.APPLICANT]), name="某单位", department=department)
    other = UserFactory(roles=[Role.APPLICANT])
    client.force_login(other)
    draft = application_create(applicant=other)

    response = client.post(
        contact_url(draft), {"mobile": "", "email": "", "address": "", "employer": str(entered.employer_id)}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["employer"]
    assert Application.objects.get(pk=draft.pk).employer is None


def test_the_department_confirms_the_employer_which_is_then_listed(client):
    department = DepartmentFactory()
    application = submitted_with_entered_employer(client, department)
    reviewer = reviewer_of(department)
    client.force_login(reviewer)
    page = client.get(reverse("reviews:application", kwargs={"pk": application.pk}))

    response = client.post(reverse("reviews:confirm_employer", kwargs={"pk": application.pk}))

    employer = Employer.objects.get(pk=application.employer_id)
    assert page.context["review"].may_confirm_employer is True
    assert response.status_code == 302
    assert employer.confirmed is True
    assert filter_choices(user=reviewer, role=Role.DEPARTMENT_REVIEWER).employers == [employer]
    assert employer.name in employer_choices(client, application_create(applicant=UserFactory(roles=[Role.APPLICANT])))


def test_confirming_a_code_registered_meanwhile_moves_the_application_to_it(client):
    department = DepartmentFactory()
    application = submitted_with_entered_employer(client, department)
    registered = EmployerFactory(uscc=NEW_CODE, department=department)
    client.force_login(reviewer_of(department))

    client.post(reverse("reviews:confirm_employer", kwargs={"pk": application.pk}))

    assert Application.objects.get(pk=application.pk).employer == registered
    assert Employer.objects.filter(uscc=NEW_CODE, confirmed=True).get() == registered


@pytest.mark.parametrize(
    ("role", "status"),
    [("other_department", 404), ("hr_reviewer", 404), ("applicant", 403), ("talent_office", 403)],
)
def test_only_the_applications_department_confirms_its_employer(client, role, status):
    department = DepartmentFactory()
    application = submitted_with_entered_employer(client, department)
    users = {
        "other_department": lambda: reviewer_of(DepartmentFactory()),
        "hr_reviewer": lambda: UserFactory(roles=[Role.HR_REVIEWER]),
        "applicant": lambda: application.applicant,
        "talent_office": lambda: UserFactory(roles=[Role.TALENT_OFFICE]),
    }
    client.force_login(users[role]())

    response = client.post(reverse("reviews:confirm_employer", kwargs={"pk": application.pk}))

    assert response.status_code == status
    assert Employer.objects.get(pk=application.employer_id).confirmed is False
