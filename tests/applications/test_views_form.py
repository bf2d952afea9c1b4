import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from applications.models import Application, Kind
from applications.services import application_create, date_add_months
from tests.factories import PROFILES, EmployerFactory, UserFactory, resident_id

pytestmark = pytest.mark.django_db


def edit_url(application, step):
    return reverse("applications:edit", kwargs={"pk": application.pk, "step": step})


def test_start_creates_a_draft_from_the_self_check_profile(client, applicant):
    session = client.session
    session["self_check_profile"] = {**PROFILES["gold"], "on_date": "2026-01-05"}
    session.save()

    response = client.post(reverse("applications:start"), {"kind": Kind.NEW})

    application = Application.objects.get(applicant=applicant)
    assert response.status_code == 302
    assert response["Location"] == edit_url(application, "identity")
    assert application.profile == PROFILES["gold"]
    assert application.state == "draft"


def test_start_without_a_self_check_opens_an_empty_profile(client, applicant):
    client.post(reverse("applications:start"), {"kind": Kind.NEW})

    application = Application.objects.get(applicant=applicant)
    assert application.profile == {}
    assert application.kind == Kind.NEW


def test_start_drops_an_invalid_self_check_profile(client, applicant):
    session = client.session
    session["self_check_profile"] = {"honours": ["made_up_honour"]}
    session.save()

    client.post(reverse("applications:start"), {"kind": Kind.NEW})

    assert Application.objects.get(applicant=applicant).profile == {}


def test_start_refuses_a_second_application_in_progress(client, applicant, draft):
    response = client.post(reverse("applications:start"), {"kind": Kind.NEW}, follow=True)

    assert Application.objects.filter(applicant=applicant).count() == 1
    assert [str(message) for message in response.context["messages"]] == [
        "您已有一份正在办理的申领。请继续办理，或撤回后再重新申领。"
    ]


def test_start_is_not_for_other_roles(client):
    client.force_login(UserFactory(roles=[Role.EMPLOYER]))

    assert client.get(reverse("applications:start")).status_code == 404


def test_identity_step_saves_the_draft_and_reads_the_birth_date_from_the_id(client, draft):
    number = resident_id(birth="19900704")

    response = client.post(
        edit_url(draft, "identity"),
        {"full_name": "王小明", "document_type": "resident_id", "document_number": number.lower()},
    )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == edit_url(draft, "contact")
    assert (draft.full_name, draft.document_number, draft.birth_date) == ("王小明", number, date(1990, 7, 4))


def test_identity_step_refuses_a_wrong_check_digit_and_keeps_what_was_typed(client, draft):
    number = resident_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")

    response = client.post(
        edit_url(draft, "identity"),
        {"full_name": "王小明", "document_type": "resident_id", "document_number": wrong},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"document_number": ["该身份证号码的校验码不正确，请核对号码。"]}
    assert response.context["form"]["full_name"].value() == "王小明"
    assert response.context["form"]["document_number"].value() == wrong
    draft.refresh_from_db()
    assert draft.document_number == ""


@pytest.mark.parametrize(
    ("document_type", "number", "stored"),
    [
        ("passport", "e1234 5678", None),
        ("passport", "E12345678", "E12345678"),
        ("hk_macao_permit", "H1234567", None),
        ("hk_macao_permit", "h12345678", "H12345678"),
        ("taiwan_permit", "1234567", None),
        ("taiwan_permit", "12345678", "12345678"),
    ],
)
def test_identity_step_checks_each_document_format(client, draft, document_type, number, stored):
    response = client.post(
        edit_url(draft, "identity"),
        {"full_name": "Alex", "document_type": document_type, "document_number": number, "nationality": "加拿大"},
    )

    draft.refresh_from_db()
    if stored is None:
        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["document_number"]
        assert draft.document_number == ""
    else:
        assert response.status_code == 302
        assert draft.document_number == stored


def test_contact_step_finds_the_employer_by_its_uscc(client, draft):
    employer = EmployerFactory()

    response = client.post(
        edit_url(draft, "contact"),
        {"mobile": "138 0013 8000", "email": "a@example.org", "employer_uscc": employer.uscc.lower()},
    )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert (draft.mobile, draft.employer) == ("13800138000", employer)


def test_contact_step_refuses_an_unregistered_uscc(client, draft):
    response = client.post(edit_url(draft, "contact"), {"mobile": "13800138000", "employer_uscc": "91440111MA0000000X"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["employer_uscc"]
    assert response.context["form"]["mobile"].value() == "13800138000"


def test_contact_step_refuses_a_malformed_mobile(client, draft):
    response = client.post(edit_url(draft, "contact"), {"mobile": "12345"})

    assert response.context["form"].errors == {"mobile": ["请填写11位大陆手机号码，或以 + 开头的国际号码。"]}


def test_eligibility_step_saves_the_profile_and_shows_the_evaluation(client, draft):
    response = client.post(
        edit_url(draft, "eligibility"),
        {
            "employer__registered_in_district": "True",
            "honours": ["senior_professional_title"],
            "requested_tier": "diamond",
            "stay": "1",
        },
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.profile == PROFILES["diamond"]
    assert draft.requested_tier == "diamond"
    assert response.context["evaluation"]["tier"] == "diamond"
    assert response.context["evaluation"]["criteria"] == ["D11"]
    assert [value for value, _label in response.context["form"].fields["claimed_criteria"].choices] == ["D11"]


def test_eligibility_step_refuses_a_tier_the_answers_do_not_back(client, draft):
    response = client.post(
        edit_url(draft, "eligibility"),
        {"employer__registered_in_district": "True", "requested_tier": "gold"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["requested_tier"]
    assert response.context["form"]["employer__registered_in_district"].value() == "True"
    draft.refresh_from_db()
    assert draft.requested_tier == ""


def test_eligibility_step_refuses_a_negative_amount_beside_its_field(client, draft):
    client.cookies["django_language"] = "en"

    response = client.post(edit_url(draft, "eligibility"), {"enterprise__district_tax_yuan": "-5"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "enterprise__district_tax_yuan": ["Ensure this value is greater than or equal to 0."]
    }
    assert response.context["form"]["enterprise__district_tax_yuan"].value() == "-5"


def test_eligibility_step_folds_each_group_and_says_what_it_holds(client, draft):
    draft.profile = PROFILES["diamond"]
    draft.save()

    page = client.get(edit_url(draft, "eligibility")).content.decode()

    groups = re.findall(
        r'<details class="profile-group" id="group-(\w+)"( open)?>.*?profile-group-status[^>]*>([^<]+)<', page, re.S
    )
    assert [(group, bool(opened), status) for group, opened, status in groups] == [
        ("employer", False, "已回答 1 项"),
        ("exclusions", False, "尚未回答"),
        ("honours", False, "已回答 1 项"),
        ("education", False, "尚未回答"),
        ("enterprise", False, "尚未回答"),
        ("founder", False, "尚未回答"),
    ]


def test_eligibility_step_opens_the_group_with_a_problem_and_marks_it(client, draft):
    response = client.post(edit_url(draft, "eligibility"), {"enterprise__district_tax_yuan": "-5"})

    page = response.content.decode()
    assert '<details class="profile-group" id="group-enterprise" open>' in page
    assert '<span class="profile-group-status has-errors">有问题</span>' in page
    assert '<details class="profile-group" id="group-employer">' in page


def test_a_new_applications_eligibility_step_opens_its_first_group(client, draft):
    page = client.get(edit_url(draft, "eligibility")).content.decode()

    assert page.count("<details") == page.count('class="profile-group"') == len(re.findall(r"<details[^>]*>", page))
    assert re.findall(r'<details class="profile-group" id="group-(\w+)" open>', page) == ["employer"]


def test_employment_step_saves_the_contract_and_records(client, draft):
    until = date_add_months(timezone.localdate(), months=24)

    client.post(
        edit_url(draft, "employment"),
        {"job_title": "总工程师", "contract_valid_until": until.isoformat(), "insurance_months": "12"},
    )

    draft.refresh_from_db()
    assert (draft.job_title, draft.contract_valid_until, draft.insurance_months) == ("总工程师", until, 12)


def test_unknown_step_is_not_found(client, draft):
    assert client.get(edit_url(draft, "payment")).status_code == 404


@pytest.mark.parametrize("step", ["identity", "contact", "eligibility", "employment", "materials", "submit"])
def test_every_step_renders_in_both_languages(client, draft, step):
    chinese = client.get(edit_url(draft, step))
    client.cookies["django_language"] = "en"
    english = client.get(edit_url(draft, step))

    assert chinese.status_code == english.status_code == 200
    assert "申领" in chinese.content.decode() or "申请" in chinese.content.decode()
    assert "Application" in english.content.decode()


@pytest.mark.parametrize("step", ["identity", "eligibility", "materials", "submit"])
def test_another_users_application_is_not_found(client, step):
    other = application_create(applicant=UserFactory(roles=[Role.APPLICANT]))
    client.force_login(UserFactory(roles=[Role.APPLICANT]))

    assert client.get(edit_url(other, step)).status_code == 404
    assert client.post(edit_url(other, step), {"full_name": "x", "expected_state": "draft"}).status_code == 404
