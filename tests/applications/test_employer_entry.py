import pytest
from django.urls import reverse

from accounts.models import Employer
from accounts.validators import uscc_check_character
from applications.models import Application, Kind
from tests.factories import PROFILES, DepartmentFactory, EmployerFactory

pytestmark = pytest.mark.django_db
NEW_CODE = "91440111MA7X0000" + "1"
NEW_CODE += uscc_check_character(NEW_CODE)


def post_contact(client, application, **fields):
    data = {"mobile": "13800138000", "email": "li@example.org", "address": "", "employer": "", **fields}
    return client.post(reverse("applications:edit", kwargs={"pk": application.pk, "step": "contact"}), data)


def test_an_unregistered_employer_entered_by_its_code_is_registered_with_its_department(client, draft):
    department = DepartmentFactory()
    response = post_contact(
        client,
        draft,
        employer_uscc=NEW_CODE.lower(),
        employer_name="广州新注册科技有限公司",
        employer_department=department.pk,
    )
    assert response.status_code == 302
    employer = Employer.objects.get(uscc=NEW_CODE)
    assert (employer.name, employer.department) == ("广州新注册科技有限公司", department)
    assert Application.objects.get(pk=draft.pk).employer == employer


def test_an_unregistered_code_without_name_and_department_is_explained_and_kept(client, draft):
    response = post_contact(client, draft, employer_uscc=NEW_CODE)
    assert response.status_code == 200
    assert response.context["form"].errors["employer_uscc"] == [
        "没有已登记的用人单位使用该代码：请在下方填写单位名称及其行业主管部门，或从列表中选择。"
    ]
    assert f'value="{NEW_CODE}"' in response.text
    assert not Employer.objects.filter(uscc=NEW_CODE).exists()


def test_a_registered_code_selects_that_employer(client, draft):
    employer = EmployerFactory()
    response = post_contact(client, draft, employer_uscc=employer.uscc, employer_name="另一个名字")
    assert response.status_code == 302
    assert Application.objects.get(pk=draft.pk).employer == employer
    assert Employer.objects.count() == 1


def test_the_self_checks_case_by_case_answer_carries_over(client, applicant):
    session = client.session
    session["self_check_profile"] = {**PROFILES["case_by_case"], "case_by_case": True}
    session.save()
    client.post(reverse("applications:start"), {"kind": Kind.NEW})
    application = Application.objects.get(applicant=applicant)
    assert application.case_by_case is True
    assert application.profile == PROFILES["case_by_case"]
