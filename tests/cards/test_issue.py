"""发卡 by the talent office from the application's file and in bulk from its queue, each showing the card number."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from applications.models import Application
from cards.models import Card, CardState
from tests.factories import UserFactory, approved_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def produce(signing_key, django_capture_on_commit_callbacks):
    def make(route: str = "gold") -> Application:
        with django_capture_on_commit_callbacks(execute=True):
            application = approved_application(route=route)
        return Application.objects.get(pk=application.pk)

    return make


def test_the_talent_office_issues_from_the_applications_file_and_sees_the_card_number(
    client, produce, django_capture_on_commit_callbacks
):
    application = produce("gold")
    assert application.state == "produced"
    card = Card.objects.get(application=application)
    client.force_login(UserFactory(roles=[Role.TALENT_OFFICE]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:transition", kwargs={"pk": application.pk, "name": "issue_card"}),
            {"issue_card-expected_state": "produced", "issue_card-opinion": "发卡。"},
            follow=True,
        )
    assert response.status_code == 200
    card.refresh_from_db()
    assert card.state == CardState.ACTIVE
    content = response.content.decode()
    link = reverse("cards:detail", kwargs={"pk": card.pk})
    assert f'卡号：<a href="{link}">{card.number}</a> · 有效' in content


def test_the_talent_office_issues_a_selection_and_sees_each_card_number(
    client, produce, django_capture_on_commit_callbacks
):
    first, second = produce("gold"), produce("silver")
    client.force_login(UserFactory(roles=[Role.TALENT_OFFICE]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:bulk", kwargs={"role": "talent_office"}),
            {"name": "issue_card", "applications": [first.pk, second.pk], "opinion": "发卡。"},
        )
    assert response.status_code == 200
    cards = {card.application_id: card for card in Card.objects.filter(application__in=[first, second])}
    assert [(outcome.result, card) for outcome, card in response.context["rows"]] == [
        ("done", (cards[first.pk].pk, cards[first.pk].number)),
        ("done", (cards[second.pk].pk, cards[second.pk].number)),
    ]
    assert {card.state for card in cards.values()} == {CardState.ACTIVE}
    content = response.content.decode()
    for card in cards.values():
        assert f'<a href="{reverse("cards:detail", kwargs={"pk": card.pk})}">{card.number}</a>' in content
