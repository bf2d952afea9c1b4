"""Writes for reviewers: bulk decisions through the one transition service, and queue exports."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Employer, User
from accounts.roles import Role
from applications.models import Application
from applications.rules import department_ids
from applications.selectors import applications_visible_to
from applications.services import AlreadyHandled, MissingData, NotAllowed, application_transition
from applications.workflow import TRANSITIONS
from reviews.models import ExportFormat, ExportStatus, QueueExport
from reviews.queues import QueueFilters, queue_count


class BulkResult:
    DONE = "done"
    ALREADY_HANDLED = "already_handled"
    REFUSED = "refused"


@dataclass(frozen=True)
class BulkOutcome:
    application_id: int
    number: str
    result: str
    message: str | Promise


def applications_bulk_transition(
    *, actor: User, name: str, application_ids: list[int], opinion: str = ""
) -> list[BulkOutcome]:
    """Decides several applications alike, each through application_transition (its own lock, history and notice).

    One failure does not stop the others; each is reported as done, already handled or refused.
    """
    expected = next(spec.sources[0] for spec in TRANSITIONS if spec.name == name)
    numbers = dict(Application.objects.filter(pk__in=application_ids).values_list("pk", "number"))
    outcomes = []
    for application_id in dict.fromkeys(application_ids):
        number = numbers.get(application_id) or str(application_id)
        try:
            application_transition(
                application_id=application_id, name=name, actor=actor, opinion=opinion, expected_state=expected
            )
        except AlreadyHandled as error:
            outcomes.append(BulkOutcome(application_id, number, BulkResult.ALREADY_HANDLED, error.message))
        except MissingData as error:
            messages = [str(message) for field_messages in error.errors.values() for message in field_messages]
            outcomes.append(BulkOutcome(application_id, number, BulkResult.REFUSED, " ".join(messages)))
        except NotAllowed as error:
            outcomes.append(BulkOutcome(application_id, number, BulkResult.REFUSED, error.message))
        except Application.DoesNotExist:
            # Not in the actor's scope: reported like a missing row, without telling what it is.
            outcomes.append(
                BulkOutcome(application_id, str(application_id), BulkResult.REFUSED, _("No such application."))
            )
        else:
            outcomes.append(BulkOutcome(application_id, number, BulkResult.DONE, _("Done.")))
    return outcomes


@transaction.atomic
def employer_confirm(*, application_id: int, actor: User) -> Employer:
    """The application's department confirms the employer its applicant entered, so it is listed for everyone.

    Application.DoesNotExist when the actor may not see the application; NotAllowed unless they review for its
    department. If the code was confirmed meanwhile for another entry, the application moves to that one.
    """
    application = applications_visible_to(actor).get(pk=application_id)
    if (
        application.employer_id is None
        or not actor.has_role(Role.DEPARTMENT_REVIEWER)
        or application.department_id not in department_ids(actor)
    ):
        raise NotAllowed(_("Only a reviewer of the application's industry department may confirm its employer."))
    employer = Employer.objects.select_for_update().get(pk=application.employer_id)
    if employer.confirmed:
        return employer
    registered = Employer.objects.filter(uscc=employer.uscc, confirmed=True).first()
    if registered is not None:
        Application.objects.filter(employer=employer).update(employer=registered)
        return registered
    employer.confirmed = True
    employer.save(update_fields=["confirmed"])
    return employer


# The exports page's progress is brought up to date this often while a task writes.
PROGRESS_ROWS = 1000


def export_inline_limit() -> int:
    """Exports up to this many rows are streamed at once; larger ones are written by a task."""
    return getattr(settings, "REVIEWS_EXPORT_INLINE_ROWS", 2000)


def filters_to_json(filters: QueueFilters) -> dict:
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in filters.__dict__.items()
        if value not in (None, "")
    }


def filters_from_json(data: dict) -> QueueFilters:
    from datetime import date

    values = dict(data)
    for key in ("submitted_from", "submitted_to"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    return QueueFilters(**values)


def queue_export_request(*, user: User, role: Role, export_format: str, filters: QueueFilters) -> QueueExport:
    """Records an export of a filtered queue; a large one is queued for a task that writes the file."""
    if export_format not in ExportFormat.values:
        raise ValueError(export_format)
    limit = export_inline_limit()
    count = queue_count(user=user, role=role, filters=filters, limit=limit)
    export = QueueExport.objects.create(
        user=user,
        role=role.value,
        format=export_format,
        filters=filters_to_json(filters),
        language=get_language() or settings.LANGUAGE_CODE,
    )
    if count > limit:
        from reviews.tasks import build_queue_export

        transaction.on_commit(lambda: build_queue_export.delay(export_id=export.pk))
        return export
    QueueExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.READY, row_count=count, finished_at=timezone.now()
    )
    export.refresh_from_db()
    return export


def _progress_recorded(lines: Iterator[list[str]], *, export_id: int) -> Iterator[list[str]]:
    """Passes the lines on, recording every PROGRESS_ROWS how many are written (the exports page shows it)."""
    for done, line in enumerate(lines, start=1):
        yield line
        if done % PROGRESS_ROWS == 0:
            QueueExport.objects.filter(pk=export_id).update(rows_done=done)


def queue_export_build(*, export_id: int) -> QueueExport:
    """Writes a large export to private storage; the user downloads it from a permission-checked link."""
    from reviews.exports import export_bytes, export_lines, export_queryset

    export = QueueExport.objects.select_related("user").get(pk=export_id)
    if export.status == ExportStatus.READY:
        return export
    queryset = export_queryset(user=export.user, role=Role(export.role), filters=filters_from_json(export.filters))
    try:
        QueueExport.objects.filter(pk=export.pk).update(rows_total=queryset.count(), rows_done=0)
        # Headers and labels in the language of the person who asked, not of the worker.
        with translation.override(export.language):
            lines = _progress_recorded(export_lines(queryset=queryset), export_id=export.pk)
            content, row_count = export_bytes(lines=lines, export_format=export.format)
        name = default_storage.save(f"exports/{export.user_id}/{export.download_name}", ContentFile(content))
    except Exception:
        QueueExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, finished_at=timezone.now())
        raise
    QueueExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.READY, file=name, row_count=row_count, rows_done=row_count, finished_at=timezone.now()
    )
    export.refresh_from_db()
    return export
