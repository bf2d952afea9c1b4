"""Writes on cards: made at 制卡, issued at 发卡, ended by expiry, termination or an upgrade (第五条, 第六条, 第八条).

The application's transitions drive the card: `transition_fired` (applications.signals) calls
card_on_transition inside the transition's own transaction, so the card and the application never disagree.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Employer, ServiceDesk, User
from accounts.roles import Role
from applications.models import Application, HistoryEntry, Kind
from applications.rules import department_ids
from applications.services import NotAllowed, WorkflowError, date_add_months, today_local
from applications.workflow import State
from cards.models import (
    TIER_LETTER,
    Card,
    CardEvent,
    CardNotice,
    CardNumberCounter,
    CardSettings,
    CardState,
    MidtermAssessment,
    Recipient,
    TerminationProposal,
    TerminationReason,
)
from cards.selectors import tier_benefits
from eligibility.dates import date_add_years

# 第六条: 管理期为5年.
CARD_PERIOD_YEARS = 5
PHOTO = "photo"


class CardError(WorkflowError):
    """A change of a card that cannot happen; `message` is for the user."""


def card_number_allocate(*, tier: str, year: int) -> str:
    """The next number of a tier and year (BY-D-2026-000123): the counter's row is locked until the transaction
    ends, so two productions at once never share a number, and a number once given is never given again."""
    prefix = f"{TIER_LETTER[tier]}-{year}"
    try:
        with transaction.atomic():
            CardNumberCounter.objects.get_or_create(prefix=prefix)
    except IntegrityError:
        pass  # another transaction created the row first
    CardNumberCounter.objects.filter(prefix=prefix).update(last=F("last") + 1)
    last = CardNumberCounter.objects.get(prefix=prefix).last
    return f"BY-{prefix}-{last:06d}"


def _event(card: Card, action: str, *, source: str = "", actor: User | None = None, role: str = "", **fields):
    return CardEvent.objects.create(
        card=card,
        action=action,
        source_state=source,
        target_state=card.state if source else "",
        actor=actor,
        actor_role=role,
        **fields,
    )


def card_create_for(*, application: Application) -> Card:
    """制卡 (第五条（五）): the card of an approved application, made once whatever the retries."""
    existing = Card.objects.filter(application=application).first()
    if existing is not None:
        return existing
    photo = application.materials.filter(item=PHOTO, is_current=True).order_by("-uploaded_at", "-id").first()
    card = Card.objects.create(
        number=card_number_allocate(tier=application.determined_tier, year=timezone.localdate().year),
        application=application,
        holder_id=application.applicant_id,
        tier=application.determined_tier,
        holder_name=application.full_name,
        photo=photo,
        employer_id=application.employer_id,
        department_id=application.department_id,
    )
    _event(card, CardEvent.Action.PRODUCE)
    return card


def _card_activate(*, application: Application, entry: HistoryEntry) -> Card:
    """发卡 (第五条（六）): the card becomes valid for 5 years from today; an upgrade's card replaces the old one."""
    card = Card.objects.select_for_update().get(application=application)
    today = timezone.localdate(entry.created_at)
    if application.kind == Kind.UPGRADE:
        # 第八条: the new card supersedes the holder's current one when it is issued.
        for old in Card.objects.select_for_update().filter(holder_id=card.holder_id, state=CardState.ACTIVE):
            old.supersede()
            old.superseded_by = card
            old.ended_at = entry.created_at
            old.save(update_fields=["state", "superseded_by", "ended_at"])
            _event(old, CardEvent.Action.SUPERSEDE, source=CardState.ACTIVE, actor=entry.actor, role=entry.actor_role)
            card_status_changed(old)
    card.issue()
    card.issued_at = entry.created_at
    card.valid_from = today
    card.valid_until = date_add_years(today, years=CARD_PERIOD_YEARS)
    card.save(update_fields=["state", "issued_at", "valid_from", "valid_until"])
    _event(card, CardEvent.Action.ISSUE, source=CardState.PRODUCED, actor=entry.actor, role=entry.actor_role)
    MidtermAssessment.objects.create(card=card, due_on=midterm_due_on(valid_from=today))
    card_notices_record(card=card)
    return card


def card_on_transition(*, application: Application, entry: HistoryEntry) -> None:
    """The card's side of the application's steps, inside the same transaction."""
    from cards import tasks

    if entry.target_state == State.APPROVED:
        # 第五条（五）: an approved application's card is made by a task, queued once the approval is committed.
        transaction.on_commit(lambda: tasks.produce_card.delay(application_id=application.pk))
    elif entry.transition == "produce_card":
        card = card_create_for(application=application)
        transaction.on_commit(lambda: tasks.render_credential.delay(card_id=card.pk))
    elif entry.transition == "issue_card":
        card = _card_activate(application=application, entry=entry)
        transaction.on_commit(lambda: tasks.card_issued.delay(card_id=card.pk))


def card_produce(*, application_id: int) -> Card | None:
    """The task of 制卡: fires produce_card (which makes the card) unless done, then renders the credential.
    Safe to run twice or after a worker died mid-way: one card, one number."""
    from applications.services import AlreadyHandled, application_transition
    from cards.credential import card_credential_render

    try:
        application_transition(
            application_id=application_id, name="produce_card", actor=None, system=True, expected_state=State.APPROVED
        )
    except AlreadyHandled:
        # Made before a lost worker could queue the rendering: render it now if it is missing.
        card = Card.objects.filter(application_id=application_id).first()
        if card is not None and not card.credential:
            card_credential_render(card_id=card.pk)
    card = Card.objects.filter(application_id=application_id).first()
    return card


def midterm_due_on(*, valid_from: date) -> date:
    """第六条 asks for a mid-term assessment; the district sets the month it is due in (CardSettings)."""
    return date_add_months(valid_from, months=CardSettings.current().midterm_month)


def midterm_settings_apply() -> int:
    """After the district changes the month: the due dates of the reports not yet filed follow it."""
    changed = 0
    pending = MidtermAssessment.objects.filter(stage=MidtermAssessment.Stage.DUE).select_related("card")
    for assessment in pending:
        due_on = midterm_due_on(valid_from=assessment.card.valid_from)
        if due_on != assessment.due_on:
            MidtermAssessment.objects.filter(pk=assessment.pk).update(due_on=due_on)
            changed += 1
    return changed


def _users_with_role(queryset, role: Role):
    return queryset.filter(groups__name=role.value, is_active=True).distinct()


def card_notices_record(*, card: Card) -> list[CardNotice]:
    """第五条（六） "将用户相关信息及时通知各相关单位": one notice per unit, recorded now, e-mailed by a task."""
    from cards.notices import card_notice_text

    units: list[tuple[str, dict, object]] = []
    if card.employer_id:
        employer = Employer.objects.get(pk=card.employer_id)
        units.append((Recipient.EMPLOYER, {"employer": employer}, _users_with_role(employer.officers, Role.EMPLOYER)))
    if card.department_id:
        department = Department.objects.get(pk=card.department_id)
        units.append(
            (
                Recipient.DEPARTMENT,
                {"department": department},
                _users_with_role(department.reviewers, Role.DEPARTMENT_REVIEWER),
            )
        )
    units.append((Recipient.HR_BUREAU, {}, _users_with_role(User.objects, Role.HR_REVIEWER)))
    granted = set(tier_benefits(card.tier))
    for desk in ServiceDesk.objects.order_by("code"):
        if granted & set(desk.benefit_items):
            units.append(
                (Recipient.SERVICE_DESK, {"service_desk": desk}, _users_with_role(desk.staff, Role.SERVICE_DESK))
            )
    notices = []
    for recipient, unit, users in units:
        unit_object = next(iter(unit.values()), None)
        key = f"{recipient}:{unit_object.pk if unit_object else ''}"
        subject, body = card_notice_text(card=card, recipient=recipient)
        notice, created = CardNotice.objects.get_or_create(
            card=card, unit_key=key, defaults={"recipient": recipient, "subject": subject, "body": body, **unit}
        )
        if created:
            notice.users.set(users)
        notices.append(notice)
    return notices


def _check_role(actor: User, role: Role) -> None:
    if not actor.has_role(role):
        raise NotAllowed(_("You may not do this to this card."))


@transaction.atomic
def card_termination_propose(*, card_id: int, actor: User, opinion: str) -> TerminationProposal:
    """第六条（一）: the industry department proposes ending a card whose holder no longer meets the criteria."""
    _check_role(actor, Role.DEPARTMENT_REVIEWER)
    card = Card.objects.select_for_update().get(pk=card_id, department__in=department_ids(actor))
    if card.state != CardState.ACTIVE:
        raise CardError(_("Only a valid card can be proposed for termination."))
    if not opinion.strip():
        raise CardError(_("Give the department's opinion."))
    if TerminationProposal.objects.filter(card=card, decided_at__isnull=True).exists():
        raise CardError(_("A proposal to end this card is already waiting for the HR bureau."))
    proposal = TerminationProposal.objects.create(card=card, proposed_by=actor, opinion=opinion.strip())
    _event(card, CardEvent.Action.TERMINATION_PROPOSED, actor=actor, role=Role.DEPARTMENT_REVIEWER, note=opinion)
    return proposal


def card_status_changed(card: Card) -> None:
    """A card's status for verifiers changed: once committed, every process's verification reads it again and the
    published status list is signed again."""
    from cards import tasks
    from cards.verification import card_status_changed_everywhere

    transaction.on_commit(card_status_changed_everywhere)
    transaction.on_commit(tasks.publish_status_list.delay)


@transaction.atomic
def card_terminate(*, card_id: int, actor: User, reason: str, note: str = "") -> Card:
    """第六条: the HR bureau ends a card's services; under （一） only on the department's proposal (备案)."""
    _check_role(actor, Role.HR_REVIEWER)
    if reason not in TerminationReason.values:
        raise CardError(_("Choose the reason from Article 6."))
    card = Card.objects.select_for_update().get(pk=card_id)
    if card.state != CardState.ACTIVE:
        raise CardError(_("This card is no longer valid: it is “%(state)s”.") % {"state": card.get_state_display()})
    proposal = TerminationProposal.objects.filter(card=card, decided_at__isnull=True).first()
    if reason == TerminationReason.NO_LONGER_QUALIFIES and proposal is None:
        raise CardError(
            _("Under Art. 6(1) the industry department proposes the termination; there is no proposal for this card.")
        )
    now = timezone.now()
    card.terminate()
    card.termination_reason = reason
    card.ended_at = now
    card.save(update_fields=["state", "termination_reason", "ended_at"])
    if proposal is not None:
        TerminationProposal.objects.filter(pk=proposal.pk).update(decided_at=now)
    _event(
        card,
        CardEvent.Action.TERMINATE,
        source=CardState.ACTIVE,
        actor=actor,
        role=Role.HR_REVIEWER,
        reason=reason,
        note=note.strip(),
    )
    card_status_changed(card)
    return card


def cards_expire(*, today: date | None = None) -> int:
    """第六条 管理期满后，云聚英才卡将失效: marks the cards whose period ended before today (a daily task)."""
    today = today or today_local()
    expired = 0
    for card_id in Card.objects.filter(state=CardState.ACTIVE, valid_until__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            card = Card.objects.select_for_update().get(pk=card_id)
            if card.state != CardState.ACTIVE or card.valid_until >= today:
                continue
            card.expire()
            card.ended_at = timezone.now()
            card.save(update_fields=["state", "ended_at"])
            # The token carries the period: verifiers see the expiry without a new status list.
            _event(card, CardEvent.Action.EXPIRE, source=CardState.ACTIVE)
            expired += 1
    return expired
