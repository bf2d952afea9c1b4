from celery import shared_task

from applications.notices import notice_send_for_history, notices_email_retry


@shared_task
def notify_applicant(*, history_entry_id: int) -> None:
    """Tells the applicant of a step of their application, in-app and by e-mail (a failed e-mail is retried later)."""
    notice_send_for_history(history_entry_id=history_entry_id)


@shared_task
def retry_notice_emails() -> int:
    """Sends again the notices whose e-mail failed (scheduled by Celery beat)."""
    return notices_email_retry()


@shared_task
def delete_expired_uploads() -> int:
    """Retention: deletes the uploads whose period has run out (scheduled by Celery beat)."""
    from applications.retention import materials_retention_delete

    return sum(materials_retention_delete().values())
