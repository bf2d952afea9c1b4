"""The statistics pages read from a replica of the database when STATISTICS_DATABASE_URL names one.

Their aggregates over every application are the heaviest reads of the portal; on a streaming replica they take no
time from the primary's reviewers. Every write, and every read outside those pages, goes to the primary, so nothing
a user just did is read back stale; the pages may lag the primary by the replica's delay.
"""

from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

STATISTICS_ALIAS = "statistics"
_statistics_reads: ContextVar[bool] = ContextVar("statistics_reads", default=False)


class StatisticsReplicaRouter:
    """Reads inside a statistics view go to the replica when there is one; writes always to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        # settings.DATABASES has the alias exactly when STATISTICS_DATABASE_URL is set.
        if _statistics_reads.get() and settings.STATISTICS_DATABASE_URL:
            return STATISTICS_ALIAS
        return None

    def db_for_write(self, model, **hints) -> str:
        # Also for an object read from the replica: the replica refuses writes.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first, second, **hints) -> bool:
        # The replica holds the primary's rows: objects from either may refer to each other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db != STATISTICS_ALIAS


def reads_from_statistics_replica(view: Callable) -> Callable:
    """Runs a view with its reads routed to the statistics replica (a streamed response's later reads are not)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        token = _statistics_reads.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _statistics_reads.reset(token)

    return wrapped
