from celery import shared_task

from applications.notices import notice_send_for_history


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_applicant(*, history_entry_id: int) -> None:
    """Tells the applicant of a step of their application, in-app and by e-mail."""
    notice_send_for_history(history_entry_id=history_entry_id)
