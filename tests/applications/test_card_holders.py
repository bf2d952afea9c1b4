from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from applications.models import Application, HistoryEntry, Kind
from applications.selectors import card_of
from applications.services import (
    KindNotAllowed,
    application_create,
    application_transition,
    application_update,
    submission_problems,
)
from tests.factories import PROFILES, UserFactory, application_with_materials

pytestmark = pytest.mark.django_db


def issued_gold_card_holder():
    """A person whose gold card was issued today, through every step of the workflow."""
    application = application_with_materials(route="gold", submit=True)
    department = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    department.departments.add(application.employer.department)
    hr, talent = UserFactory(roles=[Role.HR_REVIEWER]), UserFactory(roles=[Role.TALENT_OFFICE])
    steps = [
        ("pass_initial", department, {"opinion": "同意"}),
        ("pass_second", hr, {"opinion": "同意", "determined_tier": "gold"}),
        ("approve", hr, {"opinion": "同意"}),
    ]
    for name, actor, data in steps:
        application_transition(application_id=application.pk, name=name, actor=actor, **data)
    application_transition(application_id=application.pk, name="produce_card", actor=None, system=True)
    application_transition(application_id=application.pk, name="issue_card", actor=talent)
    return application.applicant


def test_the_issue_step_makes_a_card_valid_for_five_years():
    holder = issued_gold_card_holder()
    card = card_of(user=holder, today=timezone.localdate())
    today = timezone.localdate()
    assert (card.tier, card.issued_on, card.valid_until) == ("gold", today, today.replace(year=today.year + 5))
    assert card.valid_on(today) is True


@pytest.mark.parametrize("kind", [Kind.NEW, Kind.RENEWAL])
def test_a_current_holder_may_only_apply_to_upgrade(kind):
    holder = issued_gold_card_holder()
    with pytest.raises(KindNotAllowed) as caught:
        application_create(applicant=holder, kind=kind)
    assert caught.value.message.startswith("您持有的金卡有效期至")


def test_an_upgrade_must_be_to_a_higher_tier():
    holder = issued_gold_card_holder()
    application = application_create(applicant=holder, kind=Kind.UPGRADE, profile=PROFILES["gold"])
    application_update(application_id=application.pk, actor=holder, fields={"requested_tier": "gold"})
    problems = submission_problems(application=Application.objects.get(pk=application.pk))
    assert problems["requested_tier"] == ["升级须申领比您持有的金卡更高的卡种（第八条）。"]
    application_update(
        application_id=application.pk,
        actor=holder,
        fields={"requested_tier": "diamond", "profile": PROFILES["diamond"]},
    )
    assert "requested_tier" not in submission_problems(application=Application.objects.get(pk=application.pk))


def test_upgrade_and_renewal_are_refused_to_someone_who_never_held_a_card():
    applicant = UserFactory(roles=[Role.APPLICANT])
    for kind in (Kind.UPGRADE, Kind.RENEWAL):
        with pytest.raises(KindNotAllowed):
            application_create(applicant=applicant, kind=kind)
    assert application_create(applicant=applicant, kind=Kind.NEW).kind == Kind.NEW


def former_holder(*, issued_days_ago: int):
    """A person whose gold card was issued `issued_days_ago` days ago (rows as the issue step leaves them)."""
    person = UserFactory(roles=[Role.APPLICANT])
    application = Application.objects.create(
        applicant=person, number=f"BY-OLD-{person.pk}", state="issued", determined_tier="gold"
    )
    HistoryEntry.objects.create(
        application=application,
        transition="issue_card",
        source_state="produced",
        target_state="issued",
        actor_role="talent_office",
        created_at=timezone.now() - timedelta(days=issued_days_ago),
    )
    return person


def test_after_the_five_year_period_the_former_holder_may_renew():
    person = former_holder(issued_days_ago=5 * 366 + 1)
    assert card_of(user=person, today=timezone.localdate()).valid_on(timezone.localdate()) is False
    assert application_create(applicant=person, kind=Kind.RENEWAL).kind == Kind.RENEWAL


def test_on_the_last_day_of_the_period_the_holder_still_holds_the_card():
    today = timezone.localdate()
    person = former_holder(issued_days_ago=(today - today.replace(year=today.year - 5)).days)
    with pytest.raises(KindNotAllowed):
        application_create(applicant=person, kind=Kind.RENEWAL)


def test_the_start_page_explains_a_refused_kind_beside_the_choice(client):
    holder = issued_gold_card_holder()
    client.force_login(holder)
    response = client.post(reverse("applications:start"), {"kind": Kind.NEW})
    assert response.status_code == 200
    assert response.context["form"].errors["kind"][0].startswith("您持有的金卡有效期至")
    assert not Application.objects.filter(applicant=holder, kind=Kind.NEW, state="draft").exists()
