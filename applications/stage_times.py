"""Time spent in each waiting stage, kept as rows when a transition ends a stage (read by the statistics)."""

from datetime import datetime, timedelta

from applications.workflow import WAITING_STATES


def stage_time_of(*, previous: tuple[str, datetime] | None, source: str, left_at: datetime) -> timedelta | None:
    """The stage that a transition from `source` at `left_at` ends, when the previous entry entered that stage.

    `previous` is the (target state, time) of the application's entry before; None when it has none.
    """
    if previous is None or previous[0] != source or source not in WAITING_STATES:
        return None
    return left_at - previous[1]


def stage_times_backfill(*, history_model, stage_time_model, batch: int = 2000) -> int:
    """Writes the stage times of every history entry that has none yet, replaying each application's history.

    Used by the data migration, with its historical models.
    """
    done = set(stage_time_model.objects.values_list("entry_id", flat=True))
    rows = (
        history_model.objects.order_by("application_id", "created_at", "id")
        .values_list("id", "application_id", "source_state", "target_state", "created_at")
        .iterator(chunk_size=batch)
    )
    pending = []
    written = 0
    entered: dict[int, tuple[str, datetime]] = {}
    current = None
    for entry_id, application_id, source, target, created_at in rows:
        if application_id != current:
            entered.clear()
            current = application_id
        duration = stage_time_of(previous=entered.get(application_id), source=source, left_at=created_at)
        if duration is not None and entry_id not in done:
            pending.append(
                stage_time_model(entry_id=entry_id, application_id=application_id, state=source, duration=duration)
            )
        entered[application_id] = (target, created_at)
        if len(pending) >= batch:
            stage_time_model.objects.bulk_create(pending)
            written += len(pending)
            pending = []
    if pending:
        stage_time_model.objects.bulk_create(pending)
        written += len(pending)
    return written
