"""Retention (个人信息保护法 第六条、第十九条: 最小必要, kept no longer than the purpose needs): the uploads of
applications that ended without a card, and of drafts never submitted, are deleted after the periods set in the
environment. The application, its history (the decision and its reasons) and each material's record stay; a
material's `content_deleted_at` says when its file went, which the auditor reads (applications:deleted_files).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Material
from applications.workflow import State

logger = logging.getLogger(__name__)
# Files deleted between two writes of their records: one batch's storage calls, then one UPDATE.
BATCH_SIZE = 200


@dataclass(frozen=True)
class RetentionRule:
    state: State
    days: int
    description: str | Promise

    def applications_due(self, *, now: datetime) -> QuerySet[Application]:
        """The applications of this rule whose period has run out at `now`."""
        cutoff = now - timedelta(days=self.days)
        if self.state == State.DRAFT:
            # A draft counts from its last change: a form step saved or a file uploaded.
            return (
                Application.objects.filter(state=State.DRAFT, submitted_at__isnull=True)
                .alias(last_activity=Greatest("updated_at", Coalesce(Max("materials__uploaded_at"), "updated_at")))
                .filter(last_activity__lt=cutoff)
            )
        # Rejected and withdrawn applications count from the decision or the withdrawal (the stage they entered).
        return Application.objects.filter(state=self.state, stage_entered_at__lt=cutoff)


def retention_rules() -> list[RetentionRule]:
    """The periods in force (settings RETENTION_*_DAYS)."""
    return [
        RetentionRule(
            State.REJECTED,
            settings.RETENTION_REJECTED_DAYS,
            _("Not approved: the uploads are kept while the applicant may still seek review of the decision."),
        ),
        RetentionRule(State.WITHDRAWN, settings.RETENTION_WITHDRAWN_DAYS, _("Withdrawn by the applicant.")),
        RetentionRule(
            State.DRAFT, settings.RETENTION_DRAFT_DAYS, _("Drafts never submitted, since their last change.")
        ),
    ]


def materials_retention_due(*, now: datetime | None = None) -> QuerySet[Material]:
    """The stored files that retention deletes at `now`."""
    now = now or timezone.now()
    due = Q()
    for rule in retention_rules():
        due |= Q(application__in=rule.applications_due(now=now).values("pk"))
    return Material.objects.filter(due, content_deleted_at__isnull=True)


def materials_retention_delete(*, now: datetime | None = None) -> dict[str, int]:
    """Deletes the files due (submitted versions included) and marks each material; returns files per state.

    A file is marked only after its storage said it is gone, so a storage failure leaves it due for the next run.
    """
    now = now or timezone.now()
    deleted: dict[str, int] = {}
    while True:
        batch = list(
            materials_retention_due(now=now).order_by("pk").values_list("pk", "file", "application__state")[:BATCH_SIZE]
        )
        if not batch:
            break
        for _pk, name, _state in batch:
            default_storage.delete(name)
        Material.objects.filter(pk__in=[pk for pk, _name, _state in batch]).update(content_deleted_at=timezone.now())
        for _pk, _name, state in batch:
            deleted[state] = deleted.get(state, 0) + 1
    if deleted:
        logger.info("retention: deleted %s files", sum(deleted.values()), extra={"deleted_by_state": deleted})
    return deleted


def materials_deleted() -> QuerySet[Material]:
    """Every material whose file is gone, the latest first, with its application: what the auditor reads."""
    return (
        Material.objects.filter(content_deleted_at__isnull=False)
        .select_related("application")
        .order_by("-content_deleted_at", "-pk")
    )
