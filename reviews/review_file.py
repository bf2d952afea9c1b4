"""One application's file for a reviewer: the application, its checklist, versions, changes, history, decisions."""

from dataclasses import dataclass, field

from accounts.models import User
from accounts.roles import REVIEWER_ROLES, Role
from applications.models import Application, HistoryEntry, Submission, Tier
from applications.rules import department_ids
from applications.selectors import Available, applications_visible_to, transitions_available
from applications.services import ChecklistItem, comprehensive_assessment, material_label, materials_checklist
from eligibility.engine import criteria_of_tier
from eligibility.selectors import catalogue_published
from reviews.diffs import SubmissionChanges, submission_changes


@dataclass
class ReviewFile:
    application: Application
    checklist: list[ChecklistItem]
    submissions: list[Submission]
    changes: SubmissionChanges | None
    history: list[HistoryEntry]
    available: list[Available] = field(default_factory=list)
    may_confirm_employer: bool = False

    @property
    def evaluation(self) -> dict:
        return self.application.evaluation or {}

    @property
    def timeline(self) -> list[tuple[HistoryEntry, list[str]]]:
        """The history, each entry with the names of the materials a return asked for (people read names, not codes)."""
        return [(entry, [material_label(code)[0] for code in entry.supplement_items]) for entry in self.history]

    @property
    def comprehensive_assessment(self) -> bool:
        """申领指南 五（一）6: assessed as a whole on the District Investment Promotion Bureau's recommendation."""
        return comprehensive_assessment(self.application)

    @property
    def backed_tiers(self) -> list[str]:
        """The tiers a matched criterion of the evaluation backs (复审 may determine only these)."""
        criteria = self.evaluation.get("criteria", [])
        catalogue = catalogue_published()
        return [tier for tier in Tier.values if criteria_of_tier(criteria, tier=tier, catalogue=catalogue)]


def reviewer_may_open(user: User) -> bool:
    """The reviewer's page is for reviewing roles and the auditor; applicants and employers have their own."""
    return bool(user.role_codes & (REVIEWER_ROLES | {Role.AUDITOR}))


def application_review_file(*, user: User, application_id: int) -> ReviewFile:
    """Everything a reviewer reads about one application, in a constant number of queries.

    Raises Application.DoesNotExist (404) when the user may not see it or is no reviewer.
    """
    if not reviewer_may_open(user):
        raise Application.DoesNotExist
    application = (
        applications_visible_to(user).select_related("employer", "department", "applicant").get(pk=application_id)
    )
    checklist = materials_checklist(application=application, evaluation=application.evaluation or {"evidence": []})
    submissions = list(application.submissions.prefetch_related("materials").order_by("revision"))
    changes = None
    if len(submissions) >= 2:
        changes = submission_changes(previous=submissions[-2], current=submissions[-1])
    history = list(application.history.select_related("actor", "department"))
    available = [
        option for option in transitions_available(user=user, application=application) if option.role in REVIEWER_ROLES
    ]
    return ReviewFile(
        application=application,
        checklist=checklist,
        submissions=submissions,
        changes=changes,
        history=history,
        available=available,
        may_confirm_employer=application.employer is not None
        and not application.employer.confirmed
        and user.has_role(Role.DEPARTMENT_REVIEWER)
        and application.department_id in department_ids(user),
    )
