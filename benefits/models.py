"""The 13 services of 第四条 and the 服务指南 as data, the uses desks record against their quotas, and bookings."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceDesk
from baiyun_talent.i18n import chinese_active
from cards.models import Card


class BilingualText(models.Model):
    """Text kept in Chinese, the policy's own words, with an English rendering for the English interface."""

    zh = models.TextField(_("Chinese"))
    en = models.TextField(_("English"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.zh if chinese_active() or not self.en else self.en


class Service(models.Model):
    """One of the 13 services of 第四条, as one version of the policy describes it (服务指南 一 to 十三)."""

    policy = models.CharField(_("policy version"), max_length=40)
    number = models.PositiveSmallIntegerField(_("item of Art. 4"))
    zh = models.CharField(_("name (Chinese)"), max_length=50)
    en = models.CharField(_("name (English)"), max_length=100)
    content_zh = models.TextField(_("what the holder is granted (Chinese)"))
    content_en = models.TextField(_("what the holder is granted (English)"))
    details_zh = models.TextField(_("more from the guide (Chinese)"), blank=True)
    details_en = models.TextField(_("more from the guide (English)"), blank=True)
    departments = models.ManyToManyField(
        ServiceDesk,
        through="ServiceDepartment",
        related_name="services",
        verbose_name=_("responsible departments"),
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="benefits_one_service_per_item"),
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=13), name="benefits_item_1_to_13"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return self.zh if chinese_active() else self.en

    @property
    def content(self) -> str:
        return self.content_zh if chinese_active() else self.content_en

    @property
    def details(self) -> str:
        return self.details_zh if chinese_active() else self.details_en


class ServiceDepartment(models.Model):
    """A 承办部门 of a service: the desk that honours the card for it, in the guide's order."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="department_links")
    desk = models.ForeignKey(ServiceDesk, on_delete=models.PROTECT, related_name="service_links")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("responsible department")
        verbose_name_plural = _("responsible departments")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "desk"], name="benefits_desk_once_per_service")]

    def __str__(self) -> str:
        return f"{self.service_id} {self.desk}"


class ServiceItem(BilingualText):
    """One line of a service's guide: a material to bring, a step, what is offered, or a note."""

    class Kind(models.TextChoices):
        MATERIAL = "material", _("Materials to bring")
        STEP = "step", _("Steps")
        OFFER = "offer", _("What is offered")
        NOTE = "note", _("Notes")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("guide line")
        verbose_name_plural = _("guide lines")
        ordering = ["kind", "position", "id"]


class ServiceLine(models.Model):
    """A phone line of a service other than its departments' enquiry phones (the airport's booking line)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="lines")
    zh = models.CharField(_("label (Chinese)"), max_length=100)
    en = models.CharField(_("label (English)"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("phone line")
        verbose_name_plural = _("phone lines")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.label} {self.phone}"

    @property
    def label(self) -> str:
        return self.zh if chinese_active() else self.en


class ServicePoint(models.Model):
    """A place the guide names that is not a desk (全民健身活动中心, 博物馆, the hospitals, the airport's lounges),
    with the desk that records its uses."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="points")
    code = models.SlugField(_("code"), max_length=50)
    zh = models.CharField(_("name (Chinese)"), max_length=100)
    en = models.CharField(_("name (English)"), max_length=150)
    desk = models.ForeignKey(
        ServiceDesk,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_points",
        verbose_name=_("desk responsible"),
    )
    booked = models.BooleanField(_("booked ahead by the holder"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="benefits_point_code_per_service")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.zh if chinese_active() else self.en


class Period(models.TextChoices):
    """ "每月" and "每年" are calendar months and years in Asia/Shanghai (spec)."""

    MONTH = "month", _("calendar month")
    YEAR = "year", _("calendar year")


class Quota(models.Model):
    """A limit on a service's uses: so many per calendar month or year, at most so long each; quotas of one group
    are counted together (工会服务 and 定期体检: one of the two a year)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="quotas")
    point = models.ForeignKey(
        ServicePoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quotas",
        verbose_name=_("only at this point"),
    )
    period = models.CharField(_("per"), max_length=5, choices=Period.choices)
    uses = models.PositiveSmallIntegerField(_("uses per period"))
    minutes = models.PositiveSmallIntegerField(_("at most minutes per use"), null=True, blank=True)
    group = models.SlugField(_("counted with"), max_length=40)

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["service", "id"]

    def __str__(self) -> str:
        return f"{self.service_id} {self.group}: {self.uses}/{self.period}"


class BenefitSettings(models.Model):
    """The district's own settings for the services, where the policy leaves the decision to it (one row)."""

    class AirportCount(models.TextChoices):
        LEG = "leg", _("Each pick-up or drop-off is one use")
        ROUND_TRIP = "round_trip", _("A drop-off and the pick-up of the return flight booked with it are one use")

    # 第四条（九）: 在人才公寓建成并投入使用后 — the district says when.
    talent_apartments_in_use = models.BooleanField(
        _("the talent apartments are in use"),
        default=False,
        help_text=_("Until this is set, the housing service (Art. 4(9)) is refused with the reason."),
    )
    # 第四条（十三）: 每年2次 — the policy does not say what one time is.
    airport_count = models.CharField(
        _("what counts as one airport use"), max_length=12, choices=AirportCount.choices, default=AirportCount.LEG
    )

    class Meta:
        verbose_name = _("district service settings")
        verbose_name_plural = _("district service settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "BenefitSettings":
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class QuotaPeriod(models.Model):
    """The row a redemption locks for one holder, quota group and period, so that two desks at once cannot both
    take the last use."""

    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.SlugField(max_length=40)
    starts_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["holder", "group", "starts_on"], name="benefits_one_quota_period_row")
        ]

    def __str__(self) -> str:
        return f"{self.holder_id} {self.group} {self.starts_on}"


class Use(models.Model):
    """One use of a service by a card holder, recorded by a desk (or held by a booking); a cancelled use gives the
    quota back."""

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="benefit_uses", verbose_name=_("card"))
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="benefit_uses", verbose_name=_("holder")
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="uses", verbose_name=_("service"))
    point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, null=True, blank=True, related_name="uses", verbose_name=_("where")
    )
    desk = models.ForeignKey(ServiceDesk, on_delete=models.PROTECT, related_name="uses", verbose_name=_("desk"))
    used_on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    quota_group = models.SlugField(max_length=40, blank=True)
    period_starts_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("use of a service")
        verbose_name_plural = _("uses of services")
        ordering = ["-used_on", "-id"]
        indexes = [
            models.Index(
                fields=["holder", "quota_group", "period_starts_on"],
                condition=models.Q(cancelled_at__isnull=True),
                name="use_quota_idx",
            ),
            models.Index(fields=["desk", "-used_on"], name="use_desk_idx"),
            models.Index(fields=["service", "used_on"], name="use_service_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.card_id} {self.service_id} {self.used_on}"


class Booking(models.Model):
    """A service the holder books ahead (第四条（四）博物馆, （十三）便捷通关); the desk confirms, changes or
    cancels it. An airport booking holds the ten items of 服务指南 十三（三）2 and one use of the year's two."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the desk")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    class Direction(models.TextChoices):
        DROP_OFF = "drop_off", _("Drop-off (departing flight)")
        PICK_UP = "pick_up", _("Pick-up (arriving flight)")

    number = models.CharField(_("booking number"), max_length=20, unique=True)
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("card"))
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="benefit_bookings", verbose_name=_("holder")
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("service"))
    point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("service point")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.REQUESTED)
    use = models.OneToOneField(Use, on_delete=models.PROTECT, null=True, blank=True, related_name="booking")
    starts_at = models.DateTimeField(_("date and time"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("filed"), default=timezone.now)
    # The ten items of 服务指南 十三（三）2 (the holder's name, the flight's date and time are above or below).
    holder_name = models.CharField(_("holder's name"), max_length=100, blank=True)
    direction = models.CharField(_("pick-up or drop-off"), max_length=10, choices=Direction.choices, blank=True)
    international = models.BooleanField(_("international flight"), null=True, blank=True)
    flight_number = models.CharField(_("flight number"), max_length=10, blank=True)
    passengers = models.PositiveSmallIntegerField(_("number of passengers"), null=True, blank=True)
    passenger_names = models.CharField(_("passengers' names"), max_length=300, blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    escorts = models.PositiveSmallIntegerField(_("people seeing off or meeting"), null=True, blank=True)
    escort_names = models.CharField(_("their names"), max_length=300, blank=True)
    vehicles = models.PositiveSmallIntegerField(_("number of vehicles"), null=True, blank=True)
    plates = models.CharField(_("number plates"), max_length=200, blank=True)
    checked_baggage = models.BooleanField(_("checked baggage"), null=True, blank=True)
    name_sign = models.BooleanField(_("name sign at the aircraft door"), null=True, blank=True)
    return_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("return leg of"),
    )

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["holder", "-starts_at"], name="booking_holder_idx"),
            models.Index(fields=["service", "state", "starts_at"], name="booking_service_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class BookingEvent(models.Model):
    """A booking filed, changed, confirmed or cancelled: who, when, and what changed."""

    class Action(models.TextChoices):
        FILE = "file", _("Booked")
        CHANGE = "change", _("Changed")
        CONFIRM = "confirm", _("Confirmed")
        CANCEL = "cancel", _("Cancelled")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("what changed"), blank=True)
    emailed_at = models.DateTimeField(_("holder e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking history")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.action}"
