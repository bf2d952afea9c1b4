"""The applicant's form as a task list: the self-check's card chosen in advance, each step's status, required
markers, no colons after labels, the 补正 loop that opens the material asked for, and employers with their 初审."""

import pytest
from django.urls import reverse

from applications.models import Application, Kind
from applications.services import application_create, material_upload
from tests.applications.test_views_submit import return_for_supplement
from tests.factories import PROFILES, EmployerFactory, application_with_materials, jpeg_file

pytestmark = pytest.mark.django_db


def edit_url(application, step):
    return reverse("applications:edit", kwargs={"pk": application.pk, "step": step})


def statuses(response):
    return {task["name"]: task["status"] for task in response.context["tasks"]}


def test_start_from_the_self_check_chooses_its_card_and_criteria(client, applicant):
    session = client.session
    session["self_check_profile"] = PROFILES["gold"]
    session.save()

    client.post(reverse("applications:start"), {"kind": Kind.NEW})

    application = Application.objects.get(applicant=applicant)
    assert (application.requested_tier, application.claimed_criteria) == ("gold", ["G06"])
    response = client.get(edit_url(application, "eligibility"))
    assert response.context["form"]["requested_tier"].value() == "gold"
    assert response.context["form"]["claimed_criteria"].value() == ["G06"]


def test_the_eligibility_step_preselects_what_the_answers_give_when_nothing_is_chosen(client, applicant):
    application = application_create(applicant=applicant, profile=PROFILES["diamond"])

    response = client.get(edit_url(application, "eligibility"))

    assert response.context["form"]["requested_tier"].value() == "diamond"
    assert '<option value="diamond" selected>' in response.text
    assert "具有正高级以上专业技术资格的专家（第三条（一）第11项）</label>" in response.text
    assert "D11 " not in response.text


def test_a_new_draft_shows_every_step_not_completed(client, applicant):
    application = application_create(applicant=applicant)

    response = client.get(edit_url(application, "identity"))

    assert statuses(response) == {
        "identity": "todo",
        "contact": "todo",
        "eligibility": "todo",
        "employment": "todo",
        "materials": "todo",
        "submit": "",
    }
    assert '<span class="task-status status">未完成</span>' in response.text


def test_a_complete_application_shows_every_step_completed(client, applicant):
    application = application_with_materials(applicant=applicant, route="gold")

    response = client.get(edit_url(application, "contact"))

    assert set(statuses(response).values()) == {"done", ""}
    assert '<span class="task-status status status-ok">已完成</span>' in response.text


def test_a_step_begun_with_a_wrong_value_has_a_problem(client, applicant):
    application = application_with_materials(applicant=applicant, route="gold")
    Application.objects.filter(pk=application.pk).update(insurance_months=1)

    response = client.get(edit_url(application, "identity"))

    assert statuses(response)["employment"] == "problem"
    assert '<span class="task-status status status-missing">有问题</span>' in response.text


def test_labels_have_no_ascii_colon_and_required_fields_a_marker(client, applicant):
    application = application_create(applicant=applicant)

    response = client.get(edit_url(application, "identity"))

    assert '<label for="id_full_name">姓名 <span class="required-marker">（必填）</span></label>' in response.text
    assert '<label for="id_birth_date">出生日期</label>' in response.text
    assert "：</label>" not in response.text
    assert ":</label>" not in response.text


def test_the_declaration_box_sits_before_its_label_on_one_line(client, applicant):
    application = application_with_materials(applicant=applicant, route="gold")

    response = client.get(edit_url(application, "submit"))

    html = response.text
    box = html.index('<input type="checkbox" name="declaration"')
    assert html.rindex('<div class="checkbox-row">', 0, box) > html.rindex("</div>", 0, box)
    assert html.index('<label for="id_declaration">', box) > box


def test_each_employer_names_the_department_of_its_initial_review(client, applicant):
    employer = EmployerFactory(name="广州白云云聚科技有限公司")
    application = application_create(applicant=applicant)

    response = client.get(edit_url(application, "contact"))

    label = f"广州白云云聚科技有限公司 — 初审：{employer.department.name}"
    assert f'<option value="{employer.pk}">{label}</option>' in response.text
    assert "data-searchable" in response.text
    assert "js/choice-search.js" in response.text


def test_resubmitting_after_a_return_opens_the_material_asked_for_marked(client, applicant):
    """From the home page to the application's reasons, and from there to the material asked for."""
    application = application_with_materials(applicant=applicant, route="gold", submit=True)
    return_for_supplement(application)

    home = client.get(reverse("applications:home"))
    detail_url = reverse("applications:detail", kwargs={"pk": application.pk})
    assert f'<a class="button" href="{detail_url}">补正后重新提交</a>' in home.text
    assert edit_url(application, "identity") not in home.text

    detail = client.get(detail_url)
    target = f"{edit_url(application, 'materials')}#item-degree_certificates"
    assert f'<a class="button" href="{target}">补正后重新提交</a>' in detail.text

    page = client.get(edit_url(application, "materials"))
    assert page.context["requested"] == ["degree_certificates"]
    assert statuses(page)["materials"] == "problem"
    assert '<section class="material-item requested" aria-labelledby="item-degree_certificates">' in page.text
    assert f'<a href="{target}">学历、学位证书</a>' in page.text

    material_upload(
        application_id=application.pk,
        actor=applicant,
        item="degree_certificates",
        file=jpeg_file("degree.jpg"),
        scan_of="original",
    )
    page = client.get(edit_url(application, "materials"))
    assert page.context["requested"] == []
    assert statuses(page)["materials"] == "done"


def test_the_applicants_page_names_the_criteria_claimed_not_their_codes(client, applicant):
    application = application_with_materials(applicant=applicant, route="gold")
    Application.objects.filter(pk=application.pk).update(claimed_criteria=["G06"])

    response = client.get(reverse("applications:detail", kwargs={"pk": application.pk}))

    assert "<li>具有国内外研究生学历并有博士以上学位的人员（第三条（二）第6项）</li>" in response.text
    assert "G06" not in response.text
