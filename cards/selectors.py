"""Reads on cards: whose cards a user may see, a person's latest card, the tier's services, the assessments due."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from accounts.roles import Role
from applications.models import Notice
from applications.rules import department_ids
from cards.models import Card, CardEvent, CardNotice, CardState, MidtermAssessment
from eligibility.catalogue import catalogue_default

# Who sees every card: the bodies that manage them (第六条) and the auditor.
DISTRICT_ROLES = frozenset({Role.HR_REVIEWER, Role.TALENT_OFFICE, Role.AUDITOR})


def cards_visible_to(user: User) -> QuerySet[Card]:
    """Every card the user may open, scoped in the query (workflow.md: sees), so no view can leak one."""
    if not user.is_authenticated:
        return Card.objects.none()
    roles = user.role_codes
    if roles & DISTRICT_ROLES:
        return Card.objects.all()
    scope = Q(pk__in=[])
    if Role.APPLICANT in roles:
        scope |= Q(holder=user) & ~Q(state=CardState.PRODUCED)
    if Role.EMPLOYER in roles:
        scope |= Q(employer__in=user.employers.all()) & ~Q(state=CardState.PRODUCED)
    if Role.DEPARTMENT_REVIEWER in roles:
        scope |= Q(department__in=department_ids(user)) & ~Q(state=CardState.PRODUCED)
    return Card.objects.filter(scope)


def card_latest_issued(*, user: User, today: date) -> Card | None:
    """The person's latest card that was issued — valid or ended — or None if they never held one."""
    return (
        Card.objects.filter(holder=user, issued_at__isnull=False)
        .order_by("-issued_at", "-id")
        .only("tier", "state", "termination_reason", "valid_from", "valid_until")
        .first()
    )


def cards_of_holder(*, user: User) -> list[Card]:
    """The holder's own cards, newest first (a produced card appears once it is issued)."""
    return list(cards_visible_to(user).filter(holder=user).order_by("-issued_at", "-id"))


def card_for_page(*, user: User, card_id: int) -> Card:
    """One card the user may see, with what its page shows (Card.DoesNotExist otherwise)."""
    return (
        cards_visible_to(user)
        .select_related("holder", "employer", "department", "application", "superseded_by", "photo")
        .prefetch_related(
            Prefetch("events", queryset=CardEvent.objects.select_related("actor")),
            Prefetch("notices", queryset=CardNotice.objects.select_related("employer", "department", "service_desk")),
        )
        .get(pk=card_id)
    )


def card_holder_notice(*, card: Card) -> Notice | None:
    """The holder's own notice of the issue step (第五条（六）: the holder is told first)."""
    return (
        Notice.objects.filter(
            recipient_id=card.holder_id, application_id=card.application_id, history_entry__transition="issue_card"
        )
        .order_by("-created_at", "-id")
        .first()
    )


def tier_benefits(tier: str) -> tuple[int, ...]:
    """第四条: the numbers of the services a tier grants (diamond 1–13, gold 1–10, silver 1–7)."""
    for policy_tier in catalogue_default().policies[-1].tiers:
        if policy_tier.code == tier:
            return policy_tier.benefits
    return ()


def card_newest_of_line(card: Card) -> Card:
    """The card that replaced this one through upgrades (第八条), or the card itself."""
    seen = {card.pk}
    while card.superseded_by_id is not None and card.superseded_by_id not in seen:
        card = Card.objects.get(pk=card.superseded_by_id)
        seen.add(card.pk)
    return card


def midterm_overdue(*, today: date) -> QuerySet[MidtermAssessment]:
    """第六条: assessments of valid cards whose employer report is past its due date."""
    return (
        MidtermAssessment.objects.filter(
            stage=MidtermAssessment.Stage.DUE, due_on__lt=today, card__state=CardState.ACTIVE
        )
        .select_related("card__employer", "card__department")
        .order_by("due_on", "id")
    )


@dataclass(frozen=True)
class RegisterFilters:
    search: str = ""
    state: str = ""
    tier: str = ""


def cards_register(*, user: User, filters: RegisterFilters) -> QuerySet[Card]:
    """The cards a user manages, newest first, filtered as the register page asks."""
    cards = cards_visible_to(user).select_related("employer", "department")
    if filters.state:
        cards = cards.filter(state=filters.state)
    if filters.tier:
        cards = cards.filter(tier=filters.tier)
    if filters.search:
        cards = cards.filter(Q(number=filters.search.upper()) | Q(holder_name__icontains=filters.search))
    return cards.order_by("-produced_at", "-id")
