from celery import shared_task

from accounts.verification import pending_accounts_expire


@shared_task
def expire_pending_accounts() -> int:
    """Hourly (Celery beat): registrations never confirmed are dropped and free their e-mail and mobile."""
    return pending_accounts_expire()
