from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from applications.services import NotAllowed
from cards.midterm import midterm_opinion, midterm_record, midterm_reminders_send, midterm_report
from cards.models import CardSettings, CardState, MidtermAssessment
from cards.selectors import midterm_overdue
from cards.services import CardError, midterm_settings_apply
from tests.factories import UserFactory, issued_card, jpeg_file

pytestmark = pytest.mark.django_db

Stage = MidtermAssessment.Stage


@pytest.fixture
def card(signing_key):
    return issued_card(route="gold")


@pytest.fixture
def people(card):
    employer = UserFactory(roles=[Role.EMPLOYER], email="hr@company.example")
    employer.employers.add(card.employer)
    department = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    department.departments.add(card.department)
    return {"employer": employer, "department": department, "hr": UserFactory(roles=[Role.HR_REVIEWER])}


def report(card, actor, **overrides):
    data = {"performance": "完成重点项目三项。", "ability": "业务能力突出。", "rating": "excellent", **overrides}
    return midterm_report(assessment_id=card.midterm.pk, actor=actor, **data)


def test_the_three_steps_of_article_6(card, people):
    assessment = report(card, people["employer"], file=jpeg_file("考核表.jpg"))
    assert (assessment.stage, assessment.rating, assessment.report_file_name) == (
        Stage.REPORTED,
        "excellent",
        "考核表.jpg",
    )
    assessment = midterm_opinion(assessment_id=assessment.pk, actor=people["department"], opinion="同意。")
    assert assessment.stage == Stage.REVIEWED
    assessment = midterm_record(assessment_id=assessment.pk, actor=people["hr"], note="已备案")
    assert assessment.stage == Stage.RECORDED
    actions = [event.action for event in card.events.all()]
    assert actions[-3:] == ["midterm_report", "midterm_opinion", "midterm_recorded"]


@pytest.mark.parametrize("missing", ["performance", "ability", "rating"])
def test_the_report_needs_performance_ability_and_a_rating(card, people, missing):
    with pytest.raises(CardError) as caught:
        report(card, people["employer"], **{missing: ""})
    assert list(caught.value.errors) == [missing]
    assert MidtermAssessment.objects.get(pk=card.midterm.pk).stage == Stage.DUE


def test_another_employer_cannot_report(card):
    stranger = UserFactory(roles=[Role.EMPLOYER])
    with pytest.raises(MidtermAssessment.DoesNotExist):
        report(card, stranger)


@pytest.mark.parametrize("step", ["opinion", "record"])
def test_steps_out_of_turn_are_refused(card, people, step):
    with pytest.raises(CardError):
        if step == "opinion":
            midterm_opinion(assessment_id=card.midterm.pk, actor=people["department"], opinion="x")
        else:
            midterm_record(assessment_id=card.midterm.pk, actor=people["hr"])


def test_only_the_cards_department_gives_the_opinion(card, people):
    report(card, people["employer"])
    other = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    with pytest.raises(MidtermAssessment.DoesNotExist):
        midterm_opinion(assessment_id=card.midterm.pk, actor=other, opinion="x")
    with pytest.raises(NotAllowed):
        midterm_opinion(assessment_id=card.midterm.pk, actor=people["hr"], opinion="x")


def test_the_due_month_follows_the_districts_setting(card):
    assert card.midterm.due_on == date(2028, 12, 1)  # 30th month of a card issued 2026-06-01
    settings_row = CardSettings.current()
    settings_row.midterm_month = 24
    settings_row.save()
    assert midterm_settings_apply() == 1
    assert MidtermAssessment.objects.get(pk=card.midterm.pk).due_on == date(2028, 6, 1)


def reminders_on(day: date) -> int:
    with time_machine.travel(datetime.combine(day, time(8, 30), tzinfo=ZoneInfo("Asia/Shanghai"))):
        return midterm_reminders_send()


def test_reminders_a_month_before_and_once_more_when_overdue(card, people, mailoutbox):
    due = card.midterm.due_on
    assert reminders_on(due - timedelta(days=31)) == 0
    assert reminders_on(due - timedelta(days=30)) == 1
    assert mailoutbox[-1].to == ["hr@company.example"] and card.number in mailoutbox[-1].subject
    assert reminders_on(due) == 0
    assert reminders_on(due + timedelta(days=1)) == 1
    assert mailoutbox[-1].subject.startswith("已逾期")
    assert reminders_on(due + timedelta(days=20)) == 0


def test_overdue_list(card, people):
    due = card.midterm.due_on
    assert list(midterm_overdue(today=due)) == []
    assert list(midterm_overdue(today=due + timedelta(days=1))) == [card.midterm]
    report(card, people["employer"])
    assert list(midterm_overdue(today=due + timedelta(days=1))) == []


def test_the_employer_files_the_report_through_the_page(client, card, people):
    client.force_login(people["employer"])
    listing = client.get(reverse("cards:midterm_list"))
    assert [item.pk for item in listing.context["waiting"]] == [card.midterm.pk]
    url = reverse("cards:midterm", kwargs={"pk": card.midterm.pk})
    refused = client.post(url, {"performance": "", "ability": "好", "rating": "good"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["performance"] == ["此项为必填项。"]
    assert refused.context["form"]["ability"].value() == "好"
    done = client.post(url, {"performance": "好", "ability": "好", "rating": "good"})
    assert done.status_code == 302
    assert MidtermAssessment.objects.get(pk=card.midterm.pk).stage == Stage.REPORTED


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.SERVICE_DESK, Role.EMPLOYER, Role.DEPARTMENT_REVIEWER])
def test_outsiders_get_404_for_an_assessment(client, card, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("cards:midterm", kwargs={"pk": card.midterm.pk})).status_code == 404


def test_a_department_cannot_post_the_employers_step(client, card, people):
    client.force_login(people["department"])
    url = reverse("cards:midterm", kwargs={"pk": card.midterm.pk})
    assert client.post(url, {"performance": "x", "ability": "x", "rating": "good"}).status_code == 403


def test_a_terminated_cards_assessment_waits_for_nobody(card, people):
    from cards.services import card_terminate

    card_terminate(card_id=card.pk, actor=people["hr"], reason="retired")
    assert card.midterm.card.__class__.objects.get(pk=card.pk).state == CardState.TERMINATED
    with pytest.raises(NotAllowed):
        report(card, people["employer"])
