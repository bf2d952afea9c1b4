from datetime import date, timedelta

import pytest
from django.utils import timezone

from reviews.digest import digests_send_all
from reviews.models import DigestSend
from reviews.tasks import send_daily_digests
from tests.factories import DepartmentFactory, EmployerFactory
from tests.reviews.conftest import bulk_applications

pytestmark = pytest.mark.django_db


def test_each_reviewer_gets_the_digest_of_their_own_queue(
    department_reviewer, hr_reviewer, talent_office, employer, mailoutbox
):
    bulk_applications(3, employer=employer, state="submitted", stage_entered_at=timezone.now() - timedelta(days=30))
    bulk_applications(2, employer=employer, state="submitted")
    bulk_applications(4, employer=EmployerFactory(department=DepartmentFactory()), state="submitted")
    bulk_applications(1, employer=employer, state="initial_passed")
    hr_reviewer.language = "en"
    hr_reviewer.save(update_fields=["language"])
    sent = digests_send_all(today=timezone.localdate())
    summary = {(record.recipient, record.role): (record.waiting, record.overdue) for record in sent}
    assert summary == {
        (department_reviewer, "department_reviewer"): (5, 3),
        (hr_reviewer, "hr_reviewer"): (1, 0),
    }
    mail = {message.to[0]: message for message in mailoutbox}
    assert sorted(mail) == sorted([department_reviewer.email, hr_reviewer.email])
    department_mail = mail[department_reviewer.email]
    # Each reviewer reads the digest in their own language, never both at once.
    assert department_mail.subject == "行业主管部门（初审）：5 份申领待办理"
    assert "其中 3 份已超过办结时限。" in department_mail.body
    assert "3 of them are past their time limit." not in department_mail.body
    assert mail[hr_reviewer.email].subject == "HR bureau reviewer: 1 application waiting"
    assert "/reviews/department_reviewer/" in department_mail.body


def test_the_digest_goes_once_a_day_and_each_send_is_recorded(department_reviewer, employer, mailoutbox):
    bulk_applications(1, employer=employer, state="submitted")
    assert send_daily_digests() == 1
    assert send_daily_digests() == 0
    assert len(mailoutbox) == 1
    record = DigestSend.objects.get()
    assert (record.recipient, record.role, record.day, record.waiting, record.emailed_to) == (
        department_reviewer,
        "department_reviewer",
        timezone.localdate(),
        1,
        department_reviewer.email,
    )
    digests_send_all(today=timezone.localdate() + timedelta(days=1))
    assert DigestSend.objects.count() == 2


def test_an_empty_queue_sends_nothing(department_reviewer, talent_office, mailoutbox):
    assert digests_send_all(today=date(2026, 6, 1)) == []
    assert mailoutbox == []
