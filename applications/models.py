"""Applications for the card: the form's data, its uploaded materials, its submitted versions and its history."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import AppendOnlyModel, Department, Employer
from accounts.roles import Role
from accounts.writes import WriteSignallingQuerySet
from applications.identity import DocumentType, mask_identity_number
from applications.workflow import OPEN_STATES, TRANSITIONS, State, transition_permission


class Tier(models.TextChoices):
    """第二条: 钻石卡、金卡和银卡, highest first."""

    DIAMOND = "diamond", _("Diamond card")
    GOLD = "gold", _("Gold card")
    SILVER = "silver", _("Silver card")


class ScanOf(models.TextChoices):
    """申领指南 六（一）: a scan of the original, or of a copy marked 与原件相符 and sealed by the employer."""

    ORIGINAL = "original", _("a colour scan of the original")
    CERTIFIED_COPY = "certified_copy", _("a scan of a copy marked “与原件相符” and stamped with the employer's seal")


class Kind(models.TextChoices):
    NEW = "new", _("New application")
    UPGRADE = "upgrade", _("Upgrade to a higher tier")  # 第八条
    RENEWAL = "renewal", _("Renewal after the management period")  # 第六条: 优先重新申报


def fsm_transition(name: str):
    """The django-fsm decorators of one workflow transition, from the table in applications/workflow.py."""
    specs = [spec for spec in TRANSITIONS if spec.name == name]

    def decorate(method):
        for spec in specs:
            method = transition(
                field="state",
                source=[source.value for source in spec.sources],
                target=spec.fsm_target,
                permission=transition_permission(spec),
                custom={"spec": spec},
            )(method)
        return method

    return decorate


class Application(ConcurrentTransitionMixin, models.Model):
    """One application for a card, from draft to issue. Its state changes only through a workflow transition."""

    # Set right after the row exists, from its id: BY + year + six digits.
    number = models.CharField(  # noqa: DJ001 - NULL until numbered, as "" could not be unique
        _("application number"), max_length=20, unique=True, null=True, editable=False
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    kind = models.CharField(_("kind of application"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    state = FSMField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, protected=True)

    # Identity (申领指南 五（一）2).
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    document_type = models.CharField(
        _("identity document"), max_length=20, choices=DocumentType.choices, default=DocumentType.RESIDENT_ID
    )
    document_number = models.CharField(_("document number"), max_length=32, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=60, blank=True)

    # Contact.
    mobile = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("correspondence address"), max_length=200, blank=True)

    # Employer (第三条) and the department that does the 初审 (第五条（二）).
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("employer"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("industry department"),
    )
    job_title = models.CharField(_("position"), max_length=100, blank=True)
    is_legal_representative = models.BooleanField(_("legal representative of the employer"), default=False)
    contract_valid_until = models.DateField(_("employment contract valid until"), null=True, blank=True)
    insurance_months = models.PositiveSmallIntegerField(
        _("consecutive months of social insurance or income tax records"), null=True, blank=True
    )
    unit_tax_years = models.PositiveSmallIntegerField(_("years of the employer's tax proof"), null=True, blank=True)
    # 申领指南 五（一）6: a new investment enterprise may be assessed as a whole (综合认定) on the District Investment
    # Promotion Bureau's recommendation, instead of two years of tax proof.
    investment_promotion_recommended = models.BooleanField(
        _("new investment enterprise recommended by the District Investment Promotion Bureau (综合认定)"), default=False
    )

    # What is asked for: the eligibility profile, the tier requested and the criteria claimed.
    profile = models.JSONField(_("eligibility profile"), default=dict, blank=True)
    requested_tier = models.CharField(_("tier requested"), max_length=10, choices=Tier.choices, blank=True)
    case_by_case = models.BooleanField(_("case-by-case application (一事一议)"), default=False)
    claimed_criteria = models.JSONField(_("criteria claimed"), default=list, blank=True)
    evaluation = models.JSONField(_("eligibility evaluation at submission"), default=dict, blank=True)
    declared_at = models.DateTimeField(_("declaration of truth accepted"), null=True, blank=True)

    # Decisions.
    determined_tier = models.CharField(_("determined tier"), max_length=10, choices=Tier.choices, blank=True)

    revision = models.PositiveIntegerField(_("submissions"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    passed_initial_at = models.DateTimeField(_("passed initial review"), null=True, blank=True)
    stage_entered_at = models.DateTimeField(_("in the current stage since"), default=timezone.now)
    # 第六条: 优先重新申报 — renewals come first in every queue. Computed by the database from `kind`, so no save(),
    # update() or bulk_create() can leave it out of step, and the queue indexes can order by it.
    queue_priority = models.GeneratedField(
        expression=models.Case(
            models.When(kind=Kind.RENEWAL, then=models.Value(0)),
            default=models.Value(1),
            output_field=models.SmallIntegerField(),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
        verbose_name=_("queue priority"),
    )

    # Bulk writes are announced (accounts.writes): the reviewers' caches follow every write of an application.
    objects = WriteSignallingQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(state__in=[state.value for state in OPEN_STATES]),
                name="applications_one_open_application_per_applicant",
            ),
        ]
        indexes = [
            # Queues: waiting applications by state, renewals first, oldest first; department queues add the department.
            # Each matches a queue's filter and its default order, so a page is an ordered index scan of 26 rows.
            models.Index(fields=["state", "queue_priority", "stage_entered_at", "id"], name="app_queue_idx"),
            models.Index(
                fields=["department", "state", "queue_priority", "stage_entered_at", "id"],
                name="app_department_queue_idx",
            ),
            # The HR bureau's queue spans two states: one ordered scan over both, the tier checked on the way.
            models.Index(
                fields=["queue_priority", "stage_entered_at", "id"],
                include=["state", "determined_tier", "passed_initial_at"],
                condition=models.Q(state__in=["initial_passed", "second_passed"]),
                name="app_hr_queue_idx",
            ),
            # The talent office's queue spans four states.
            models.Index(
                fields=["queue_priority", "stage_entered_at", "id"],
                include=["state", "determined_tier"],
                condition=models.Q(state__in=["second_passed", "leading_group", "approved", "produced"]),
                name="app_office_queue_idx",
            ),
            models.Index(fields=["employer", "state"], name="app_employer_idx"),
            models.Index(fields=["state", "requested_tier"], name="app_state_tier_idx"),
            models.Index(fields=["full_name"], name="app_full_name_idx"),
            models.Index(fields=["submitted_at"], name="app_submitted_idx"),
        ]

    def __str__(self) -> str:
        return self.number or ""

    @property
    def masked_document_number(self) -> str:
        return mask_identity_number(self.document_number) if self.document_number else ""

    # The transitions of ../shared/spec/workflow.md; applications/services.py is the only caller.
    @fsm_transition("submit")
    def submit(self) -> None:
        self.revision += 1

    @fsm_transition("return_for_supplement")
    def return_for_supplement(self) -> None:
        pass

    @fsm_transition("resubmit")
    def resubmit(self) -> None:
        self.revision += 1

    @fsm_transition("pass_initial")
    def pass_initial(self) -> None:
        pass

    @fsm_transition("pass_second")
    def pass_second(self, *, determined_tier: str = "") -> None:
        self.determined_tier = determined_tier

    @fsm_transition("approve")
    def approve(self) -> None:
        pass

    @fsm_transition("forward_case_by_case")
    def forward_case_by_case(self) -> None:
        pass

    @fsm_transition("record_group_decision")
    def record_group_decision(self, *, approved: bool, determined_tier: str = "") -> str:
        if approved:
            self.determined_tier = determined_tier
            return State.APPROVED
        return State.REJECTED

    @fsm_transition("reject")
    def reject(self) -> None:
        pass

    @fsm_transition("produce_card")
    def produce_card(self) -> None:
        pass

    @fsm_transition("issue_card")
    def issue_card(self) -> None:
        pass

    @fsm_transition("withdraw")
    def withdraw(self) -> None:
        pass


class Material(models.Model):
    """One uploaded file for one item of the materials checklist. The record is never deleted; its stored file is
    kept while it is current or part of a submitted version, and deleted otherwise (content_deleted_at)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="materials")
    item = models.CharField(_("material"), max_length=64)
    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=150)
    kind = models.CharField(_("file type"), max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    # 申领指南 六（一）; empty for files uploaded before the question was asked, and for the photo.
    scan_of = models.CharField(_("the file is"), max_length=20, choices=ScanOf.choices, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    revision = models.PositiveIntegerField(_("uploaded for submission"))
    is_current = models.BooleanField(_("current version"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    # Set when the stored file was deleted: removed before any submission held it, or left in a withdrawn draft.
    content_deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["item", "-uploaded_at"]
        indexes = [models.Index(fields=["application", "is_current", "item"], name="material_current_idx")]

    def __str__(self) -> str:
        return f"{self.item}: {self.original_name}"


class Submission(models.Model):
    """What the applicant submitted each time: the form's fields and the current materials, for comparison."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="submissions")
    revision = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField()
    materials = models.ManyToManyField(Material, related_name="submissions")

    class Meta:
        ordering = ["revision"]
        constraints = [
            models.UniqueConstraint(fields=["application", "revision"], name="submission_unique_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} #{self.revision}"


class HistoryEntry(AppendOnlyModel):
    """One fired transition: who, in which role and department, when, from, to, and what they wrote. Append-only."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="history")
    transition = models.CharField(_("action"), max_length=40)
    source_state = models.CharField(_("from"), max_length=20, choices=State.choices)
    target_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    actor_role = models.CharField(_("role"), max_length=30)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    opinion = models.TextField(_("opinion"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    supplement_items = models.JSONField(_("materials to supplement"), default=list, blank=True)
    determined_tier = models.CharField(_("determined tier"), max_length=10, choices=Tier.choices, blank=True)
    meeting_reference = models.CharField(_("meeting reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["application", "created_at"], name="history_application_idx")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.transition} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def actor_role_label(self) -> str:
        """The role in the reader's language; "system" for steps the portal took itself."""
        return Role(self.actor_role).label if self.actor_role in Role.values else _("system")


class StageTime(AppendOnlyModel):
    """How long an application waited in one stage, written with the history entry that ended the stage.

    The statistics read medians from these rows (an index on state and duration) instead of replaying the history.
    """

    entry = models.OneToOneField(HistoryEntry, on_delete=models.PROTECT, related_name="stage_time")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("stage"), max_length=20, choices=State.choices)
    duration = models.DurationField(_("time in the stage"))

    class Meta:
        verbose_name = _("time in a stage")
        verbose_name_plural = _("times in stages")
        indexes = [models.Index(fields=["state", "duration"], name="stagetime_state_duration_idx")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.state} {self.duration}"


class Notice(models.Model):
    """An in-app notice to the applicant about their application; its e-mail copy is recorded when sent."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="notices")
    history_entry = models.OneToOneField(HistoryEntry, on_delete=models.PROTECT, null=True, related_name="notice")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_to = models.EmailField(_("e-mailed to"), blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # A failed e-mail is recorded here and sent again by the scheduled retry (applications.notices).
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_failed_at = models.DateTimeField(_("e-mail last failed"), null=True, blank=True)
    email_error = models.CharField(_("e-mail error"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_recipient_idx")]

    def __str__(self) -> str:
        return self.subject
