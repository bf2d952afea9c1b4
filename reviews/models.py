"""Reviewers' settings and artefacts: the 办结时限 of each stage and the exports of a queue."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.writes import WriteSignallingQuerySet
from applications.workflow import WAITING_STATES, State


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")


class StageDeadline(models.Model):
    """办结时限 of one stage: the district's own service commitment (the policy sets none), after which an
    application waiting in the stage is shown as overdue.
    """

    state = models.CharField(
        _("stage"), max_length=20, unique=True, choices=[(state.value, state.label) for state in WAITING_STATES]
    )
    days = models.PositiveSmallIntegerField(_("time limit"))
    unit = models.CharField(
        _("counted in"), max_length=15, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS
    )

    objects = WriteSignallingQuerySet.as_manager()

    class Meta:
        verbose_name = _("service commitment of a stage (the district's own, not set by the policy)")
        verbose_name_plural = _("service commitments of the stages (the district's own, not set by the policy)")
        ordering = ["state"]

    def __str__(self) -> str:
        return f"{State(self.state).label}: {self.days} {self.get_unit_display()}"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (.xlsx)"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("being prepared")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class QueueExport(models.Model):
    """One export of a filtered queue: small ones stream at once, large ones are written by a task for download."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    role = models.CharField(_("role"), max_length=30)
    format = models.CharField(_("format"), max_length=5, choices=ExportFormat.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    # While a task writes it: how many rows it will have and how many are written (shown on the exports page).
    rows_total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("queue export")
        verbose_name_plural = _("queue exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="queue_export_user_idx")]

    def __str__(self) -> str:
        return f"{self.role} {self.format} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent_done(self) -> int:
        """How far the task has come, 0–100 (0 until it has counted the rows)."""
        if not self.rows_total:
            return 0
        return min(100, 100 * self.rows_done // self.rows_total)

    @property
    def download_name(self) -> str:
        return f"applications-{self.created_at:%Y%m%d-%H%M%S}.{self.format}"


class DigestSend(models.Model):
    """One reviewer's daily digest of one queue: what it said and where it went (every send is recorded)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    role = models.CharField(_("role"), max_length=30)
    day = models.DateField(_("day"))
    waiting = models.PositiveIntegerField(_("waiting"))
    overdue = models.PositiveIntegerField(_("overdue"))
    emailed_to = models.EmailField(_("e-mailed to"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        ordering = ["-day", "recipient_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "role", "day"], name="digest_once_a_day_per_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.role} {self.day}"
