"""Forms of the desk (check a card, record a use, change a booking) and of the holder (book a service)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benefits.models import Booking, Service, ServicePoint
from cards.tokens import MAX_QR_TEXT_CHARS

YES_NO = [(True, _("Yes")), (False, _("No"))]


def _yes_no(value):
    return {"True": True, "False": False, True: True, False: False}.get(value)


class CardCheckForm(forms.Form):
    card = forms.CharField(
        label=_("Card QR code or card number"),
        max_length=MAX_QR_TEXT_CHARS,
        help_text=_("Scan the QR code on the holder's card or wallet, or type the number, e.g. BY-G-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class UseForm(forms.Form):
    """One use of a service of the desk, for the card being checked."""

    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), empty_label=None)
    point = forms.ModelChoiceField(
        label=_("Where"), queryset=ServicePoint.objects.none(), required=False, empty_label=_("At this desk")
    )
    minutes = forms.IntegerField(
        label=_("Length in minutes"),
        min_value=1,
        max_value=1440,
        required=False,
        help_text=_("For a fitness session: at most 120 minutes (Art. 4(4))."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, services, desks, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(pk__in=[service.pk for service in services])
        self.fields["service"].label_from_instance = str
        self.fields["point"].queryset = ServicePoint.objects.filter(
            service__in=[service.pk for service in services], desk__in=desks
        ).exclude(booked=True)
        self.fields["point"].label_from_instance = lambda point: point.name


class VisitBookingForm(forms.Form):
    """A visit booked ahead (第四条（四）: 优先为持卡人预约区属博物馆并提供专人讲解服务)."""

    point = forms.ModelChoiceField(label=_("Where"), queryset=ServicePoint.objects.none(), empty_label=None)
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    note = forms.CharField(label=_("Note (e.g. number of visitors)"), max_length=300, required=False)

    def __init__(self, *args, service: Service, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = service.points.filter(booked=True)
        self.fields["point"].label_from_instance = lambda point: point.name


class AirportBookingForm(forms.Form):
    """The ten items of 服务指南 十三（三）2, and the flight's date and time."""

    holder_name = forms.CharField(label=_("Holder's name"), max_length=100)
    direction = forms.ChoiceField(
        label=_("Pick-up or drop-off"), choices=Booking.Direction.choices, widget=forms.RadioSelect
    )
    international = forms.TypedChoiceField(
        label=_("Flight"),
        choices=[
            (False, _("Domestic (service at the domestic business VIP lounge)")),
            (True, _("International (service at the international reception station)")),
        ],
        coerce=_yes_no,
        widget=forms.RadioSelect,
    )
    flight_number = forms.RegexField(
        label=_("Flight number"),
        regex=r"^[A-Za-z0-9]{2}\d{1,4}[A-Za-z]?$",
        max_length=10,
        error_messages={"invalid": _("Give a flight number such as CZ3101.")},
    )
    starts_at = forms.DateTimeField(
        label=_("Departure or arrival date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Local time. Book at least 2 hours ahead for a domestic flight, 3 hours for an international one."),
    )
    passengers = forms.IntegerField(label=_("Number of passengers"), min_value=1, max_value=20)
    passenger_names = forms.CharField(label=_("Passengers' names"), max_length=300)
    phone = forms.RegexField(
        label=_("Contact phone"),
        regex=r"^[0-9()+\- ]{7,20}$",
        max_length=30,
        error_messages={"invalid": _("Give a phone number of digits, e.g. 13800138000.")},
    )
    escorts = forms.IntegerField(label=_("Number of people seeing off or meeting"), min_value=0, max_value=20)
    escort_names = forms.CharField(label=_("Their names"), max_length=300, required=False)
    vehicles = forms.IntegerField(label=_("Number of vehicles"), min_value=0, max_value=10)
    plates = forms.CharField(label=_("Number plates"), max_length=200, required=False)
    checked_baggage = forms.TypedChoiceField(
        label=_("Checked baggage"), choices=YES_NO, coerce=_yes_no, widget=forms.RadioSelect
    )
    name_sign = forms.TypedChoiceField(
        label=_("Hold up a name sign at the aircraft door (pick-ups)"),
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    return_of = forms.ModelChoiceField(
        label=_("Return of an earlier drop-off"),
        queryset=Booking.objects.none(),
        required=False,
        help_text=_("Only where the district counts a drop-off and its return pick-up as one use."),
    )

    def __init__(self, *args, holder=None, round_trip: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if round_trip and holder is not None:
            self.fields["return_of"].queryset = Booking.objects.filter(
                holder=holder, direction=Booking.Direction.DROP_OFF, service__number=13
            ).exclude(state=Booking.State.CANCELLED)
            self.fields["return_of"].label_from_instance = lambda booking: f"{booking.number} {booking.flight_number}"
        else:
            del self.fields["return_of"]


class BookingChangeForm(forms.Form):
    """What the desk may change on a booking (服务指南 十三（三）3: 航班/接送人员/车辆)."""

    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    flight_number = forms.CharField(label=_("Flight number"), max_length=10, required=False)
    passengers = forms.IntegerField(label=_("Number of passengers"), min_value=1, max_value=20, required=False)
    passenger_names = forms.CharField(label=_("Passengers' names"), max_length=300, required=False)
    escorts = forms.IntegerField(
        label=_("Number of people seeing off or meeting"), min_value=0, max_value=20, required=False
    )
    escort_names = forms.CharField(label=_("Their names"), max_length=300, required=False)
    vehicles = forms.IntegerField(label=_("Number of vehicles"), min_value=0, max_value=10, required=False)
    plates = forms.CharField(label=_("Number plates"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
