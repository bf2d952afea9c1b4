from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from applications.models import Application, Kind
from applications.services import (
    KindNotAllowed,
    application_create,
    application_transition,
    application_update,
    submission_problems,
)
from cards.models import Card, CardEvent, CardState, MidtermAssessment, TerminationReason
from cards.selectors import card_latest_issued
from cards.services import (
    CardError,
    card_number_allocate,
    card_produce,
    card_terminate,
    card_termination_propose,
    cards_expire,
)
from tests.factories import PROFILES, UserFactory, approved_application, issued_card

pytestmark = pytest.mark.django_db


def test_approval_makes_one_card_with_a_number_of_the_spec_format(signing_key, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = approved_application(route="gold")
    card = Card.objects.get(application=application)
    application.refresh_from_db()
    assert application.state == "produced"
    assert (card.state, card.tier, card.holder_id) == (CardState.PRODUCED, "gold", application.applicant_id)
    assert card.number == f"BY-G-{timezone.localdate().year}-000001"
    assert card.credential.name.endswith(".pdf")
    assert [event.action for event in card.events.all()] == ["produce", "credential"]


def test_producing_twice_or_after_a_lost_worker_makes_no_second_card(signing_key):
    application = approved_application(route="silver")
    first = card_produce(application_id=application.pk)
    again = card_produce(application_id=application.pk)
    assert first.pk == again.pk
    assert Card.objects.filter(application=application).count() == 1
    assert card_number_allocate(tier="silver", year=timezone.localdate().year).endswith("-000002")


def test_numbers_are_per_tier_and_year_and_never_reused():
    year = timezone.localdate().year
    numbers = [card_number_allocate(tier=tier, year=year) for tier in ("gold", "gold", "diamond", "gold")]
    assert numbers == [
        f"BY-G-{year}-000001",
        f"BY-G-{year}-000002",
        f"BY-D-{year}-000001",
        f"BY-G-{year}-000003",
    ]
    assert card_number_allocate(tier="gold", year=year + 1) == f"BY-G-{year + 1}-000001"


def test_issue_makes_the_card_valid_for_five_years_from_today(signing_key):
    card = issued_card(route="gold")
    today = timezone.localdate()
    assert (card.state, card.valid_from, card.valid_until) == (CardState.ACTIVE, today, date(today.year + 5, 6, 1))
    assert card.valid_on(today) and card.valid_on(card.valid_until)
    assert not card.valid_on(card.valid_until + timedelta(days=1))
    assert [event.action for event in card.events.all()] == ["produce", "issue"]


def test_a_card_issued_on_29_february_runs_to_28_february(signing_key):
    application = approved_application(route="gold")
    card_produce(application_id=application.pk)
    with time_machine.travel(datetime(2028, 2, 29, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        application_transition(
            application_id=application.pk, name="issue_card", actor=UserFactory(roles=[Role.TALENT_OFFICE])
        )
    card = Card.objects.get(application=application)
    assert (card.valid_from, card.valid_until) == (date(2028, 2, 29), date(2033, 2, 28))


def test_one_active_card_per_person_is_a_database_rule(signing_key):
    card = issued_card(route="gold")
    other = approved_application(route="silver")
    produced = card_produce(application_id=other.pk)
    Card.objects.filter(pk=produced.pk).update(holder=card.holder)
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.filter(pk=produced.pk).update(
            state=CardState.ACTIVE, valid_from=card.valid_from, valid_until=card.valid_until
        )


def test_the_latest_issued_card_answers_for_the_application_rules(signing_key):
    card = issued_card(route="gold")
    latest = card_latest_issued(user=card.holder, today=timezone.localdate())
    assert latest.pk == card.pk


@pytest.mark.parametrize("kind", [Kind.NEW, Kind.RENEWAL])
def test_a_current_holder_may_only_apply_to_upgrade(signing_key, kind):
    card = issued_card(route="gold")
    with pytest.raises(KindNotAllowed) as caught:
        application_create(applicant=card.holder, kind=kind)
    assert caught.value.message.startswith("您持有的金卡有效期至")


def test_an_upgrade_must_be_to_a_higher_tier(signing_key):
    holder = issued_card(route="gold").holder
    application = application_create(applicant=holder, kind=Kind.UPGRADE, profile=PROFILES["gold"])
    application_update(application_id=application.pk, actor=holder, fields={"requested_tier": "gold"})
    problems = submission_problems(application=Application.objects.get(pk=application.pk))
    assert problems["requested_tier"] == ["升级须申领比您持有的金卡更高的卡种（第八条）。"]


def test_upgrade_and_renewal_are_refused_to_someone_who_never_held_a_card():
    applicant = UserFactory(roles=[Role.APPLICANT])
    for kind in (Kind.UPGRADE, Kind.RENEWAL):
        with pytest.raises(KindNotAllowed):
            application_create(applicant=applicant, kind=kind)
    assert application_create(applicant=applicant, kind=Kind.NEW).kind == Kind.NEW


def test_an_issued_upgrade_supersedes_the_old_card(signing_key):
    old = issued_card(route="gold")
    new = issued_card(route="diamond", applicant=old.holder, kind=Kind.UPGRADE)
    old.refresh_from_db()
    assert (old.state, old.superseded_by_id) == (CardState.SUPERSEDED, new.pk)
    assert new.state == CardState.ACTIVE and new.valid_from == timezone.localdate()
    assert new.number.startswith("BY-D-")


def test_expiry_the_day_after_the_period_and_the_former_holder_renews_with_priority(signing_key):
    card = issued_card(route="gold")
    assert cards_expire(today=card.valid_until) == 0
    assert cards_expire(today=card.valid_until + timedelta(days=1)) == 1
    card.refresh_from_db()
    assert card.state == CardState.EXPIRED
    with time_machine.travel(card.valid_until + timedelta(days=2)):
        application = application_create(applicant=card.holder, kind=Kind.NEW)
    assert (application.kind, application.queue_priority) == (Kind.RENEWAL, 0)


def test_termination_under_article_6_1_needs_the_departments_proposal(signing_key):
    card = issued_card(route="gold")
    hr = UserFactory(roles=[Role.HR_REVIEWER])
    with pytest.raises(CardError):
        card_terminate(card_id=card.pk, actor=hr, reason=TerminationReason.NO_LONGER_QUALIFIES)
    department = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    department.departments.add(card.department)
    card_termination_propose(card_id=card.pk, actor=department, opinion="已离职，不再符合条件。")
    card_terminate(card_id=card.pk, actor=hr, reason=TerminationReason.NO_LONGER_QUALIFIES, note="备案")
    card.refresh_from_db()
    assert (card.state, card.termination_reason) == (CardState.TERMINATED, "no_longer_qualifies")
    # 第六条（一）: once they qualify again, the former holder's application is reviewed first.
    assert application_create(applicant=card.holder, kind=Kind.NEW).kind == Kind.RENEWAL


def test_termination_for_fraud_gives_no_priority(signing_key):
    card = issued_card(route="gold")
    card_terminate(card_id=card.pk, actor=UserFactory(roles=[Role.HR_REVIEWER]), reason=TerminationReason.FRAUD)
    assert application_create(applicant=card.holder, kind=Kind.NEW).kind == Kind.NEW


@pytest.mark.parametrize("role", [Role.DEPARTMENT_REVIEWER, Role.TALENT_OFFICE, Role.EMPLOYER, Role.APPLICANT])
def test_only_the_hr_bureau_terminates(signing_key, role):
    card = issued_card(route="gold")
    actor = UserFactory(roles=[role])
    with pytest.raises(Exception) as caught:
        card_terminate(card_id=card.pk, actor=actor, reason=TerminationReason.RETIRED)
    assert type(caught.value).__name__ == "NotAllowed"
    card.refresh_from_db()
    assert card.state == CardState.ACTIVE


def test_a_department_proposes_only_for_its_own_cards(signing_key):
    card = issued_card(route="gold")
    outsider = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    with pytest.raises(Card.DoesNotExist):
        card_termination_propose(card_id=card.pk, actor=outsider, opinion="x")


def test_issue_creates_the_midterm_assessment_due_in_the_districts_month(signing_key):
    card = issued_card(route="gold")
    assert MidtermAssessment.objects.get(card=card).due_on == date(2028, 12, 1)


def test_issue_records_a_notice_for_each_unit(signing_key, mailoutbox, django_capture_on_commit_callbacks):
    from accounts.models import ServiceDesk
    from benefits.catalogue import catalogue_load
    from benefits.models import Service

    catalogue_load()
    library = ServiceDesk.objects.create(code="lib", name="区图书馆", phone="1")
    airport = ServiceDesk.objects.create(code="air", name="机场", phone="2")
    Service.objects.get(number=4).department_links.create(desk=library)
    Service.objects.get(number=13).department_links.create(desk=airport)
    UserFactory(roles=[Role.SERVICE_DESK], email="desk@example.org").service_desks.add(library)
    UserFactory(roles=[Role.HR_REVIEWER], email="hr@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        card = issued_card(route="gold")
    units = sorted((notice.recipient, notice.unit_name) for notice in card.notices.all())
    assert ("service_desk", "区图书馆") in units
    assert ("service_desk", "机场") not in units  # 第四条: gold holders have services 1–10, not 13
    assert {recipient for recipient, _name in units} == {"employer", "department", "hr_bureau", "service_desk"}
    assert all(notice.emailed_at for notice in card.notices.all())
    desk_mail = [mail for mail in mailoutbox if "desk@example.org" in mail.to]
    assert len(desk_mail) == 1 and card.number in desk_mail[0].subject
    assert CardEvent.objects.filter(card=card, action="issue").count() == 1


def test_the_start_page_explains_a_refused_kind_beside_the_choice(client, signing_key):
    from django.urls import reverse

    holder = issued_card(route="gold").holder
    client.force_login(holder)
    response = client.post(reverse("applications:start"), {"kind": Kind.NEW})
    assert response.status_code == 200
    assert response.context["form"].errors["kind"][0].startswith("您持有的金卡有效期至")
    assert not Application.objects.filter(applicant=holder, kind=Kind.NEW, state="draft").exists()


def test_rendering_a_credential_leaves_truncated_uploads_refused(signing_key):
    from PIL import ImageFile

    issued_card(route="gold")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
