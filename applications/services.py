"""Writes on applications: create, edit a draft, upload materials, and fire workflow transitions."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Employer, User
from accounts.roles import Role
from applications.cards_port import latest_card_of
from applications.identity import DocumentType, identity_number_validate
from applications.lists_port import profile_with_lists
from applications.models import Application, HistoryEntry, Kind, Material, ScanOf, StageTime, Submission, Tier
from applications.rules import acting_role, department_ids
from applications.selectors import applications_visible_to
from applications.signals import transition_fired
from applications.stage_times import stage_time_of
from applications.uploads import inspect_upload, random_storage_name, safe_display_name, validate_id_photo
from applications.workflow import OPEN_STATES, Carry, State, TransitionSpec, spec_for
from baiyun_talent.i18n import chinese_active
from eligibility.catalogue import Policy
from eligibility.engine import criteria_of_tier
from eligibility.profile import ProfileError
from eligibility.selectors import (
    catalogue_published,
    evaluation_in_force,
    evaluation_under,
    policy_lapse,
    policy_latest,
    policy_named,
)

# 申领指南 五（一）4: the professional qualification is asked for only when the applicant holds one.
OPTIONAL_MATERIALS = frozenset({"professional_qualification"})
# 申领指南 五（一）6: the recommendation that a new investment enterprise be assessed as a whole (综合认定).
RECOMMENDATION = "investment_promotion_recommendation"
PHOTO = "photo"
EDITABLE_STATES = (State.DRAFT, State.RETURNED)
# 第二条: 钻石卡 above 金卡 above 银卡.
TIER_RANK = {Tier.DIAMOND: 0, Tier.GOLD: 1, Tier.SILVER: 2}

# The fields of the form that a submission records, so that reviewers see what changed between versions.
SNAPSHOT_FIELDS = (
    "full_name",
    "document_type",
    "document_number",
    "birth_date",
    "nationality",
    "mobile",
    "email",
    "address",
    "employer_id",
    "job_title",
    "is_legal_representative",
    "contract_valid_until",
    "insurance_months",
    "unit_tax_years",
    "investment_promotion_recommended",
    "profile",
    "requested_tier",
    "case_by_case",
    "claimed_criteria",
    "kind",
)


class WorkflowError(Exception):
    """A transition that cannot happen; `message` is for the user."""

    def __init__(self, message: str | Promise, *, errors: dict | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.errors = errors or {}


class AlreadyHandled(WorkflowError):
    """Someone else moved the application first."""


class NotAllowed(WorkflowError):
    """The actor may see the application but may not fire this transition."""


class MissingData(WorkflowError):
    """The transition lacks what it must carry; `errors` maps field names to messages."""


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    description: str
    required: bool
    special: bool
    files: tuple[Material, ...]

    @property
    def satisfied(self) -> bool:
        return bool(self.files) or not self.required


def today_local() -> date:
    return timezone.localdate()


def date_add_months(start: date, *, months: int) -> date:
    """The corresponding day `months` later, or the month's last day where it does not exist (民法典 第二百零三条)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def material_label(code: str) -> tuple[str, str]:
    """The label and description of a material code in the active language, from the policy catalogue."""
    for policy in reversed(catalogue_published().policies):
        for material in policy.basic_materials:
            if material.code == code:
                if chinese_active():
                    return material.zh, material.description_zh
                return material.en, material.description_en
        for evidence in policy.special_evidence:
            if evidence.code == code:
                return (evidence.zh, "") if chinese_active() else (evidence.en, "")
    return code, ""


def evaluation_policy(evaluation: dict) -> Policy | None:
    """The version an evaluation used; during a lapse (none used), the last one in force, whose materials apply."""
    return policy_named(evaluation.get("policy")) or policy_latest(on_date=today_local())


def application_evaluate(*, application: Application, today: date | None = None) -> dict:
    """The eligibility result of the application's profile on `today`, by the version in force.

    A returned application stays with the version of its evaluation at submission, lapsed or not: it continues
    through review under the rules it was submitted under (第九条).
    """
    today = today or today_local()
    profile = {key: value for key, value in application.profile.items() if key != "on_date"}
    profile["case_by_case"] = application.case_by_case
    # G12's 行业主管部门名单 is read from the departments' lists where one is kept for the year, not from the form.
    profile, facts = profile_with_lists(profile, employer_id=application.employer_id, on_date=today)
    stored = policy_named(application.evaluation.get("policy")) if application.state == State.RETURNED else None
    if stored is not None:
        evaluation = evaluation_under(profile, today=today, policy=stored)
    else:
        evaluation = evaluation_in_force(profile, today=today)
    if facts.confirmations:
        # The reviewer's file names the lists that decided a fact (kind, year, department).
        evaluation["lists"] = [dict(found) for found in facts.confirmations]
    return evaluation


class KindNotAllowed(WorkflowError):
    """The kind of application does not fit the person's card (第六条, 第八条)."""


def former_holder_priority(*, card) -> bool:
    """第六条: a former holder whose period ended, or whose card ended under （一）, is reviewed first."""
    if card is None:
        return False
    return card.state == "expired" or (card.state == "terminated" and card.termination_reason == "no_longer_qualifies")


def application_kind_check(*, applicant: User, kind: str, today: date) -> str:
    """The kind the application takes: a holder may only upgrade (第八条); a former holder's application is a
    renewal, reviewed first (第六条); anyone else applies for a new card."""
    card = latest_card_of(user=applicant, today=today)
    holding = card is not None and card.valid_on(today)
    if holding and kind != Kind.UPGRADE:
        raise KindNotAllowed(
            _("You hold a %(tier)s valid until %(date)s: you may only apply to upgrade to a higher tier (Art. 8).")
            % {"tier": Tier(card.tier).label, "date": card.valid_until.isoformat()}
        )
    if kind == Kind.UPGRADE and not holding:
        raise KindNotAllowed(_("An upgrade is for a current card holder; apply for a new card instead."))
    priority = not holding and former_holder_priority(card=card)
    if kind == Kind.RENEWAL and not priority:
        raise KindNotAllowed(
            _(
                "A renewal is for a former holder whose five-year management period has ended, or whose card ended "
                "because they no longer met the criteria (Art. 6); apply for a new card."
            )
        )
    return Kind.RENEWAL if priority else kind


def application_create(*, applicant: User, kind: str = Kind.NEW, profile: dict | None = None) -> Application:
    """Opens a draft; one application in progress per person, of a kind that fits their card (clear refusals)."""
    if not applicant.has_role(Role.APPLICANT):
        raise NotAllowed(_("Only applicants may apply for a card."))
    if Application.objects.filter(applicant=applicant, state__in=OPEN_STATES).exists():
        raise WorkflowError(
            _("You already have an application in progress. Continue it, or withdraw it before starting another.")
        )
    limit = settings.APPLICATIONS_PER_30_DAYS
    since = timezone.now() - timedelta(days=30)
    if Application.objects.filter(applicant=applicant, created_at__gte=since).count() >= limit:
        raise WorkflowError(
            _(
                "You have started %(count)d applications in the last 30 days, the most allowed; "
                "continue your latest one, or contact the district talent office."
            )
            % {"count": limit}
        )
    kind = application_kind_check(applicant=applicant, kind=kind, today=today_local())
    try:
        with transaction.atomic():
            application = Application.objects.create(
                applicant=applicant,
                kind=kind,
                full_name=applicant.full_name,
                mobile=applicant.mobile,
                email=applicant.email,
                profile=profile or {},
            )
            application.number = f"BY{application.created_at:%Y}{application.pk:06d}"
            application.save(update_fields=["number"])
    except IntegrityError:
        raise WorkflowError(
            _("You already have an application in progress. Continue it, or withdraw it before starting another.")
        ) from None
    return application


def application_for_edit(*, application_id: int, actor: User) -> Application:
    """The applicant's own application while it may be edited (draft, or returned for supplement)."""
    application = Application.objects.select_related("employer").get(pk=application_id, applicant=actor)
    if application.state not in EDITABLE_STATES:
        raise NotAllowed(_("This application has been submitted and cannot be changed until it is returned."))
    return application


def employer_register(*, employer: Employer) -> Employer:
    """The confirmed employer with this code, or this one saved unconfirmed, private to the application."""
    employer.full_clean(validate_unique=False, validate_constraints=False)
    confirmed = Employer.objects.filter(uscc=employer.uscc, confirmed=True).first()
    if confirmed is not None:
        return confirmed
    employer.confirmed = False
    employer.save()
    return employer


def application_update(*, application_id: int, actor: User, fields: dict) -> Application:
    """Saves draft fields as the applicant types them; nothing is checked for completeness until submission."""
    with transaction.atomic():
        application = application_for_edit(application_id=application_id, actor=actor)
        employer = fields.get("employer")
        if employer is not None and not employer.confirmed:
            # 第三条: an employer not yet known, entered by its 统一社会信用代码, is kept for this application until
            # its department confirms it (reviews.services.employer_confirm).
            if employer.pk is not None and application.employer_id != employer.pk:
                raise NotAllowed(_("This employer was entered for another application."))
            fields = {**fields, "employer": employer_register(employer=employer)}
        for name, value in fields.items():
            if name not in SNAPSHOT_FIELDS and name != "employer":
                raise ValueError(f"{name} is not a field of the application form")
            setattr(application, name, value)
        application.save()
    return application


def material_upload(
    *, application_id: int, actor: User, item: str, file, scan_of: str = "", replace: bool = False
) -> Material:
    """Checks a scan by its content, stores it under a random name in private storage, and records it.

    申领指南 六（一）: every scan but the photo says whether it is of the original or of a certified copy.
    Two limits keep the disk from filling: the current files of the application, and everything the person keeps
    stored across their applications. The person's row is locked so that parallel uploads count each other.
    """
    if item != PHOTO and scan_of not in ScanOf.values:
        raise ValidationError(
            _("Say whether the file is a scan of the original or of a certified copy."), code="scan_of_missing"
        )
    application = application_for_edit(application_id=application_id, actor=actor)
    inspected = inspect_upload(file, max_bytes=settings.MATERIAL_MAX_BYTES)
    if item == PHOTO:
        validate_id_photo(inspected)
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk"))
        used = application.materials.filter(is_current=True).aggregate(total=Sum("size"))["total"] or 0
        if used + inspected.size > settings.APPLICATION_MAX_BYTES:
            raise ValidationError(
                _("The materials of one application may not exceed %(limit)d MB in all; remove a file first."),
                code="application_too_large",
                params={"limit": settings.APPLICATION_MAX_BYTES // (1024 * 1024)},
            )
        stored = Material.objects.filter(application__applicant=actor, content_deleted_at__isnull=True)
        if (stored.aggregate(total=Sum("size"))["total"] or 0) + inspected.size > settings.APPLICANT_MAX_BYTES:
            raise ValidationError(
                _(
                    "The files you keep stored, across all your applications, may not exceed %(limit)d MB; "
                    "remove files you no longer need."
                ),
                code="applicant_too_large",
                params={"limit": settings.APPLICANT_MAX_BYTES // (1024 * 1024)},
            )
        name = default_storage.save(
            random_storage_name(kind=inspected.kind, prefix=str(application.pk)), inspected.as_file()
        )
        if replace or item == PHOTO:
            superseded = Material.objects.filter(
                pk__in=list(application.materials.filter(item=item, is_current=True).values_list("pk", flat=True))
            )
            superseded.update(is_current=False)
            materials_content_delete(materials=superseded)
        return Material.objects.create(
            application=application,
            item=item,
            file=name,
            original_name=inspected.display_name,
            kind=inspected.kind,
            content_type=inspected.content_type,
            size=inspected.size,
            sha256=inspected.sha256,
            width=inspected.width,
            height=inspected.height,
            scan_of="" if item == PHOTO else scan_of,
            revision=application.revision,
            uploaded_by=actor,
        )


def material_withdraw(*, material_id: int, actor: User) -> None:
    """Takes a file out of the current materials; its stored file is deleted unless a submitted version holds it."""
    material = Material.objects.select_related("application").get(pk=material_id, application__applicant=actor)
    application_for_edit(application_id=material.application_id, actor=actor)
    with transaction.atomic():
        removed = Material.objects.filter(pk=material.pk)
        removed.update(is_current=False)
        materials_content_delete(materials=removed)


def materials_content_delete(*, materials: QuerySet[Material]) -> int:
    """Deletes the stored files that no submitted version holds (once the transaction commits); records stay.

    Reviewers compare submitted versions, so what was submitted is kept; anything else is the applicant's draft
    work, and keeping it would let one person fill the disk (upload, remove, withdraw, start again).
    """
    doomed = list(
        materials.filter(submissions__isnull=True, content_deleted_at__isnull=True).values_list("pk", "file").distinct()
    )
    if not doomed:
        return 0
    Material.objects.filter(pk__in=[pk for pk, _name in doomed]).update(content_deleted_at=timezone.now())
    names = [name for _pk, name in doomed]

    def delete_files() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete_files)
    return len(doomed)


def materials_checklist(*, application: Application, evaluation: dict | None = None) -> list[ChecklistItem]:
    """申领指南 五: the basic materials plus the special evidence of the criteria claimed, each with its files."""
    evaluation = evaluation if evaluation is not None else application_evaluate(application=application)
    policy = evaluation_policy(evaluation)
    basic = [material.code for material in policy.basic_materials] if policy else []
    codes = list(dict.fromkeys([*basic, *evaluation.get("evidence", [])]))
    if comprehensive_assessment(application):
        codes.insert(
            codes.index("social_insurance_or_tax") + 1 if "social_insurance_or_tax" in codes else 0, RECOMMENDATION
        )
    files: dict[str, list[Material]] = {}
    for material in application.materials.filter(is_current=True).order_by("uploaded_at", "id"):
        files.setdefault(material.item, []).append(material)
    items = []
    for code in codes:
        label, description = material_label(code)
        items.append(
            ChecklistItem(
                code=code,
                label=label,
                description=description,
                required=code not in OPTIONAL_MATERIALS,
                special=code not in basic and code != RECOMMENDATION,
                files=tuple(files.get(code, ())),
            )
        )
    return items


def comprehensive_assessment(application: Application) -> bool:
    """申领指南 五（一）6: a legal representative whose unit has paid tax for under two years, recommended by the
    District Investment Promotion Bureau as a new investment enterprise, is assessed as a whole (综合认定).
    """
    return (
        application.is_legal_representative
        and application.investment_promotion_recommended
        and (application.unit_tax_years or 0) < 2
    )


def submission_problems(*, application: Application, today: date | None = None) -> dict[str, list[str]]:
    """Everything that stops a submission, by form field or material code, each with a clear message."""
    today = today or today_local()
    problems: dict[str, list] = {}

    def problem(field: str, message) -> None:
        problems.setdefault(field, []).append(message)

    for field in ("full_name", "document_number", "mobile", "email"):
        if not getattr(application, field):
            problem(field, _("This field is required."))
    if application.document_number:
        try:
            identity_number_validate(
                document_type=application.document_type, number=application.document_number, today=today
            )
        except ValidationError as error:
            problem("document_number", error.messages[0])
    if application.document_type != DocumentType.RESIDENT_ID and not application.nationality:
        problem("nationality", _("Give your nationality or region for this identity document."))
    if application.employer_id is None:
        problem("employer", _("Choose your employer (申领人所在单位)."))
    # 申领指南 五（一）5: a contract valid at least 6 months from submission.
    if application.contract_valid_until is None:
        problem("contract_valid_until", _("Give the date until which your employment contract is valid."))
    elif application.contract_valid_until < date_add_months(today, months=6):
        problem(
            "contract_valid_until",
            _("The employment contract must be valid at least 6 more months, that is until %(date)s or later.")
            % {"date": date_add_months(today, months=6).isoformat()},
        )
    # 申领指南 五（一）6: 3 consecutive months of insurance or tax; a legal representative gives 2 years of unit tax.
    if application.is_legal_representative:
        if (application.unit_tax_years or 0) < 2 and not comprehensive_assessment(application):
            problem(
                "unit_tax_years",
                _(
                    "As legal representative, provide the employer's tax proof of the last two years, or, for a new "
                    "investment enterprise, the District Investment Promotion Bureau's recommendation (综合认定)."
                ),
            )
    elif (application.insurance_months or 0) < 3:
        problem(
            "insurance_months",
            _("Social insurance or income tax records must cover at least 3 consecutive months."),
        )
    try:
        evaluation = application_evaluate(application=application, today=today)
    except ProfileError as error:
        problem("profile", _("The eligibility answers are not valid: %(error)s") % {"error": _profile_error(error)})
        evaluation = {"criteria": [], "evidence": [], "eligible": False}
    lapse = policy_lapse(on_date=today) if evaluation.get("policy", "") is None else None
    if lapse is not None:
        # 第九条: no version is in force; the draft is kept for when one is.
        problem(
            "policy",
            _(
                "The policy expired on %(date)s: applications can be submitted again once the revised policy is in "
                "force. Your draft is kept."
            )
            % {"date": lapse.ended_on.isoformat()},
        )
    else:
        _check_tier(application=application, evaluation=evaluation, problem=problem)
    for item in materials_checklist(application=application, evaluation=evaluation):
        if not item.satisfied:
            problem(item.code, _("%(material)s is missing.") % {"material": item.label})
    if application.declared_at is None:
        problem("declaration", _("Accept the declaration of truth (申领指南 九) before submitting."))
    return problems


def _profile_error(error: ProfileError) -> str:
    return error.zh if chinese_active() else error.en


def _check_tier(*, application: Application, evaluation: dict, problem) -> None:
    """The tier requested must be backed by a matched criterion of that tier, or by 一事一议 (第三条（四）)."""
    if evaluation.get("blockers"):
        problem("requested_tier", _("Your answers show a reason that rules out every card: see the self-check."))
        return
    if application.case_by_case and not application.requested_tier:
        if "X01" not in evaluation.get("criteria", []):
            problem("requested_tier", _("A case-by-case application needs the case-by-case route to be open."))
        return
    if not application.requested_tier:
        problem("requested_tier", _("Choose the card you apply for."))
        return
    if application.kind == Kind.UPGRADE:
        card = latest_card_of(user=application.applicant, today=today_local())
        if card is not None and TIER_RANK[application.requested_tier] >= TIER_RANK[card.tier]:
            problem(
                "requested_tier",
                _("An upgrade must be to a higher tier than the %(tier)s you hold (Art. 8).")
                % {"tier": Tier(card.tier).label},
            )
            return
    if not criteria_of_tier(
        evaluation.get("criteria", []), tier=application.requested_tier, catalogue=catalogue_published()
    ):
        problem(
            "requested_tier",
            _("Your answers do not meet any criterion of the %(tier)s; choose the tier the self-check shows.")
            % {"tier": Tier(application.requested_tier).label},
        )
    elif application.claimed_criteria and not set(application.claimed_criteria) <= set(evaluation["criteria"]):
        problem("claimed_criteria", _("Some criteria you claim are not met by your answers."))


def _carried(*, spec: TransitionSpec, application: Application, data: dict) -> dict[str, list]:
    """What the row of the table requires the actor to give, checked before anything changes."""
    errors: dict[str, list] = {}
    required = _("This field is required.")
    if Carry.OPINION in spec.carries and not data["opinion"].strip():
        errors["opinion"] = [_("Give your opinion.")]
    if Carry.REASONS in spec.carries and not data["reasons"].strip():
        errors["reasons"] = [_("Give the reasons.")]
    if Carry.SUPPLEMENT_ITEMS in spec.carries and not data["supplement_items"]:
        errors["supplement_items"] = [_("List the materials to supplement.")]
    if Carry.MEETING_REFERENCE in spec.carries and not data["meeting_reference"].strip():
        errors["meeting_reference"] = [required]
    if Carry.DECISION in spec.carries and data["approved"] is None:
        errors["approved"] = [_("Record whether the leading group approved the application.")]
    if Carry.DETERMINED_TIER in spec.carries and (spec.name == "pass_second" or data["approved"]):
        tier = data["determined_tier"]
        if spec.name == "pass_second" and not tier and application.case_by_case:
            return errors  # 一事一议: the leading group decides the tier.
        if tier not in Tier.values:
            errors["determined_tier"] = [_("Choose the tier determined.")]
        elif spec.name == "pass_second" and not criteria_of_tier(
            application.evaluation.get("criteria", []), tier=tier, catalogue=catalogue_published()
        ):
            # The leading group may decide any tier (第三条（四）); 复审 must point at a matched criterion.
            errors["determined_tier"] = [_("The determined tier must be backed by a criterion the application meets.")]
    return errors


def _snapshot(application: Application) -> dict:
    data = {}
    for field in SNAPSHOT_FIELDS:
        value = getattr(application, field)
        data[field] = value.isoformat() if isinstance(value, date) else value
    return data


def _on_submit(application: Application, *, today: date) -> None:
    application.department_id = application.employer.department_id
    application.evaluation = application_evaluate(application=application, today=today)
    if not application.claimed_criteria:
        application.claimed_criteria = criteria_of_tier(
            application.evaluation["criteria"], tier=application.requested_tier or None, catalogue=catalogue_published()
        )


@transaction.atomic(durable=True)
def application_transition(
    *,
    application_id: int,
    name: str,
    actor: User | None,
    opinion: str = "",
    reasons: str = "",
    supplement_items: list[str] | tuple[str, ...] = (),
    determined_tier: str = "",
    meeting_reference: str = "",
    approved: bool | None = None,
    system: bool = False,
    expected_state: str | None = None,
) -> Application:
    """Fires one workflow transition for the UI, bulk actions, tasks and tests alike.

    Locks the row, refuses what the actor may not do (Application.DoesNotExist when they may not see it),
    checks what the transition must carry, records the history entry and notifies the applicant on commit.
    `expected_state` is the state the actor saw: if someone moved the application since, nothing happens.
    """
    application = Application.objects.select_for_update(of=("self",)).select_related("employer").get(pk=application_id)
    if not system and not applications_visible_to(actor).filter(pk=application_id).exists():
        raise Application.DoesNotExist
    spec = spec_for(name=name, source=application.state)
    if spec is None or (expected_state is not None and expected_state != application.state):
        raise AlreadyHandled(
            _("This application has already been handled: it is now “%(state)s”.")
            % {"state": State(application.state).label}
        )
    if system:
        if not spec.by_system:
            raise NotAllowed(_("This step cannot be done automatically."))
        role = None
    else:
        role = acting_role(user=actor, application=application, spec=spec)
        if role is None:
            raise NotAllowed(_("You may not do this to this application."))
    data = {
        "opinion": opinion,
        "reasons": reasons,
        "supplement_items": list(supplement_items),
        "determined_tier": determined_tier,
        "meeting_reference": meeting_reference,
        "approved": approved,
    }
    errors = _carried(spec=spec, application=application, data=data)
    today = today_local()
    if name in ("submit", "resubmit"):
        errors.update(submission_problems(application=application, today=today))
    if errors:
        raise MissingData(_("Please correct the marked fields."), errors=errors)

    source = application.state
    now = timezone.now()
    if name in ("submit", "resubmit"):
        _on_submit(application, today=today)
        application.submitted_at = application.submitted_at or now
    method = getattr(application, name)
    if name == "pass_second":
        method(determined_tier=determined_tier)
    elif name == "record_group_decision":
        method(approved=bool(approved), determined_tier=determined_tier)
    else:
        method()
    if name == "pass_initial":
        application.passed_initial_at = now
    application.stage_entered_at = now
    application.save()
    if name in ("submit", "resubmit"):
        submission = Submission.objects.create(
            application=application, revision=application.revision, submitted_at=now, data=_snapshot(application)
        )
        submission.materials.set(application.materials.filter(is_current=True))
    department = None
    if role == Role.DEPARTMENT_REVIEWER:
        department = application.department if application.department_id in department_ids(actor) else None
    previous = application.history.order_by("-created_at", "-id").values_list("target_state", "created_at").first()
    entry = HistoryEntry.objects.create(
        application=application,
        transition=name,
        source_state=source,
        target_state=application.state,
        actor=actor,
        actor_role=role.value if role else "system",
        department=department,
        created_at=now,
        opinion=opinion.strip(),
        reasons=reasons.strip(),
        supplement_items=list(supplement_items),
        determined_tier=application.determined_tier if Carry.DETERMINED_TIER in spec.carries else "",
        meeting_reference=meeting_reference.strip(),
    )
    stage_time = stage_time_of(previous=previous, source=source, left_at=now)
    if stage_time is not None:
        StageTime.objects.create(entry=entry, application=application, state=source, duration=stage_time)
    transition_fired.send(sender=Application, application=application, entry=entry)
    if name == "withdraw":
        # A withdrawn application is never edited again: only what was submitted is kept.
        materials_content_delete(materials=application.materials.all())
    if spec.notifies_applicant:
        from applications.tasks import notify_applicant

        transaction.on_commit(lambda: notify_applicant.delay(history_entry_id=entry.pk))
    return application


def application_start(*, applicant: User, kind: str, self_check_profile: object = None) -> Application:
    """Opens a draft from the self-check's answers when they are a valid profile; invalid answers are dropped.

    The card the self-check found and the criteria that give it are chosen in advance; the applicant may change them.
    """
    profile: dict = {}
    fields: dict = {}
    if isinstance(self_check_profile, dict):
        candidate = {key: value for key, value in self_check_profile.items() if key not in ("on_date", "case_by_case")}
        try:
            evaluation = evaluation_in_force(candidate, today=today_local())
        except ProfileError:
            candidate, evaluation = {}, None
        profile = candidate
        if self_check_profile.get("case_by_case") is True:
            # 第三条（四）: the self-check's 一事一议 answer carries over like the others.
            fields["case_by_case"] = True
        if evaluation and evaluation["tier"]:
            fields["requested_tier"] = evaluation["tier"]
            fields["claimed_criteria"] = criteria_of_tier(
                evaluation["criteria"], tier=evaluation["tier"], catalogue=catalogue_published()
            )
    application = application_create(applicant=applicant, kind=kind, profile=profile)
    if fields:
        application = application_update(application_id=application.pk, actor=applicant, fields=fields)
    return application


def materials_upload_many(
    *,
    application_id: int,
    actor: User,
    uploads: dict[str, list],
    scan_of: dict[str, str],
    replace: frozenset[str] | set[str] = frozenset(),
) -> tuple[list[Material], dict[str, list[str]]]:
    """Stores every acceptable file of a materials form; a refused file does not stop the others (its item's error)."""
    checklist_codes = {
        item.code
        for item in materials_checklist(application=application_for_edit(application_id=application_id, actor=actor))
    }
    stored: list[Material] = []
    errors: dict[str, list[str]] = {}
    for item, files in uploads.items():
        if item not in checklist_codes:
            raise ValueError(f"{item} is not an item of this application's checklist")
        for index, file in enumerate(files):
            try:
                stored.append(
                    material_upload(
                        application_id=application_id,
                        actor=actor,
                        item=item,
                        file=file,
                        scan_of=scan_of.get(item, ""),
                        replace=item in replace and index == 0,
                    )
                )
            except ValidationError as error:
                name = safe_display_name(getattr(file, "name", "") or "")
                errors.setdefault(item, []).extend(f"{name}: {message}" for message in error.messages)
    return stored, errors


def application_submit(*, application_id: int, actor: User, expected_state: str) -> Application:
    """Records the declaration of truth (申领指南 九), then submits or resubmits; a repeated post does nothing."""
    application = Application.objects.get(pk=application_id, applicant=actor)
    if application.state != expected_state or application.state not in EDITABLE_STATES:
        raise AlreadyHandled(
            _("This application has already been handled: it is now “%(state)s”.")
            % {"state": State(application.state).label}
        )
    Application.objects.filter(pk=application.pk, state=expected_state).update(declared_at=timezone.now())
    name = "submit" if expected_state == State.DRAFT else "resubmit"
    return application_transition(application_id=application.pk, name=name, actor=actor, expected_state=expected_state)
