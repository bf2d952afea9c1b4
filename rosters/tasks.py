from celery import shared_task

from rosters.services import roster_files_purge, roster_process


@shared_task
def process_roster(*, roster_id: int) -> None:
    """Reads, validates and evaluates an uploaded roster, writing its progress as it goes."""
    roster_process(roster_id=roster_id)


@shared_task
def purge_roster_files() -> int:
    """Deletes roster files older than ROSTER_RETENTION_DAYS (scheduled by Celery beat)."""
    return roster_files_purge()
