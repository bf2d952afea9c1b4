"""Notices to applicants: one per history entry that concerns them, in-app and by e-mail, in both languages."""

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from applications.models import HistoryEntry, Notice


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
        subject_zh, body_zh = _render(entry, "zh-hans")
        subject_en, body_en = _render(entry, "en")
        notice, _ = Notice.objects.get_or_create(
            history_entry=entry,
            defaults={
                "recipient": applicant,
                "application": entry.application,
                "subject": f"{subject_zh} / {subject_en}",
                "body": f"{body_zh}\n\n----\n\n{body_en}",
            },
        )
    address = entry.application.email or applicant.email
    if notice.emailed_at is None and address:
        send_mail(notice.subject, notice.body, None, [address])
        Notice.objects.filter(pk=notice.pk).update(emailed_to=address, emailed_at=timezone.now())
    return notice
