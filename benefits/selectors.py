"""Reads on services: the catalogue, a desk's check of a card, a holder's guide and records, the counts."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceDesk, User
from accounts.roles import Role
from benefits.catalogue import POLICY
from benefits.models import BenefitSettings, Booking, Quota, Service, ServiceItem, Use
from benefits.quotas import QuotaState, quota_states
from cards.models import Card, CardState
from cards.selectors import tier_benefits
from cards.verification import card_verify

# Who sees the counts of uses per service and month: the HR bureau, the talent office, and the auditor who reads all.
STATISTICS_ROLES = frozenset({Role.HR_REVIEWER, Role.TALENT_OFFICE, Role.AUDITOR})


class Refused(Exception):
    """A card, service or use the desk or holder cannot have; `message` says why in the user's language."""

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def services_of_policy(*, numbers: tuple[int, ...] | None = None) -> QuerySet[Service]:
    """The catalogue's services (all 13, or those numbered), with their guide, desks, points and quotas."""
    services = Service.objects.filter(policy=POLICY).prefetch_related(
        Prefetch("items", queryset=ServiceItem.objects.order_by("position", "id")),
        "department_links__desk",
        "lines",
        "points__desk",
        "quotas__point",
    )
    if numbers is not None:
        services = services.filter(number__in=numbers)
    return services.order_by("number")


def service_by_number(number: int) -> Service:
    """One service of the catalogue (Service.DoesNotExist otherwise)."""
    return services_of_policy().get(number=number)


def tier_table() -> list[dict]:
    """The public comparison: each service with the tiers that grant it (第四条)."""
    tiers = ("diamond", "gold", "silver")
    granted = {tier: set(tier_benefits(tier)) for tier in tiers}
    return [
        {"service": service, "tiers": [service.number in granted[tier] for tier in tiers]}
        for service in services_of_policy()
    ]


def desk_services(desks) -> list[Service]:
    """The services that the given desks provide (they are among the service's 承办部门), in the 第四条 order."""
    return list(
        Service.objects.filter(policy=POLICY, department_links__desk__in=desks)
        .distinct()
        .prefetch_related(Prefetch("quotas", queryset=Quota.objects.select_related("point")))
        .order_by("number")
    )


def user_desks(user: User) -> list[ServiceDesk]:
    """The desks a service-desk user works for (none without the role)."""
    if not user.has_role(Role.SERVICE_DESK):
        return []
    return list(user.service_desks.all())


# The card a desk is shown ---------------------------------------------------------------------------------------


def card_refusal(card: Card, *, today: date) -> str | Promise | None:
    """Why a card cannot be honoured today, in plain words, or None when it is valid (spec: only a `valid` card)."""
    if card.valid_on(today):
        return None
    if card.state == CardState.TERMINATED:
        return _("This card was terminated on %(day)s and is no longer valid.") % {
            "day": _day(timezone.localdate(card.ended_at)) if card.ended_at else "—"
        }
    if card.state == CardState.SUPERSEDED:
        return _("This card was replaced by a higher card (Art. 8) and is no longer valid: ask for the new card.")
    if card.state == CardState.PRODUCED:
        return _("This card has not been issued yet.")
    if card.valid_from and today < card.valid_from:
        return _("This card is valid only from %(day)s.") % {"day": _day(card.valid_from)}
    return _("This card's 5-year management period ended on %(day)s: it has expired (Art. 6).") % {
        "day": _day(card.valid_until) if card.valid_until else "—"
    }


# A card number as printed on the card (spec "The card": BY-D-2026-000123).
CARD_NUMBER = re.compile(r"^BY-[DGS]-\d{4}-\d{6}$")


def card_from_scan(*, text: str, now: datetime) -> Card:
    """The card named by a scanned QR code or a typed card number; Refused says why none can be had. A QR code is
    checked by the card verification service, as on the public verification page."""
    text = text.strip()
    if not text:
        raise Refused(_("Scan the card's QR code or type its number."), field="card")
    number = text.upper()
    if not CARD_NUMBER.match(number):
        result = card_verify(text=text, now=now)
        # Forged, unreadable, a lapsed wallet code or one dated ahead: no card to speak of.
        if result.card is None or result.detail in ("token_lapsed", "token_not_yet"):
            raise Refused(result.message(), field="card")
        number = result.card.number
    card = Card.objects.select_related("holder").filter(number=number).first()
    if card is None or card.state == CardState.PRODUCED:
        raise Refused(_("No card has the number %(number)s.") % {"number": number[:20]}, field="card")
    return card


@dataclass
class ServiceCheck:
    """One of the desk's services for the card in front of it: whether it can be used, and the quotas left."""

    service: Service
    refusal: str | Promise | None
    quotas: list[QuotaState] = field(default_factory=list)


def desk_check(*, card: Card, desks: list[ServiceDesk], today: date) -> tuple[str | Promise | None, list[ServiceCheck]]:
    """The desk's view of a card: why it cannot be honoured (or None), and each of the desk's services with the
    reason it is refused or the holder's remaining quotas this month or year."""
    card_problem = card_refusal(card, today=today)
    granted = set(tier_benefits(card.tier))
    services = desk_services(desks)
    quotas = [quota for service in services for quota in service.quotas.all()]
    states = quota_states(holder_id=card.holder_id, quotas=quotas, day=today)
    by_service: dict[int, list[QuotaState]] = {}
    for state in states:
        by_service.setdefault(state.quota.service_id, []).append(state)
    housing_in_use = None
    checks = []
    for service in services:
        refusal = None
        if service.number not in granted:
            refusal = service_not_granted(service=service, tier=card.get_tier_display())
        elif service.number == HOUSING:
            if housing_in_use is None:
                housing_in_use = BenefitSettings.current().talent_apartments_in_use
            if not housing_in_use:
                refusal = HOUSING_NOT_YET
        checks.append(ServiceCheck(service=service, refusal=refusal, quotas=by_service.get(service.pk, [])))
    return card_problem, checks


HOUSING = 9
HOUSING_NOT_YET = _(
    "The district's talent apartments are not yet in use, so housing cannot be arranged yet (Art. 4(9): only once "
    "the apartments are built and in use). This is the district's setting."
)


def service_not_granted(*, service: Service, tier: str) -> str:
    return _("The %(tier)s does not include %(service)s (Art. 4: diamond items 1–13, gold 1–10, silver 1–7).") % {
        "tier": tier,
        "service": service.name,
    }


# The holder -----------------------------------------------------------------------------------------------------


def card_current(*, user: User, today: date) -> Card | None:
    """The holder's card that is valid today, or None."""
    card = Card.objects.filter(holder=user, state=CardState.ACTIVE).order_by("-issued_at", "-id").first()
    return card if card is not None and card.valid_on(today) else None


def guide_entry(service: Service) -> dict:
    """A service with its guide lines grouped by kind, in the guide's order."""
    items: dict[str, list[ServiceItem]] = {kind: [] for kind in ServiceItem.Kind.values}
    for item in service.items.all():
        items[item.kind].append(item)
    return {"service": service, "items": items}


def holder_guide(*, card: Card, today: date) -> list[dict]:
    """The guide of exactly the services the card's tier grants, each with the holder's remaining quotas."""
    services = list(services_of_policy(numbers=tier_benefits(card.tier)))
    quotas = [quota for service in services for quota in service.quotas.all()]
    states = quota_states(holder_id=card.holder_id, quotas=quotas, day=today)
    housing_in_use = BenefitSettings.current().talent_apartments_in_use
    guide = []
    for service in services:
        guide.append(
            {
                **guide_entry(service),
                "quotas": [state for state in states if state.quota.service_id == service.pk],
                "housing_not_yet": service.number == HOUSING and not housing_in_use,
            }
        )
    return guide


def uses_of_holder(*, user: User) -> QuerySet[Use]:
    return Use.objects.filter(holder=user).select_related("service", "point", "desk").order_by("-used_on", "-id")


def bookings_of_holder(*, user: User) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(holder=user)
        .select_related("service", "point", "use")
        .prefetch_related("events")
        .order_by("-starts_at", "-id")
    )


# Desks and the district -----------------------------------------------------------------------------------------


def uses_visible_to(user: User) -> QuerySet[Use]:
    """A desk sees only what its own desks recorded; nobody else sees single uses here."""
    return Use.objects.filter(desk__in=user_desks(user)).select_related("service", "point", "card", "desk")


def bookings_visible_to(user: User) -> QuerySet[Booking]:
    """The bookings at the service points the user's desks are responsible for."""
    return Booking.objects.filter(point__desk__in=user_desks(user)).select_related("service", "point", "card", "use")


def uses_per_service_and_month(*, year: int) -> list[dict]:
    """Counts of the uses of each service in each month of `year` (cancelled ones left out)."""
    rows = (
        Use.objects.filter(cancelled_at__isnull=True, used_on__year=year)
        .annotate(month=TruncMonth("used_on"))
        .values("service__number", "month")
        .annotate(count=Count("id"))
        .order_by("service__number", "month")
    )
    return list(rows)


def quota_of_point(*, service: Service, point) -> list[Quota]:
    """The quotas that a use of `service` at `point` counts against."""
    return [
        quota
        for quota in service.quotas.all()
        if quota.point_id is None or quota.point_id == getattr(point, "pk", None)
    ]


def desks_of_services(*, numbers: tuple[int, ...]) -> QuerySet[ServiceDesk]:
    """The desks that are 承办部门 of any of the services numbered (cards.desks_port asks this)."""
    return ServiceDesk.objects.filter(
        service_links__service__policy=POLICY, service_links__service__number__in=numbers
    ).distinct()
