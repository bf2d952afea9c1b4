"""Employer rosters (免申即享), their evaluated rows, the invitations sent from them with the consents given, and the
industry departments' lists that the eligibility profile reads instead of the applicant's word."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AppendOnlyModel, Department, Employer
from applications.identity import mask_identity_number
from applications.models import Application


class RosterStatus(models.TextChoices):
    PROCESSING = "processing", _("Being read")
    DRAFT = "draft", _("Draft: awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
    DISCARDED = "discarded", _("Discarded")


class Roster(models.Model):
    """One uploaded roster of an employer's staff. Nothing of it counts (no invitation, no funnel) until confirmed."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="rosters", verbose_name=_("employer"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    # A private file like the application materials; deleted after ROSTER_RETENTION_DAYS (file_deleted_at).
    file = models.FileField(_("file"), max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=150)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    file_deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RosterStatus.choices, default=RosterStatus.PROCESSING)
    # Why the whole file was refused (not the template, too many rows, merged cells): in both languages.
    refusal = models.TextField(_("why the file was refused"), blank=True)
    on_date = models.DateField(_("evaluated on"))
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    rows_qualifying = models.PositiveIntegerField(_("qualifying rows"), default=0)
    rows_with_errors = models.PositiveIntegerField(_("rows with errors"), default=0)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["employer", "status"], name="roster_employer_idx")]

    def __str__(self) -> str:
        return f"{self.employer} {self.uploaded_at:%Y-%m-%d}"


class RosterRow(models.Model):
    """One staff member as the employer stated them, with the engine's answer on the roster's date."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("row"))
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    document_number = models.CharField(_("resident ID number"), max_length=32, blank=True, db_index=True)
    mobile = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    job_title = models.CharField(_("position"), max_length=100, blank=True)
    # The eligibility profile the row states (spec "Input profile"), the department lists applied.
    profile = models.JSONField(default=dict)
    # Profile fields whose cell was empty: 不确定, what is missing to decide.
    unknown = models.JSONField(default=list)
    # [{"column": heading, "zh": ..., "en": ...}]: a row with errors is never evaluated nor invited.
    errors = models.JSONField(default=list)
    eligible = models.BooleanField(default=False)
    tier = models.CharField(max_length=10, blank=True)
    criteria = models.JSONField(default=list)
    blockers = models.JSONField(default=list)
    # Criteria of a higher tier an empty cell could still satisfy: [{"code", "tier", "needs": [field paths]}].
    undecided = models.JSONField(default=list)
    # The department lists that confirmed a fact of the profile: [{"list": id, "kind", "year", "department"}].
    list_confirmations = models.JSONField(default=list)
    # The person is on a confirmed roster of another employer, or applied with another: flagged, never invited.
    other_employer = models.BooleanField(default=False)

    class Meta:
        ordering = ["roster", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "row_number"], name="roster_row_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.roster_id}:{self.row_number}"

    @property
    def masked_document_number(self) -> str:
        return mask_identity_number(self.document_number) if self.document_number else ""

    @property
    def qualifies(self) -> bool:
        return self.eligible and not self.errors and not self.other_employer


class InvitationStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    OPENED = "opened", _("Opened")
    CONSENTED = "consented", _("Consent given")
    APPLIED = "applied", _("Application started")
    DECLINED = "declined", _("Declined")


class Invitation(models.Model):
    """An invitation to apply, sent to one qualifying row: a one-time link whose token is kept only as a hash."""

    row = models.OneToOneField(RosterRow, on_delete=models.PROTECT, related_name="invitation")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="invitations")
    # The person, kept apart from the roster so that the year without re-sending outlives the roster's deletion.
    document_number = models.CharField(max_length=32, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.SENT)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("link valid until"))
    sms_sent_to = models.CharField(max_length=20, blank=True)
    emailed_to = models.EmailField(blank=True)
    email_error = models.CharField(max_length=100, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="roster_invitations"
    )
    opened_at = models.DateTimeField(_("link used"), null=True, blank=True)
    # What the person corrected of the employer's statement: the profile and the person's fields as they stand.
    corrected = models.JSONField(default=dict, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="roster_invitation"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.employer} {self.sent_at:%Y-%m-%d}"


class Consent(AppendOnlyModel):
    """PIPL 第十四条、第十七条: the person's consent to the use of what the employer stated — the purpose, the data and
    who sees it, as they were shown — recorded once and never changed."""

    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="consents")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField(_("purpose"))
    data = models.TextField(_("the personal data"))
    recipients = models.TextField(_("who sees it"))
    given_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_at", "id"]

    def __str__(self) -> str:
        return f"{self.invitation_id} {self.given_at:%Y-%m-%d %H:%M}"


class ListKind(models.TextChoices):
    # 第三条（二）G12: 纳入行业主管部门名单的重点“四上”企业.
    KEY_ENTERPRISES = "key_enterprises", _("Key enterprises above designated size on the department's list (G12)")
    # 申领指南 五（一）6: 区投资促进局推荐的新引进企业, assessed as a whole (综合认定).
    INVESTMENT_RECOMMENDED = (
        "investment_recommended",
        _("New enterprises recommended by the District Investment Promotion Bureau"),
    )


class DepartmentList(models.Model):
    """A list a department keeps for one year; a later upload of the same kind and year replaces the earlier one."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="enterprise_lists", verbose_name=_("industry department")
    )
    kind = models.CharField(_("list"), max_length=30, choices=ListKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    original_name = models.CharField(_("file name"), max_length=150)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("department list")
        verbose_name_plural = _("department lists")
        ordering = ["-year", "kind", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "year"],
                condition=models.Q(is_current=True),
                name="department_list_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.get_kind_display()} {self.year}"


class DepartmentListEntry(models.Model):
    """One enterprise on a list, by its 统一社会信用代码."""

    department_list = models.ForeignKey(DepartmentList, on_delete=models.CASCADE, related_name="entries")
    uscc = models.CharField(max_length=18)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["department_list", "uscc"], name="list_entry_unique_uscc")]
        indexes = [models.Index(fields=["uscc"], name="list_entry_uscc_idx")]

    def __str__(self) -> str:
        return self.uscc
