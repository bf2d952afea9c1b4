from celery import shared_task

from reviews.services import queue_export_build


@shared_task
def build_queue_export(*, export_id: int) -> None:
    """Writes a large queue export to private storage for its download link."""
    queue_export_build(export_id=export_id)


@shared_task
def send_daily_digests() -> int:
    """Each morning: every reviewer's digest of their queues (scheduled by Celery beat)."""
    from reviews.digest import digests_send_all

    return len(digests_send_all())
