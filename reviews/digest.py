"""The reviewers' daily digest: how many applications wait in each of their queues, and how many are overdue."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.roles import REVIEWER_ROLES, Role
from reviews.models import DigestSend
from reviews.selectors import queue_for, stage_deadlines, stage_due

DIGEST_ROLES = (Role.DEPARTMENT_REVIEWER, Role.HR_REVIEWER, Role.TALENT_OFFICE)


def digest_counts(*, user: User, role: Role, today: date) -> tuple[int, int]:
    """(waiting, overdue) of one queue; overdue counts the applications past their stage's 办结时限."""
    deadlines = stage_deadlines()
    waiting = overdue = 0
    for state, entered in queue_for(user=user, role=role).values_list("state", "stage_entered_at").iterator():
        waiting += 1
        due = stage_due(entered=entered, deadline=deadlines.get(state))
        if due is not None and today > due:
            overdue += 1
    return waiting, overdue


def _render(*, user: User, role: Role, waiting: int, overdue: int, language: str) -> tuple[str, str]:
    with translation.override(language):
        context = {
            "user": user,
            "role": role.label,
            "waiting": waiting,
            "overdue": overdue,
            "path": reverse("reviews:queue", kwargs={"role": role.value}),
        }
        subject = render_to_string("reviews/email/digest_subject.txt", context).strip()
        body = render_to_string("reviews/email/digest_body.txt", context).strip()
    return subject, body


def digest_send(*, user: User, role: Role, today: date) -> DigestSend | None:
    """Sends one queue's digest once a day; an empty queue sends nothing."""
    if not user.email or DigestSend.objects.filter(recipient=user, role=role, day=today).exists():
        return None
    waiting, overdue = digest_counts(user=user, role=role, today=today)
    if waiting == 0:
        return None
    subject, body = _render(user=user, role=role, waiting=waiting, overdue=overdue, language=user.language)
    try:
        with transaction.atomic():
            record = DigestSend.objects.create(
                recipient=user, role=role, day=today, waiting=waiting, overdue=overdue, emailed_to=user.email
            )
    except IntegrityError:
        return None  # Another worker sent it a moment ago.
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return record


def digests_send_all(*, today: date | None = None) -> list[DigestSend]:
    """Every active reviewer's digest of each of their queues, for the day."""
    today = today or timezone.localdate()
    reviewers = (
        User.objects.filter(is_active=True, groups__name__in=[role.value for role in REVIEWER_ROLES])
        .distinct()
        .prefetch_related("groups")
    )
    sent = []
    for user in reviewers:
        for role in DIGEST_ROLES:
            if user.has_role(role):
                record = digest_send(user=user, role=role, today=today)
                if record is not None:
                    sent.append(record)
    return sent
