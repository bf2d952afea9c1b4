"""第六条 mid-term assessment: the employer reports 工作业绩和业务能力, the industry department adds its opinion, the HR
bureau records it (备案) and manages the card by it. The month it is due is the district's setting (CardSettings)."""

from datetime import date, timedelta

from django.core.files.storage import default_storage
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from applications.rules import department_ids
from applications.services import NotAllowed
from applications.uploads import inspect_upload, random_storage_name
from cards.models import CardEvent, CardState, MidtermAssessment, Rating
from cards.services import CardError

Stage = MidtermAssessment.Stage
# Employers are reminded from a month before the due date, and again once it has passed.
REMINDER_LEAD = timedelta(days=30)


def midterms_visible_to(user: User) -> QuerySet[MidtermAssessment]:
    """The assessments a user may open: the district bodies all; an employer and a department their own units'."""
    if not user.is_authenticated:
        return MidtermAssessment.objects.none()
    roles = user.role_codes
    if roles & {Role.HR_REVIEWER, Role.TALENT_OFFICE, Role.AUDITOR}:
        return MidtermAssessment.objects.all()
    scope = Q(pk__in=[])
    if Role.EMPLOYER in roles:
        scope |= Q(card__employer__in=user.employers.all())
    if Role.DEPARTMENT_REVIEWER in roles:
        scope |= Q(card__department__in=department_ids(user))
    return MidtermAssessment.objects.filter(scope)


def midterm_next_step(*, user: User, assessment: MidtermAssessment) -> str | None:
    """The step the user may take on the assessment now: "report", "opinion", "record", or None."""
    if assessment.card.state != CardState.ACTIVE:
        return None
    employer, department = assessment.card.employer_id, assessment.card.department_id
    if assessment.stage == Stage.DUE and user.has_role(Role.EMPLOYER) and user.employers.filter(pk=employer).exists():
        return "report"
    if (
        assessment.stage == Stage.REPORTED
        and user.has_role(Role.DEPARTMENT_REVIEWER)
        and department in department_ids(user)
    ):
        return "opinion"
    if assessment.stage == Stage.REVIEWED and user.has_role(Role.HR_REVIEWER):
        return "record"
    return None


def _locked(*, assessment_id: int, actor: User, step: str) -> MidtermAssessment:
    assessment = midterms_visible_to(actor).select_for_update(of=("self",)).select_related("card").get(pk=assessment_id)
    if midterm_next_step(user=actor, assessment=assessment) != step:
        if assessment.stage != {"report": Stage.DUE, "opinion": Stage.REPORTED, "record": Stage.REVIEWED}[step]:
            raise CardError(
                _("This assessment has already moved on: it is now “%(stage)s”.")
                % {"stage": assessment.get_stage_display()}
            )
        raise NotAllowed(_("You may not do this to this assessment."))
    return assessment


def midterm_report(
    *, assessment_id: int, actor: User, performance: str, ability: str, rating: str, file=None
) -> MidtermAssessment:
    """The employer's report (第六条 考核重点是工作业绩和业务能力), with an optional scan of the signed report."""
    errors = {}
    if not performance.strip():
        errors["performance"] = _("Describe the holder's work performance.")
    if not ability.strip():
        errors["ability"] = _("Describe the holder's professional ability.")
    if rating not in Rating.values:
        errors["rating"] = _("Choose the rating.")
    if errors:
        raise CardError(_("Please correct the marked fields."), errors={key: [value] for key, value in errors.items()})
    stored_name = display_name = ""
    if file is not None:
        from django.conf import settings

        inspected = inspect_upload(file, max_bytes=settings.MATERIAL_MAX_BYTES)
        stored_name = default_storage.save(
            random_storage_name(kind=inspected.kind, prefix="midterm"), inspected.as_file()
        )
        display_name = inspected.display_name
    with transaction.atomic():
        assessment = _locked(assessment_id=assessment_id, actor=actor, step="report")
        assessment.performance = performance.strip()
        assessment.ability = ability.strip()
        assessment.rating = rating
        assessment.report_file = stored_name
        assessment.report_file_name = display_name
        assessment.reported_by = actor
        assessment.reported_at = timezone.now()
        assessment.stage = Stage.REPORTED
        assessment.save()
        CardEvent.objects.create(
            card=assessment.card, action=CardEvent.Action.MIDTERM_REPORT, actor=actor, actor_role=Role.EMPLOYER
        )
    return assessment


@transaction.atomic
def midterm_opinion(*, assessment_id: int, actor: User, opinion: str) -> MidtermAssessment:
    """第六条: 各行业主管部门及时将考核情况加具意见后报区人力资源社会保障局."""
    if not opinion.strip():
        raise CardError(
            _("Please correct the marked fields."), errors={"opinion": [_("Give the department's opinion.")]}
        )
    assessment = _locked(assessment_id=assessment_id, actor=actor, step="opinion")
    assessment.department_opinion = opinion.strip()
    assessment.reviewed_by = actor
    assessment.reviewed_at = timezone.now()
    assessment.stage = Stage.REVIEWED
    assessment.save()
    CardEvent.objects.create(
        card=assessment.card,
        action=CardEvent.Action.MIDTERM_OPINION,
        actor=actor,
        actor_role=Role.DEPARTMENT_REVIEWER,
        note=assessment.department_opinion,
    )
    return assessment


@transaction.atomic
def midterm_record(*, assessment_id: int, actor: User, note: str = "") -> MidtermAssessment:
    """第六条: the HR bureau records (备案) the assessment; it may then end the card (cards.services.card_terminate)."""
    assessment = _locked(assessment_id=assessment_id, actor=actor, step="record")
    assessment.record_note = note.strip()
    assessment.recorded_by = actor
    assessment.recorded_at = timezone.now()
    assessment.stage = Stage.RECORDED
    assessment.save()
    CardEvent.objects.create(
        card=assessment.card,
        action=CardEvent.Action.MIDTERM_RECORDED,
        actor=actor,
        actor_role=Role.HR_REVIEWER,
        note=assessment.record_note,
    )
    return assessment


def midterm_reminders_send(*, today: date | None = None) -> int:
    """Reminds the employer's officers of a report due within a month, and once more when it is overdue."""
    today = today or timezone.localdate()
    due = (
        MidtermAssessment.objects.filter(
            stage=Stage.DUE, card__state=CardState.ACTIVE, due_on__lte=today + REMINDER_LEAD
        )
        .select_related("card__employer")
        .prefetch_related("card__employer__officers")
    )
    messages, reminded = [], []
    for assessment in due:
        last = timezone.localdate(assessment.reminded_at) if assessment.reminded_at else None
        overdue = assessment.due_on < today
        if last is not None and not (overdue and last <= assessment.due_on):
            continue
        employer = assessment.card.employer
        officers = [user for user in employer.officers.all() if user.email and user.is_active] if employer else []
        by_language: dict[str, set[str]] = {}
        for user in officers:
            by_language.setdefault(user.language, set()).add(user.email)
        for language, addresses in sorted(by_language.items()):
            # Each officer reads the reminder in their own language.
            with translation.override(language):
                context = {"assessment": assessment, "card": assessment.card, "overdue": overdue}
                subject = render_to_string("cards/email/midterm_subject.txt", context).strip()
                body = render_to_string("cards/email/midterm_body.txt", context).strip()
            messages.append((subject, body, None, sorted(addresses)))
        reminded.append(assessment.pk)
    if messages:
        send_mass_mail(messages)
    MidtermAssessment.objects.filter(pk__in=reminded).update(reminded_at=timezone.now())
    return len(reminded)
