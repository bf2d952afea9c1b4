"""Notices to applicants: one per history entry that concerns them, in-app and by e-mail, in the applicant's language.

An e-mail that cannot be sent (no mail server, a refused connection) never fails the step that caused it: the
failure is recorded on the notice and the scheduled retry sends it later, waiting longer after each failure.
"""

import logging
import smtplib
from datetime import datetime, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from applications.models import HistoryEntry, Notice

logger = logging.getLogger(__name__)
# After the n-th failure the next try waits 10 minutes × 2^(n-1): 10 min, 20 min, … about 21 hours after the 8th.
EMAIL_RETRY_FIRST_WAIT = timedelta(minutes=10)
EMAIL_MAX_ATTEMPTS = 9


def _render(entry: HistoryEntry, language: str) -> tuple[str, str]:
    from applications.services import material_label

    with translation.override(language):
        supplement = [material_label(code)[0] for code in entry.supplement_items]
        context = {"entry": entry, "application": entry.application, "supplement": supplement}
        subject = render_to_string("applications/email/transition_subject.txt", context).strip()
        body = render_to_string("applications/email/transition_body.txt", context).strip()
    return subject, body


def notice_send_for_history(*, history_entry_id: int) -> Notice:
    """Creates the notice of a history entry (once) and e-mails it; the e-mail is recorded when it has gone."""
    with transaction.atomic():
        entry = HistoryEntry.objects.select_related("application__applicant").get(pk=history_entry_id)
        applicant = entry.application.applicant
        subject, body = _render(entry, applicant.language)
        notice, _ = Notice.objects.get_or_create(
            history_entry=entry,
            defaults={"recipient": applicant, "application": entry.application, "subject": subject, "body": body},
        )
    notice_email(notice=notice)
    return notice


def notice_email(*, notice: Notice, now: datetime | None = None) -> bool:
    """E-mails a notice not yet e-mailed; a failure is recorded for the retry and not raised to the caller."""
    address = notice.application.email or notice.recipient.email
    if notice.emailed_at is not None or not address:
        return False
    try:
        send_mail(notice.subject, notice.body, None, [address])
    except (OSError, smtplib.SMTPException) as error:
        # The error's class only: its text may carry the address.
        Notice.objects.filter(pk=notice.pk).update(
            email_attempts=F("email_attempts") + 1,
            email_failed_at=now or timezone.now(),
            email_error=type(error).__name__[:100],
        )
        logger.warning("Notice %s: e-mail not sent (%s); it will be retried.", notice.pk, type(error).__name__)
        return False
    Notice.objects.filter(pk=notice.pk).update(
        emailed_to=address, emailed_at=now or timezone.now(), email_attempts=F("email_attempts") + 1
    )
    return True


def notices_email_retry(*, now: datetime | None = None) -> int:
    """The scheduled retry: e-mails every notice whose last failure is old enough; the number sent."""
    now = now or timezone.now()
    failed = Notice.objects.filter(
        emailed_at__isnull=True, email_failed_at__isnull=False, email_attempts__lt=EMAIL_MAX_ATTEMPTS
    ).select_related("application", "recipient")
    sent = 0
    for notice in failed:
        if now - notice.email_failed_at >= EMAIL_RETRY_FIRST_WAIT * 2 ** (notice.email_attempts - 1):
            sent += notice_email(notice=notice, now=now)
    return sent
