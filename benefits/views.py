"""Pages of the services: the public catalogue, the holder's guide and bookings, the desk's work, the counts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from baiyun_talent.csvstream import csv_lines
from baiyun_talent.i18n import chinese_active
from benefits import selectors, services
from benefits.forms import (
    AirportBookingForm,
    BookingChangeForm,
    CancelForm,
    CardCheckForm,
    UseForm,
    VisitBookingForm,
)
from benefits.guide import guide_pdf
from benefits.models import BenefitSettings, Booking, Service
from benefits.selectors import Refused
from benefits.statistics import statistics_table
from cards.models import Card

DESK_CARD = "benefits_desk_card"


def _language() -> str:
    return "zh-hans" if chinese_active() else "en"


# Public ---------------------------------------------------------------------------------------------------------


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """The three cards compared service by service (第四条), each service linked to its guide."""
    return render(request, "benefits/catalogue.html", {"rows": selectors.tier_table()})


@require_GET
def service_guide(request: HttpRequest, number: int) -> HttpResponse:
    """One service's guide: what it is, what to bring, the steps, the notes, the departments and phones."""
    try:
        service = selectors.service_by_number(number)
    except Service.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "benefits/service.html",
        {
            "entry": selectors.guide_entry(service),
            "housing_not_yet": service.number == selectors.HOUSING
            and not BenefitSettings.current().talent_apartments_in_use,
        },
    )


# The holder -----------------------------------------------------------------------------------------------------


def _holder_card(request: HttpRequest) -> Card:
    card = selectors.card_current(user=request.user, today=timezone.localdate())
    if card is None:
        raise Http404
    return card


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The holder's services: the guide of what the tier grants with the quotas left, the uses and bookings."""
    today = timezone.localdate()
    card = selectors.card_current(user=request.user, today=today)
    context = {
        "card": card,
        "guide": selectors.holder_guide(card=card, today=today) if card else [],
        "uses": list(selectors.uses_of_holder(user=request.user)[:50]),
        "bookings": list(selectors.bookings_of_holder(user=request.user)[:50]),
        "cancel_form": CancelForm(),
    }
    return render(request, "benefits/mine.html", context)


@login_required
@require_GET
def mine_pdf(request: HttpRequest) -> HttpResponse:
    """The holder's guide as a PDF in the page's language."""
    card = _holder_card(request)
    pdf = guide_pdf(card=card, today=timezone.localdate(), language=_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="baiyun-talent-card-services.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, number: int) -> HttpResponse:
    """The holder books a service the guide books ahead (the airport, the museum)."""
    card = _holder_card(request)
    try:
        service = selectors.service_by_number(number)
    except Service.DoesNotExist:
        raise Http404 from None
    airport = service.number == services.AIRPORT
    if not airport and not service.points.filter(booked=True).exists():
        raise Http404
    round_trip = BenefitSettings.current().airport_count == BenefitSettings.AirportCount.ROUND_TRIP
    if airport:
        form = AirportBookingForm(
            request.POST or None, initial={"holder_name": card.holder_name}, holder=request.user, round_trip=round_trip
        )
    else:
        form = VisitBookingForm(request.POST or None, service=service)
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        point = data.pop("point", None)
        starts_at = data.pop("starts_at")
        try:
            booking = services.booking_file(
                holder=request.user,
                service_id=service.pk,
                point_id=point.pk if point else None,
                starts_at=starts_at,
                fields=data,
            )
        except Refused as error:
            if error.field and error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                refusal = error.message
        else:
            messages.success(
                request, _("Booking %(number)s is filed; the desk will confirm it.") % {"number": booking.number}
            )
            return redirect("benefits:mine")
    return render(
        request,
        "benefits/book.html",
        {
            "service": service,
            "form": form,
            "refusal": refusal,
            "airport": airport,
            "card": card,
            "entry": selectors.guide_entry(service),
        },
    )


@login_required
@require_POST
def mine_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder cancels their own booking; its use is given back."""
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        booking = services.booking_cancel(booking_id=pk, actor=request.user, reason=reason)
    except Booking.DoesNotExist:
        raise Http404 from None
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Booking %(number)s is cancelled.") % {"number": booking.number})
    return redirect("benefits:mine")


# The desk -------------------------------------------------------------------------------------------------------


def _desks(request: HttpRequest) -> list:
    desks = selectors.user_desks(request.user)
    if not desks:
        raise Http404
    return desks


@login_required
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    """The desk's working page: check a card (scan or type), the bookings to confirm, the latest records."""
    if not request.user.has_role(Role.SERVICE_DESK):
        raise Http404
    desks = selectors.user_desks(request.user)
    if not desks:
        return render(request, "benefits/desk.html", {"desks": []})
    form = CardCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            card = selectors.card_from_scan(text=form.cleaned_data["card"], now=timezone.now())
        except Refused as error:
            form.add_error("card", error.message)
        else:
            request.session[DESK_CARD] = card.pk
            return redirect("benefits:desk_card")
    return render(
        request,
        "benefits/desk.html",
        {
            "form": form,
            "desks": desks,
            "services": selectors.desk_services(desks),
            "waiting": list(
                selectors.bookings_visible_to(request.user)
                .filter(state=Booking.State.REQUESTED)
                .order_by("starts_at")[:20]
            ),
            "recent": list(selectors.uses_visible_to(request.user).order_by("-recorded_at", "-id")[:10]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def desk_card(request: HttpRequest) -> HttpResponse:
    """The card just checked: valid or why not, this desk's services with the quotas left, and the form for a use."""
    desks = _desks(request)
    card_id = request.session.get(DESK_CARD)
    card = Card.objects.select_related("holder").filter(pk=card_id).first() if card_id else None
    if card is None:
        return redirect("benefits:desk")
    today = timezone.localdate()
    card_problem, checks = selectors.desk_check(card=card, desks=desks, today=today)
    usable = [check.service for check in checks if check.refusal is None and check.service.number != services.AIRPORT]
    form = UseForm(request.POST or None, services=usable, desks=desks)
    refusal = None
    if request.method == "POST" and form.is_valid():
        service = form.cleaned_data["service"]
        desk_id = next(
            (link.desk_id for link in service.department_links.all() if link.desk_id in {d.pk for d in desks}), None
        )
        try:
            use = services.use_record(
                card_id=card.pk,
                desk_id=desk_id,
                service_id=service.pk,
                actor=request.user,
                point_id=form.cleaned_data["point"].pk if form.cleaned_data["point"] else None,
                minutes=form.cleaned_data["minutes"],
                note=form.cleaned_data["note"],
            )
        except Refused as error:
            if error.field in ("minutes", "point"):
                form.add_error(error.field, error.message)
            else:
                refusal = error.message
        else:
            messages.success(
                request,
                _("Recorded: %(service)s for card %(number)s.") % {"service": use.service.name, "number": card.number},
            )
            return redirect("benefits:desk_card")
    return render(
        request,
        "benefits/desk_card.html",
        {
            "card": card,
            "card_problem": card_problem,
            "checks": checks,
            "form": form,
            "refusal": refusal,
            "usable": usable,
        },
    )


@login_required
@require_POST
def desk_card_clear(request: HttpRequest) -> HttpResponse:
    """Done with this holder: the desk's page is ready for the next card."""
    _desks(request)
    request.session.pop(DESK_CARD, None)
    return redirect("benefits:desk")


@login_required
@require_GET
def desk_records(request: HttpRequest) -> HttpResponse:
    """The uses recorded by the user's desks, newest first."""
    _desks(request)
    uses = selectors.uses_visible_to(request.user).order_by("-used_on", "-id")[:200]
    bookings = selectors.bookings_visible_to(request.user).order_by("-starts_at", "-id")[:200]
    return render(request, "benefits/desk_records.html", {"uses": uses, "bookings": bookings})


def _desk_booking(request: HttpRequest, pk: int) -> Booking:
    _desks(request)
    booking = selectors.bookings_visible_to(request.user).prefetch_related("events__actor").filter(pk=pk).first()
    if booking is None:
        raise Http404
    return booking


def _change_form(booking: Booking, data=None) -> BookingChangeForm:
    initial = {name: getattr(booking, name) for name in BookingChangeForm.base_fields}
    initial["starts_at"] = timezone.localtime(booking.starts_at)
    form = BookingChangeForm(data, initial=initial)
    if booking.service.number != services.AIRPORT:
        for name in list(form.fields):
            if name not in ("starts_at", "note"):
                del form.fields[name]
    return form


@login_required
@require_http_methods(["GET", "POST"])
def desk_booking(request: HttpRequest, pk: int) -> HttpResponse:
    """One booking at the desk: confirm it, change it (what changed is recorded) or cancel it."""
    booking = _desk_booking(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    change_form = _change_form(booking, request.POST if action == "change" else None)
    cancel_form = CancelForm(request.POST if action == "cancel" else None)
    refusal = None
    try:
        if action == "confirm":
            services.booking_confirm(booking_id=booking.pk, actor=request.user)
            messages.success(request, _("Booking confirmed; the holder is told."))
            return redirect("benefits:desk_booking", pk=booking.pk)
        if action == "cancel" and cancel_form.is_valid():
            services.booking_cancel(
                booking_id=booking.pk, actor=request.user, reason=cancel_form.cleaned_data["reason"]
            )
            messages.success(request, _("Booking cancelled; the use is given back and the holder is told."))
            return redirect("benefits:desk_booking", pk=booking.pk)
        if action == "change" and change_form.is_valid():
            changes = {
                name: value
                for name, value in change_form.cleaned_data.items()
                if value not in (None, "") or name == "note"
            }
            services.booking_change(booking_id=booking.pk, actor=request.user, changes=changes)
            messages.success(request, _("Booking changed; the holder is told."))
            return redirect("benefits:desk_booking", pk=booking.pk)
    except Refused as error:
        if action == "change" and error.field in change_form.fields:
            change_form.add_error(error.field, error.message)
        else:
            refusal = error.message
    return render(
        request,
        "benefits/desk_booking.html",
        {"booking": booking, "change_form": change_form, "cancel_form": cancel_form, "refusal": refusal},
    )


# The district ---------------------------------------------------------------------------------------------------


def _statistics_year(request: HttpRequest) -> int:
    if not request.user.role_codes & {role.value for role in selectors.STATISTICS_ROLES}:
        raise Http404
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    return year if 2021 <= year <= today.year + 1 else today.year


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """Uses per service and month, as bars and a table, for the HR bureau and the talent office."""
    year = _statistics_year(request)
    return render(request, "benefits/statistics.html", statistics_table(year=year))


@login_required
@require_GET
def statistics_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The same counts as CSV (UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese)."""
    year = _statistics_year(request)
    table = statistics_table(year=year)
    header = [_("Service"), *[month.strftime("%Y-%m") for month in table["months"]], _("Total")]
    rows = ([f"{row['service'].number}. {row['service'].name}", *row["counts"], row["total"]] for row in table["rows"])
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="service-uses-{year}.csv"'
    return response
