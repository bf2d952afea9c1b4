"""A queue's line as the dashboard shows it: days in the stage, the due date and the texts in the reader's language."""

from dataclasses import dataclass, replace
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from applications.models import Application, Kind, Tier
from applications.workflow import State
from reviews.deadlines import stage_due
from reviews.models import StageDeadline


@dataclass(frozen=True)
class QueueRow:
    application: Application
    days_in_stage: int
    due: date | None
    waiting: bool
    # What a dashboard line shows, worked out once in the reader's language (empty for the exports).
    url: str = ""
    kind_label: str = ""
    tier_label: str = ""
    state_label: str = ""
    employer_name: str = ""
    department_name: str = ""
    submitted_on: str = ""
    time_in_stage: str = ""
    due_note: str = ""

    @property
    def overdue(self) -> bool:
        return self.waiting and self.due is not None and timezone.localdate() > self.due

    @property
    def renewal(self) -> bool:
        return self.application.kind == Kind.RENEWAL

    @property
    def shown(self) -> tuple:
        """Everything the dashboard line displays: equal tuples render the same HTML (reviews/caching.py)."""
        application = self.application
        return (
            application.pk,
            application.number,
            application.full_name,
            self.url,
            self.kind_label,
            self.tier_label,
            self.state_label,
            self.employer_name,
            self.department_name,
            self.submitted_on,
            self.time_in_stage,
            self.due_note,
            self.overdue,
            self.renewal,
        )


def queue_row(*, application: Application, deadlines: dict[str, StageDeadline], today: date) -> QueueRow:
    """One line of a dashboard: the application, its days in the stage and the stage's due date."""
    waiting = application.state in deadlines
    return QueueRow(
        application=application,
        days_in_stage=(today - timezone.localdate(application.stage_entered_at)).days,
        due=stage_due(entered=application.stage_entered_at, deadline=deadlines.get(application.state)),
        waiting=waiting,
    )


def _tier_label(application: Application) -> str:
    if application.determined_tier:
        return str(Tier(application.determined_tier).label)
    if application.requested_tier:
        return str(Tier(application.requested_tier).label)
    if application.case_by_case:
        return gettext("Case by case (一事一议)")
    return ""


def queue_row_shown(*, application: Application, deadlines: dict[str, StageDeadline], today: date) -> QueueRow:
    """A dashboard line with its texts ready, so the template only places strings (50 rows, every request)."""
    row = queue_row(application=application, deadlines=deadlines, today=today)
    due_note = ""
    if row.due is not None and row.waiting:
        due = row.due.isoformat()
        due_note = (
            gettext("Overdue (due %(due)s)") % {"due": due} if row.overdue else gettext("due %(due)s") % {"due": due}
        )
    kind = gettext("Renewal") if row.renewal else str(Kind(application.kind).label)
    return replace(
        row,
        url=reverse("reviews:application", kwargs={"pk": application.pk}),
        kind_label=kind,
        tier_label=_tier_label(application),
        state_label=str(State(application.state).label),
        employer_name=application.employer.display_name if application.employer_id else "",
        department_name=application.department.display_name if application.department_id else "",
        submitted_on=timezone.localdate(application.submitted_at).isoformat() if application.submitted_at else "",
        time_in_stage=ngettext("%(days)s day", "%(days)s days", row.days_in_stage) % {"days": row.days_in_stage},
        due_note=due_note,
    )
