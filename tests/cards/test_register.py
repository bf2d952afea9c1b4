import pytest
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from cards.models import CardState, TerminationProposal
from tests.factories import UserFactory, issued_card

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(signing_key):
    return issued_card(route="gold")


@pytest.mark.parametrize("role", [Role.HR_REVIEWER, Role.TALENT_OFFICE, Role.AUDITOR])
def test_district_bodies_see_every_card(client, card, role, django_assert_max_num_queries):
    issued_card(route="silver")
    client.force_login(UserFactory(roles=[role]))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cards:register"))
    assert [item.number for item in response.context["page"]] == sorted(
        [item.number for item in response.context["page"]], key=lambda number: number[3] != "S"
    )
    assert len(response.context["page"]) == 2


def test_the_auditors_reading_is_logged(client, card):
    auditor = UserFactory(roles=[Role.AUDITOR])
    client.force_login(auditor)
    client.get(reverse("cards:register"))
    assert AccessLog.objects.filter(user=auditor, action="view_card_register").count() == 1


def test_a_department_sees_only_its_units_cards(client, card):
    issued_card(route="silver")
    reviewer = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    reviewer.departments.add(card.department)
    client.force_login(reviewer)
    response = client.get(reverse("cards:register"))
    assert [item.pk for item in response.context["page"]] == [card.pk]


def test_the_register_filters_by_number_and_state(client, card):
    client.force_login(UserFactory(roles=[Role.HR_REVIEWER]))
    found = client.get(reverse("cards:register"), {"q": card.number.lower()})
    assert [item.pk for item in found.context["page"]] == [card.pk]
    none = client.get(reverse("cards:register"), {"state": CardState.EXPIRED})
    assert list(none.context["page"]) == []


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EMPLOYER, Role.SERVICE_DESK, None])
def test_others_have_no_register(client, card, role):
    if role:
        client.force_login(UserFactory(roles=[role]))
    response = client.get(reverse("cards:register"))
    assert response.status_code == (404 if role else 302)


def test_department_proposes_then_hr_terminates_through_the_pages(client, card):
    reviewer = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    reviewer.departments.add(card.department)
    client.force_login(reviewer)
    url = reverse("cards:end", kwargs={"pk": card.pk})
    empty = client.post(url, {"propose": "1", "propose-opinion": ""})
    assert empty.context["proposal_form"].errors["opinion"] == ["此项为必填项。"]
    client.post(url, {"propose": "1", "propose-opinion": "已调离本区企业。"})
    assert TerminationProposal.objects.get(card=card).opinion == "已调离本区企业。"
    client.force_login(UserFactory(roles=[Role.HR_REVIEWER]))
    page = client.get(url)
    assert page.context["proposal"].opinion == "已调离本区企业。"
    response = client.post(url, {"terminate": "1", "end-reason": "no_longer_qualifies", "end-note": ""})
    assert response.status_code == 302
    card.refresh_from_db()
    assert (card.state, card.termination_reason) == (CardState.TERMINATED, "no_longer_qualifies")


def test_hr_terminating_under_6_1_without_a_proposal_is_told_why(client, card):
    client.force_login(UserFactory(roles=[Role.HR_REVIEWER]))
    response = client.post(
        reverse("cards:end", kwargs={"pk": card.pk}), {"terminate": "1", "end-reason": "no_longer_qualifies"}
    )
    assert response.status_code == 200
    assert response.context["termination_form"].non_field_errors() == [
        "按第六条（一），须由行业主管部门提出调整意见；该卡尚无此意见。"
    ]


@pytest.mark.parametrize("role", [Role.TALENT_OFFICE, Role.AUDITOR, Role.APPLICANT, Role.EMPLOYER])
def test_only_hr_and_the_department_reach_the_end_page(client, card, role):
    user = UserFactory(roles=[role])
    client.force_login(user)
    url = reverse("cards:end", kwargs={"pk": card.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"terminate": "1", "end-reason": "retired"}).status_code == 404
    card.refresh_from_db()
    assert card.state == CardState.ACTIVE


def test_another_departments_reviewer_gets_404(client, card):
    client.force_login(UserFactory(roles=[Role.DEPARTMENT_REVIEWER]))
    assert client.get(reverse("cards:end", kwargs={"pk": card.pk})).status_code == 404
