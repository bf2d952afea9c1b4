from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_holder(*, booking_event_id: int) -> None:
    """Tells the holder that their booking was filed, confirmed, changed or cancelled."""
    from benefits.notices import booking_notice_send

    booking_notice_send(booking_event_id=booking_event_id)
