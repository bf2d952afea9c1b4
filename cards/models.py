"""The card (实施细则 第二条): its number, holder, tier, 5-year period and state, with the history of each change."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import AppendOnlyModel, Department, Employer, ServiceDesk
from applications.models import Application, Material, Tier


def name_mask(name: str) -> str:
    """Spec "The credential": a short holder name form — 张*明, 李*, J*** S**** — never the whole name."""
    name = name.strip()
    if not name:
        return ""
    if " " in name:
        return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# Spec "The card": BY-D-2026-000123 — tier letter, year of issue, sequence.
TIER_LETTER = {Tier.DIAMOND: "D", Tier.GOLD: "G", Tier.SILVER: "S"}


class CardState(models.TextChoices):
    PRODUCED = "produced", _("Produced, awaiting issue")
    ACTIVE = "active", _("Valid")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")
    SUPERSEDED = "superseded", _("Replaced by a higher card")


class TerminationReason(models.TextChoices):
    """第六条（一）–（四）, and 申领指南 九（一） for false materials found after issue."""

    NO_LONGER_QUALIFIES = "no_longer_qualifies", _("No longer meets the criteria (Art. 6(1))")
    FRAUD = "fraud", _("Qualification obtained by false materials (Art. 6(2); Application Guide 9(1))")
    EXPELLED_OR_LAW_VIOLATION = "expelled_or_law_violation", _("Expelled from the Party or broke the law (Art. 6(2))")
    ETHICS_VIOLATION = "ethics_violation", _("Breach of professional ethics with serious consequences (Art. 6(2))")
    RETIRED = "retired", _("Retired (Art. 6(3))")
    OTHER = "other", _("Other grounds for cancellation (Art. 6(4))")


class CardNumberCounter(models.Model):
    """The last sequence number given for one tier and year; its row is locked while a number is taken."""

    prefix = models.CharField(max_length=10, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


class Card(ConcurrentTransitionMixin, models.Model):
    """One electronic card (电子证照, 第五条（五）). Its state changes only through cards.services."""

    number = models.CharField(_("card number"), max_length=20, unique=True)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="card", verbose_name=_("application")
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cards", verbose_name=_("holder")
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    state = FSMField(_("state"), max_length=20, choices=CardState.choices, default=CardState.PRODUCED, protected=True)
    # The card face, as the application gave it when the card was made.
    holder_name = models.CharField(_("holder's name"), max_length=100)
    photo = models.ForeignKey(
        Material, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("photo")
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, null=True, related_name="cards", verbose_name=_("employer")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, related_name="cards", verbose_name=_("industry department")
    )
    produced_at = models.DateTimeField(_("produced"), default=timezone.now)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    # 第六条: a management period of 5 years from the day of issue (spec: valid_until is the corresponding day).
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    termination_reason = models.CharField(
        _("reason for termination"), max_length=30, choices=TerminationReason.choices, blank=True
    )
    superseded_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("replaced by"),
    )
    credential = models.FileField(_("electronic credential (PDF)"), max_length=200, blank=True)
    credential_rendered_at = models.DateTimeField(_("credential rendered"), null=True, blank=True)

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        ordering = ["-produced_at", "-id"]
        constraints = [
            # Spec: one active card per person at a time.
            models.UniqueConstraint(
                fields=["holder"], condition=models.Q(state="active"), name="cards_one_active_card_per_holder"
            ),
            models.CheckConstraint(
                condition=models.Q(state="produced") | models.Q(valid_from__isnull=False, valid_until__isnull=False),
                name="cards_issued_card_has_a_period",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="terminated") | ~models.Q(termination_reason=""),
                name="cards_termination_has_a_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "valid_until"], name="card_state_until_idx"),
            models.Index(fields=["holder", "produced_at"], name="card_holder_idx"),
            models.Index(fields=["employer", "state"], name="card_employer_idx"),
            models.Index(fields=["department", "state"], name="card_department_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def masked_holder_name(self) -> str:
        """The short name form of the QR and the public verification page (张*明)."""
        return name_mask(self.holder_name)

    def valid_on(self, day) -> bool:
        """Spec: valid from the day of issue to valid_until inclusive, whatever the scheduled task has marked."""
        return (
            self.state == CardState.ACTIVE
            and self.valid_from is not None
            and self.valid_from <= day <= self.valid_until
        )

    @transition(field=state, source=CardState.PRODUCED, target=CardState.ACTIVE)
    def issue(self) -> None:
        pass

    @transition(field=state, source=CardState.ACTIVE, target=CardState.EXPIRED)
    def expire(self) -> None:
        pass

    @transition(field=state, source=CardState.ACTIVE, target=CardState.TERMINATED)
    def terminate(self) -> None:
        pass

    @transition(field=state, source=CardState.ACTIVE, target=CardState.SUPERSEDED)
    def supersede(self) -> None:
        pass


class CardEvent(AppendOnlyModel):
    """One change of a card: produced, issued, expired, terminated, superseded, or a step of its assessment."""

    class Action(models.TextChoices):
        PRODUCE = "produce", _("Card produced")
        ISSUE = "issue", _("Card issued")
        EXPIRE = "expire", _("Management period ended")
        TERMINATE = "terminate", _("Card terminated")
        SUPERSEDE = "supersede", _("Replaced by a higher card")
        CREDENTIAL = "credential", _("Electronic credential rendered")
        TERMINATION_PROPOSED = "termination_proposed", _("Termination proposed by the department")
        MIDTERM_REPORT = "midterm_report", _("Mid-term assessment filed by the employer")
        MIDTERM_OPINION = "midterm_opinion", _("Department's opinion on the mid-term assessment")
        MIDTERM_RECORDED = "midterm_recorded", _("Mid-term assessment recorded by the HR bureau")

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    source_state = models.CharField(_("from"), max_length=20, choices=CardState.choices, blank=True)
    target_state = models.CharField(_("to"), max_length=20, choices=CardState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    actor_role = models.CharField(_("role"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=30, choices=TerminationReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("card event")
        verbose_name_plural = _("card history")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["card", "created_at"], name="cardevent_card_idx")]

    def __str__(self) -> str:
        return f"{self.card_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"


class Recipient(models.TextChoices):
    """第五条（六）: the units told of a card's issue (the holder is told by the notice of the issue step)."""

    EMPLOYER = "employer", _("Employer")
    DEPARTMENT = "department", _("Industry department")
    HR_BUREAU = "hr_bureau", _("HR bureau")
    SERVICE_DESK = "service_desk", _("Service desk")


class CardNotice(models.Model):
    """One unit told of a card's issue (第五条（六）): who, what, and the people it was e-mailed to."""

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="notices")
    recipient = models.CharField(_("recipient"), max_length=20, choices=Recipient.choices)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    service_desk = models.ForeignKey(ServiceDesk, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The unit told, as "recipient:id", so that a retried issue tells each unit once.
    unit_key = models.CharField(max_length=40)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="card_notices", verbose_name=_("people"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("card notice")
        verbose_name_plural = _("card notices")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["card", "unit_key"], name="cardnotice_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.card_id} → {self.recipient}"

    @property
    def unit_name(self) -> str:
        unit = self.employer or self.department or self.service_desk
        return unit.display_name if unit else self.get_recipient_display()


class CardSettings(models.Model):
    """The district's own settings for cards, where the policy names no figure (one row, edited in the admin)."""

    # 第六条 asks for a mid-term assessment but names no month: the district sets it.
    midterm_month = models.PositiveSmallIntegerField(
        _("mid-term assessment due in month"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(59)],
        help_text=_("The month of the 5-year management period in which the mid-term assessment is due."),
    )

    class Meta:
        verbose_name = _("district card settings")
        verbose_name_plural = _("district card settings")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="cards_settings_single_row")]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "CardSettings":
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Satisfactory")
    FAIL = "fail", _("Unsatisfactory")


class MidtermAssessment(models.Model):
    """第六条: the employer's report on 工作业绩和业务能力, the department's opinion, the HR bureau's 备案."""

    class Stage(models.TextChoices):
        DUE = "due", _("Awaiting the employer's report")
        REPORTED = "reported", _("Awaiting the department's opinion")
        REVIEWED = "reviewed", _("Awaiting the HR bureau's record")
        RECORDED = "recorded", _("Recorded")

    card = models.OneToOneField(Card, on_delete=models.PROTECT, related_name="midterm")
    due_on = models.DateField(_("due"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.DUE)
    reminded_at = models.DateTimeField(_("employer reminded"), null=True, blank=True)
    performance = models.TextField(_("work performance"), blank=True)
    ability = models.TextField(_("professional ability"), blank=True)
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices, blank=True)
    report_file = models.FileField(_("assessment report"), max_length=200, blank=True)
    report_file_name = models.CharField(_("file name"), max_length=150, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    department_opinion = models.TextField(_("department's opinion"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("department's opinion given"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    record_note = models.TextField(_("HR bureau's note"), blank=True)

    class Meta:
        verbose_name = _("mid-term assessment")
        verbose_name_plural = _("mid-term assessments")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["stage", "due_on"], name="midterm_stage_due_idx")]

    def __str__(self) -> str:
        return f"{self.card_id} {self.due_on}"


class TerminationProposal(models.Model):
    """第六条（一）: the department proposes ending a card that no longer qualifies; the HR bureau records it."""

    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="termination_proposals")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    opinion = models.TextField(_("department's opinion"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("termination proposal")
        verbose_name_plural = _("termination proposals")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["card"], condition=models.Q(decided_at__isnull=True), name="cards_one_open_proposal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card_id} {self.proposed_at:%Y-%m-%d}"


class SigningKey(models.Model):
    """A key that signs the cards' QR tokens (Ed25519). Only the public half is stored; the private half lives in a
    file or an environment secret named by its key id (see cards.keys)."""

    class State(models.TextChoices):
        READY = "ready", _("Generated, not yet signing")
        ACTIVE = "active", _("Signing")
        RETIRED = "retired", _("Retired: verifies what it signed until those tokens expire")

    kid = models.CharField(_("key id"), max_length=32, unique=True)
    public_key = models.CharField(_("public key (base64url, raw Ed25519)"), max_length=64)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.READY)
    created_at = models.DateTimeField(_("generated"), default=timezone.now)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["state"], condition=models.Q(state="active"), name="cards_one_signing_key"),
        ]

    def __str__(self) -> str:
        return self.kid


class PublishedStatusList(models.Model):
    """The status list as published (cards.status_list): one row that every web process serves, replaced each time
    the list is signed again."""

    body = models.TextField(_("published document (JSON)"))
    etag = models.CharField(max_length=64)
    # The SHA-256 of the bitstring it signs: an unchanged list is not signed again.
    bits_digest = models.CharField(max_length=64)
    published_at = models.DateTimeField(_("published"))

    class Meta:
        verbose_name = _("published status list")
        verbose_name_plural = _("published status lists")

    def __str__(self) -> str:
        return f"{self.published_at:%Y-%m-%d %H:%M}"
