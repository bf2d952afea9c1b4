"""Writes on services: a desk records a use within its quotas; a holder books, a desk confirms, changes or cancels.

Quotas are counted race-free: a redemption locks the row of its holder, quota group and calendar period
(QuotaPeriod) before it counts, so two desks recording the last use at once are served one after the other and the
second is refused.
"""

import secrets
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceDesk, User
from accounts.roles import Role
from benefits.models import (
    BenefitSettings,
    Booking,
    BookingEvent,
    Period,
    Quota,
    QuotaPeriod,
    Service,
    ServicePoint,
    Use,
)
from benefits.quotas import period_end, period_start
from benefits.selectors import (
    HOUSING,
    HOUSING_NOT_YET,
    Refused,
    card_current,
    card_refusal,
    quota_of_point,
    service_not_granted,
    user_desks,
)
from cards.models import Card
from cards.selectors import tier_benefits

AIRPORT = 13
# 服务指南 十三（三）1: 国内航班服务不迟于航班起飞/抵达前2小时，国际航班服务不迟于航班起飞/抵达前3小时.
LEAD_DOMESTIC = timedelta(hours=2)
LEAD_INTERNATIONAL = timedelta(hours=3)
# 服务指南 十三（三）4: 国内航班服务地点为国内商务贵宾厅，国际航班服务地点为国际接待站.
AIRPORT_POINT = {False: "domestic-vip-lounge", True: "international-reception"}


def _month(day: date) -> str:
    return formats.date_format(day, "YEAR_MONTH_FORMAT")


def _quota_refusal(*, quota: Quota, service: Service, used: int, day: date) -> str:
    """Why the quota is spent, with the period and when the next use can be."""
    others = list(Quota.objects.filter(group=quota.group).exclude(service=service).select_related("service"))
    nxt = period_end(day, quota.period) + timedelta(days=1)
    values = {
        "service": service.name,
        "used": used,
        "uses": quota.uses,
        "period": _month(day) if quota.period == Period.MONTH else str(day.year),
        "next": formats.date_format(nxt, "DATE_FORMAT"),
        "others": "、".join(other.service.name for other in others),
    }
    if others:
        return (
            _(
                "%(service)s and %(others)s count together: at most %(uses)s of them per calendar year, and the holder "
                "has already used %(used)s in %(period)s (Art. 4(10)–(11)). The next can be from %(next)s."
            )
            % values
        )
    if quota.period == Period.MONTH:
        return (
            _(
                "%(service)s: the holder has already used %(used)s of the %(uses)s free uses of %(period)s (at most "
                "%(uses)s per calendar month). The next can be from %(next)s."
            )
            % values
        )
    return (
        _(
            "%(service)s: the holder has already used %(used)s of the %(uses)s uses of %(period)s (at most "
            "%(uses)s per calendar year). The next can be from %(next)s."
        )
        % values
    )


def _lock_and_count(*, holder_id: int, quota: Quota, day: date) -> int:
    """Locks the holder's row of this quota group and period (creating it if needed) and counts the uses in it."""
    starts_on = period_start(day, quota.period)
    QuotaPeriod.objects.bulk_create(
        [QuotaPeriod(holder_id=holder_id, group=quota.group, starts_on=starts_on)], ignore_conflicts=True
    )
    QuotaPeriod.objects.select_for_update().get(holder_id=holder_id, group=quota.group, starts_on=starts_on)
    return Use.objects.filter(
        holder_id=holder_id, quota_group=quota.group, period_starts_on=starts_on, cancelled_at__isnull=True
    ).count()


def _check_quotas(*, card: Card, service: Service, point, day: date, minutes: int | None) -> Quota | None:
    """Refuses a use past a quota (locking the periods' rows); returns the quota the use counts against."""
    counted = None
    for quota in quota_of_point(service=service, point=point):
        if quota.minutes is not None:
            if not minutes:
                raise Refused(_("Give the length of the session in minutes."), field="minutes")
            if minutes > quota.minutes:
                raise Refused(
                    _("A free session lasts at most %(hours)s hours (%(minutes)s minutes): record at most that.")
                    % {"hours": quota.minutes // 60, "minutes": quota.minutes},
                    field="minutes",
                )
        used = _lock_and_count(holder_id=card.holder_id, quota=quota, day=day)
        if used >= quota.uses:
            raise Refused(_quota_refusal(quota=quota, service=service, used=used, day=day))
        counted = quota
    return counted


def _check_service(*, card: Card, service: Service, today: date) -> None:
    problem = card_refusal(card, today=today)
    if problem:
        raise Refused(problem, field="card")
    if service.number not in tier_benefits(card.tier):
        raise Refused(service_not_granted(service=service, tier=card.get_tier_display()))
    # 第四条（九）: 在人才公寓建成并投入使用后.
    if service.number == HOUSING and not BenefitSettings.current().talent_apartments_in_use:
        raise Refused(HOUSING_NOT_YET)


def _desk_of(actor: User, desk_id: int) -> ServiceDesk:
    for desk in user_desks(actor):
        if desk.pk == desk_id:
            return desk
    raise Refused(_("You do not work for this desk."))


@transaction.atomic
def use_record(
    *,
    card_id: int,
    desk_id: int,
    service_id: int,
    actor: User,
    point_id: int | None = None,
    minutes: int | None = None,
    note: str = "",
) -> Use:
    """A desk records that the holder used one of its services today, within the quotas (第四条; spec: Benefits)."""
    desk = _desk_of(actor, desk_id)
    card = Card.objects.select_related("holder").get(pk=card_id)
    service = Service.objects.prefetch_related("quotas").get(pk=service_id)
    if not service.department_links.filter(desk=desk).exists():
        raise Refused(_("%(service)s is not one of your desk's services.") % {"service": service.name})
    if service.number == AIRPORT:
        raise Refused(_("The airport service is booked ahead: file a booking for the holder instead."))
    point = None
    if point_id is not None:
        point = ServicePoint.objects.filter(pk=point_id, service=service).first()
        if point is None or (point.desk_id is not None and point.desk_id != desk.pk):
            raise Refused(_("This place is not one of your desk's service points."), field="point")
    today = timezone.localdate()
    _check_service(card=card, service=service, today=today)
    quota = _check_quotas(card=card, service=service, point=point, day=today, minutes=minutes)
    return Use.objects.create(
        card=card,
        holder_id=card.holder_id,
        service=service,
        point=point,
        desk=desk,
        used_on=today,
        minutes=minutes,
        note=note.strip()[:300],
        quota_group=quota.group if quota else "",
        period_starts_on=period_start(today, quota.period) if quota else None,
        recorded_by=actor,
    )


# Bookings -------------------------------------------------------------------------------------------------------

AIRPORT_FIELDS = (
    "holder_name",
    "direction",
    "international",
    "flight_number",
    "passengers",
    "passenger_names",
    "phone",
    "escorts",
    "escort_names",
    "vehicles",
    "plates",
    "checked_baggage",
    "name_sign",
)


def airport_missing(fields: dict) -> dict[str, str]:
    """The ten items of 服务指南 十三（三）2 a booking lacks, each with what to give."""
    missing: dict[str, str] = {}
    required = {
        "holder_name": _("Give the holder's name."),
        "direction": _("Say whether this is a pick-up or a drop-off."),
        "international": _("Say whether the flight is domestic or international."),
        "flight_number": _("Give the flight number."),
        "starts_at": _("Give the flight's date and its departure or arrival time."),
        "passengers": _("Give the number of passengers."),
        "passenger_names": _("Give the passengers' names."),
        "phone": _("Give a contact phone number."),
        "escorts": _("Give the number of people seeing off or meeting (0 if none)."),
        "vehicles": _("Give the number of vehicles (0 if none)."),
        "checked_baggage": _("Say whether there is checked baggage."),
    }
    for name, message in required.items():
        if fields.get(name) in (None, ""):
            missing[name] = message
    if fields.get("escorts") and not fields.get("escort_names", "").strip():
        missing["escort_names"] = _("Give the names of the people seeing off or meeting.")
    if fields.get("vehicles") and not fields.get("plates", "").strip():
        missing["plates"] = _("Give the vehicles' number plates.")
    if fields.get("direction") == Booking.Direction.PICK_UP and fields.get("name_sign") is None:
        missing["name_sign"] = _("Say whether to hold up a name sign at the aircraft door.")
    return missing


def _check_lead(*, starts_at: datetime, international: bool, now: datetime) -> None:
    lead = LEAD_INTERNATIONAL if international else LEAD_DOMESTIC
    if starts_at - now < lead:
        local = timezone.localtime(starts_at)
        values = {"time": formats.date_format(local, "DATETIME_FORMAT"), "hours": int(lead.total_seconds() // 3600)}
        if international:
            message = _(
                "An international flight must be booked at least %(hours)s hours before its departure or arrival "
                "(%(time)s), and that time has passed. Call the booking line for help."
            )
        else:
            message = _(
                "A domestic flight must be booked at least %(hours)s hours before its departure or arrival "
                "(%(time)s), and that time has passed. Call the booking line for help."
            )
        raise Refused(message % values, field="starts_at")


def _booking_number() -> str:
    return f"BK-{timezone.localdate():%Y%m%d}-{secrets.token_hex(3).upper()}"


def _event(booking: Booking, action: str, actor: User, note: str = "") -> BookingEvent:
    from benefits import tasks

    event = BookingEvent.objects.create(booking=booking, action=action, actor=actor, note=note)
    transaction.on_commit(lambda: tasks.notify_holder.delay(booking_event_id=event.pk))
    return event


def _airport_use(*, booking: Booking, card: Card, service: Service, actor: User) -> Use | None:
    """The use a booking holds of the year's two (第四条（十三）), unless the district counts a round trip as one and
    this is the return leg of a drop-off that holds one."""
    if booking.return_of_id and BenefitSettings.current().airport_count == BenefitSettings.AirportCount.ROUND_TRIP:
        return None
    day = timezone.localdate(booking.starts_at)
    quota = _check_quotas(card=card, service=service, point=booking.point, day=day, minutes=None)
    return Use.objects.create(
        card=card,
        holder_id=card.holder_id,
        service=service,
        point=booking.point,
        desk_id=booking.point.desk_id,
        used_on=day,
        quota_group=quota.group if quota else "",
        period_starts_on=period_start(day, quota.period) if quota else None,
        recorded_by=actor,
        note=booking.number,
    )


@transaction.atomic
def booking_file(
    *, holder: User, service_id: int, point_id: int | None, starts_at: datetime | None, fields: dict
) -> Booking:
    """The holder books a service ahead; an airport booking is refused past its lead time or without its ten items,
    and holds one use of the year's two until it is cancelled."""
    today = timezone.localdate()
    card = card_current(user=holder, today=today)
    if card is None:
        raise Refused(_("You have no valid card, so you cannot book a service."))
    service = Service.objects.prefetch_related("quotas__point").get(pk=service_id)
    _check_service(card=card, service=service, today=today)
    now = timezone.now()
    return_of = fields.get("return_of")
    if return_of is not None and (
        return_of.holder_id != holder.pk
        or return_of.direction != Booking.Direction.DROP_OFF
        or return_of.state == Booking.State.CANCELLED
    ):
        raise Refused(
            _("The return leg must belong to one of your drop-offs that is not cancelled."), field="return_of"
        )
    if service.number == AIRPORT:
        fields = {name: fields.get(name) for name in AIRPORT_FIELDS}
        missing = airport_missing({**fields, "starts_at": starts_at})
        if missing:
            field_name, message = next(iter(missing.items()))
            raise Refused(message, field=field_name)
        _check_lead(starts_at=starts_at, international=fields["international"], now=now)
        point = ServicePoint.objects.get(service=service, code=AIRPORT_POINT[bool(fields["international"])])
        if fields["direction"] != Booking.Direction.PICK_UP:
            fields["name_sign"] = None
    else:
        point = ServicePoint.objects.filter(pk=point_id, service=service, booked=True).first()
        if point is None:
            raise Refused(_("Choose where you want to go."), field="point")
        if starts_at is None:
            raise Refused(_("Give the date and time of your visit."), field="starts_at")
        if starts_at <= now:
            raise Refused(_("Choose a time in the future."), field="starts_at")
        fields = {"note": (fields.get("note") or "").strip()[:300]}
    booking = Booking.objects.create(
        number=_booking_number(),
        card=card,
        holder=holder,
        service=service,
        point=point,
        starts_at=starts_at,
        return_of=return_of if service.number == AIRPORT else None,
        **fields,
    )
    if service.number == AIRPORT:
        booking.use = _airport_use(booking=booking, card=card, service=service, actor=holder)
        booking.save(update_fields=["use"])
    _event(booking, BookingEvent.Action.FILE, holder)
    return booking


def _booking_for(*, booking_id: int, actor: User) -> tuple[Booking, bool]:
    """The booking locked, and whether the actor acts as its desk (else as its holder); others' answer 404."""
    booking = (
        Booking.objects.select_for_update(of=("self",)).select_related("point", "service", "use").get(pk=booking_id)
    )
    desk_ids = {desk.pk for desk in user_desks(actor)}
    if booking.point.desk_id in desk_ids:
        return booking, True
    if booking.holder_id == actor.pk and actor.has_role(Role.APPLICANT):
        return booking, False
    raise Booking.DoesNotExist


@transaction.atomic
def booking_confirm(*, booking_id: int, actor: User) -> Booking:
    """The desk confirms a booking it can serve; the holder is told."""
    booking, as_desk = _booking_for(booking_id=booking_id, actor=actor)
    if not as_desk:
        raise Refused(_("Only the desk confirms a booking."))
    if booking.state != Booking.State.REQUESTED:
        raise Refused(_("Only a booking waiting for the desk can be confirmed."))
    booking.state = Booking.State.CONFIRMED
    booking.save(update_fields=["state"])
    _event(booking, BookingEvent.Action.CONFIRM, actor)
    return booking


@transaction.atomic
def booking_cancel(*, booking_id: int, actor: User, reason: str = "") -> Booking:
    """The holder or the desk cancels a booking: its use is given back (spec: a cancellation gives the use back)."""
    booking, _as_desk = _booking_for(booking_id=booking_id, actor=actor)
    if booking.state == Booking.State.CANCELLED:
        raise Refused(_("This booking is already cancelled."))
    booking.state = Booking.State.CANCELLED
    use_id, booking.use = booking.use_id, None
    booking.save(update_fields=["state", "use"])
    # A round trip counted as one use: the return leg that still stands keeps the use its drop-off held.
    heir = Booking.objects.filter(return_of=booking, use__isnull=True).exclude(state=Booking.State.CANCELLED).first()
    if use_id and heir is not None:
        Booking.objects.filter(pk=heir.pk).update(use_id=use_id)
    elif use_id:
        Use.objects.filter(pk=use_id).update(cancelled_at=timezone.now())
    _event(booking, BookingEvent.Action.CANCEL, actor, note=reason.strip()[:300])
    return booking


CHANGEABLE = (
    "starts_at",
    "flight_number",
    "passengers",
    "passenger_names",
    "phone",
    "escorts",
    "escort_names",
    "vehicles",
    "plates",
    "checked_baggage",
    "name_sign",
    "note",
)


@transaction.atomic
def booking_change(*, booking_id: int, actor: User, changes: dict) -> Booking:
    """The desk changes a booking (服务指南 十三（三）3: flight, people, vehicles); what changed is recorded and the
    holder told. A new flight time keeps the lead time; a new year takes a use of that year."""
    booking, as_desk = _booking_for(booking_id=booking_id, actor=actor)
    if not as_desk:
        raise Refused(_("Ask the desk to change a booking."))
    if booking.state == Booking.State.CANCELLED:
        raise Refused(_("A cancelled booking cannot be changed."))
    changed = {name: value for name, value in changes.items() if name in CHANGEABLE and getattr(booking, name) != value}
    if not changed:
        raise Refused(_("Nothing was changed."))
    merged = {name: getattr(booking, name) for name in AIRPORT_FIELDS} | {"starts_at": booking.starts_at} | changed
    if booking.service.number == AIRPORT:
        missing = airport_missing(merged)
        if missing:
            field_name, message = next(iter(missing.items()))
            raise Refused(message, field=field_name)
        if "starts_at" in changed:
            _check_lead(starts_at=changed["starts_at"], international=bool(booking.international), now=timezone.now())
    lines = []
    for name, value in changed.items():
        label = Booking._meta.get_field(name).verbose_name
        old = getattr(booking, name)
        lines.append(f"{label}: {_show(old)} → {_show(value)}")
        setattr(booking, name, value)
    booking.save(update_fields=list(changed))
    if "starts_at" in changed and booking.use_id:
        old_use = booking.use
        day = timezone.localdate(booking.starts_at)
        if old_use.period_starts_on and period_start(day, Period.YEAR) != old_use.period_starts_on:
            Use.objects.filter(pk=old_use.pk).update(cancelled_at=timezone.now())
            card = Card.objects.get(pk=booking.card_id)
            booking.use = _airport_use(booking=booking, card=card, service=booking.service, actor=actor)
            booking.save(update_fields=["use"])
        else:
            Use.objects.filter(pk=old_use.pk).update(used_on=day)
    _event(booking, BookingEvent.Action.CHANGE, actor, note="\n".join(lines))
    return booking


def _show(value) -> str:
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)
