"""The applicant's pages: home, the step-by-step form, materials, submission, withdrawal; and the employer's home."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Role
from accounts.services import access_log_record
from applications.cards_port import latest_card_of
from applications.forms import (
    ContactForm,
    DeclarationForm,
    EligibilityForm,
    EmploymentForm,
    IdentityForm,
    MaterialsForm,
    StartForm,
    TransitionConfirmForm,
    criterion_name,
)
from applications.lists_port import list_facts
from applications.models import Application, Material, Tier
from applications.retention import materials_deleted, retention_rules
from applications.selectors import (
    application_for_detail,
    application_timeline,
    applications_of_applicant,
    applications_with_materials_visible_to,
    employer_applications,
    last_return,
    material_for_download,
    notices_of,
)
from applications.services import (
    EDITABLE_STATES,
    AlreadyHandled,
    KindNotAllowed,
    MissingData,
    NotAllowed,
    WorkflowError,
    application_evaluate,
    application_for_edit,
    application_start,
    application_submit,
    application_transition,
    application_update,
    material_label,
    material_withdraw,
    materials_checklist,
    materials_upload_many,
    submission_problems,
    today_local,
)
from applications.uploads import EXTENSIONS, UploadKind, name_for_kind
from applications.workflow import OPEN_STATES, TRANSITIONS, State
from eligibility.engine import criteria_of_tier
from eligibility.profile import ProfileError
from eligibility.selectors import catalogue_published

STEPS = (
    ("identity", _("Identity")),
    ("contact", _("Contact and employer")),
    ("eligibility", _("Eligibility and card")),
    ("employment", _("Employment")),
    ("materials", _("Materials")),
    ("submit", _("Declaration and submission")),
)
STEP_NAMES = tuple(name for name, _label in STEPS)
SIMPLE_FORMS = {"identity": IdentityForm, "contact": ContactForm, "employment": EmploymentForm}
# Where the applicant fixes what submission_problems names; material codes go to the materials step.
FIELD_STEPS = {
    "full_name": "identity",
    "document_type": "identity",
    "document_number": "identity",
    "birth_date": "identity",
    "nationality": "identity",
    "mobile": "contact",
    "email": "contact",
    "address": "contact",
    "employer": "contact",
    "profile": "eligibility",
    "requested_tier": "eligibility",
    "case_by_case": "eligibility",
    "claimed_criteria": "eligibility",
    "job_title": "employment",
    "is_legal_representative": "employment",
    "contract_valid_until": "employment",
    "insurance_months": "employment",
    "unit_tax_years": "employment",
    "investment_promotion_recommended": "employment",
    "declaration": "submit",
    "policy": "eligibility",
}
DELETED_FILES_PER_PAGE = 100
TRANSITION_LABELS = {spec.name: spec.label for spec in TRANSITIONS}
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def _requested_open(application: Application, returned: dict | None) -> list[str]:
    """Materials a return asked for that have no file uploaded since (the 补正 still to do), in the asked order.

    A file uploaded after the last submission carries that submission's revision (material_upload).
    """
    if not returned:
        return []
    supplied = set(
        application.materials.filter(is_current=True, revision__gte=application.revision).values_list("item", flat=True)
    )
    return [code for code in returned["codes"] if code not in supplied]


def _given(application: Application, field: str) -> bool:
    """Whether a field that stops the submission holds a value (then it is wrong, not missing)."""
    if field in FIELD_STEPS and field not in ("declaration", "policy"):
        name = "employer_id" if field == "employer" else field
        return bool(getattr(application, name, None))
    return False


def _tasks(application: Application, *, problems: dict, returned: dict | None) -> list[dict]:
    """The task list: a step is 有问题 when something given is wrong or a return asks for it again, 未完成 when
    something is missing, else 已完成; the materials step opens at the first material asked for."""
    open_requests = _requested_open(application, returned)
    tasks = []
    for name, label in STEPS:
        status, anchor = "", ""
        if name != "submit":
            fields = [field for field in problems if FIELD_STEPS.get(field, "materials") == name]
            wrong = any(_given(application, field) for field in fields)
            if name == "materials" and open_requests:
                wrong, anchor = True, f"item-{open_requests[0]}"
            status = "problem" if wrong else ("todo" if fields else "done")
        tasks.append({"name": name, "label": label, "status": status, "anchor": anchor})
    return tasks


def _resume_step(tasks: list[dict]) -> dict:
    """Where "continue" or 补正后重新提交 leads: the first step with a problem, else the first not done, else submit."""
    for status in ("problem", "todo"):
        for task in tasks:
            if task["status"] == status:
                return task
    return tasks[-1]


def _applicant_only(request: HttpRequest) -> None:
    if not request.user.has_role(Role.APPLICANT):
        raise Http404


def _next_step(step: str) -> str:
    index = STEP_NAMES.index(step)
    return STEP_NAMES[min(index + 1, len(STEP_NAMES) - 1)]


def _evaluation(application: Application) -> dict | None:
    """The live evaluation of the saved profile, or None when the stored answers are not a valid profile."""
    try:
        return application_evaluate(application=application)
    except ProfileError:
        return None


def _problem_rows(problems: dict) -> list[dict]:
    """What stops a submission, each named in the applicant's words with the step where it is fixed."""
    rows = []
    for field, errors in problems.items():
        step = FIELD_STEPS.get(field, "materials")
        if field == "declaration":
            label = _("Declaration of truth")
        elif field == "policy":
            label = _("Policy in force")
        elif field in FIELD_STEPS:
            label = Application._meta.get_field(field).verbose_name
        else:
            label = material_label(field)[0]
        rows.append({"field": field, "label": label, "step": step, "messages": [str(error) for error in errors]})
    return rows


@login_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """The applicant's home: their applications with the progress of each, and the notices about them."""
    _applicant_only(request)
    applications = list(applications_of_applicant(user=request.user))
    rows = [
        {"application": item, "timeline": application_timeline(application=item, history=list(item.history.all()))}
        for item in applications
    ]
    today = today_local()
    card = latest_card_of(user=request.user, today=today)
    context = {
        "card": card,
        "card_tier": Tier(card.tier).label if card else "",
        "card_valid": card is not None and card.valid_on(today),
        "rows": rows,
        "in_progress": any(item.state in OPEN_STATES for item in applications),
        "notices": notices_of(user=request.user),
        "editable_states": EDITABLE_STATES,
    }
    return render(request, "applications/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Opens a draft, prefilled from the self-check's answers when the applicant came from there."""
    _applicant_only(request)
    self_check_profile = request.session.get("self_check_profile")
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = application_start(
                applicant=request.user, kind=form.cleaned_data["kind"], self_check_profile=self_check_profile
            )
        except KindNotAllowed as error:
            form.add_error("kind", error.message)
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect("applications:home")
        else:
            messages.success(request, _("Your application %(number)s is open as a draft.") % {"number": application})
            return redirect("applications:edit", pk=application.pk, step=STEP_NAMES[0])
    return render(
        request, "applications/start.html", {"form": form, "from_self_check": isinstance(self_check_profile, dict)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the application form; every valid save is kept as the draft."""
    _applicant_only(request)
    if step not in STEP_NAMES:
        raise Http404
    if step == "submit" and request.method == "POST":
        return _submit(request, pk)
    application = _editable(request, pk)
    if isinstance(application, HttpResponse):
        return application
    context = {"application": application, "steps": STEPS, "step": step, "returned": None}
    if application.state == State.RETURNED:
        context["returned"] = _returned_context(application_for_detail(user=request.user, application_id=pk))
    context["tasks"] = _tasks(
        application, problems=submission_problems(application=application), returned=context["returned"]
    )
    context["requested"] = _requested_open(application, context["returned"])
    if step in SIMPLE_FORMS:
        return _simple_step(request, application, step, context)
    if step == "eligibility":
        return _eligibility_step(request, application, context)
    if step == "materials":
        return _materials_step(request, application, context)
    return _submit_page(
        request, application, context, form=DeclarationForm(initial={"expected_state": application.state})
    )


def _editable(request: HttpRequest, pk: int) -> Application | HttpResponse:
    """The applicant's application while it may be edited, or the page to go to instead (404, or its detail)."""
    try:
        return application_for_edit(application_id=pk, actor=request.user)
    except Application.DoesNotExist:
        raise Http404 from None
    except NotAllowed as error:
        messages.info(request, error.message)
        return redirect("applications:detail", pk=pk)


def _saved(request: HttpRequest, application: Application, step: str) -> HttpResponse:
    messages.success(request, _("Saved."))
    following = step if "stay" in request.POST else _next_step(step)
    return redirect("applications:edit", pk=application.pk, step=following)


def _simple_step(request: HttpRequest, application: Application, step: str, context: dict) -> HttpResponse:
    form_class = SIMPLE_FORMS[step]
    initial = {name: getattr(application, name) for name in form_class.base_fields if hasattr(application, name)}
    options = {"current_employer": application.employer} if form_class is ContactForm else {}
    form = form_class(request.POST or None, initial=initial, **options)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if hasattr(application, name)}
        application_update(application_id=application.pk, actor=request.user, fields=fields)
        return _saved(request, application, step)
    return render(request, "applications/edit_form.html", {**context, "form": form})


def _eligibility_step(request: HttpRequest, application: Application, context: dict) -> HttpResponse:
    evaluation = _evaluation(application)
    matched = list(dict.fromkeys([*(evaluation or {}).get("criteria", []), *application.claimed_criteria]))
    initial = EligibilityForm.initial_from(profile=application.profile, application=application)
    if not application.requested_tier and not application.case_by_case and evaluation and evaluation["tier"]:
        # The card the answers give, and its criteria, chosen in advance: the applicant confirms or changes them.
        initial["requested_tier"] = evaluation["tier"]
        initial["claimed_criteria"] = criteria_of_tier(
            evaluation["criteria"], tier=evaluation["tier"], catalogue=catalogue_published()
        )
    lists = list_facts(employer_id=application.employer_id, on_date=today_local())
    form = EligibilityForm(request.POST or None, matched=matched, initial=initial, lists=lists)
    if request.method == "POST" and form.is_valid():
        application_update(
            application_id=application.pk,
            actor=request.user,
            fields={
                "profile": form.profile(),
                "case_by_case": form.cleaned_data["case_by_case"] is True,
                "requested_tier": form.cleaned_data["requested_tier"],
                "claimed_criteria": form.cleaned_data["claimed_criteria"],
            },
        )
        return _saved(request, application, "eligibility")
    shown = form.evaluation or evaluation
    criteria = [criterion_name(code) for code in (shown or {}).get("criteria", [])]
    return render(
        request,
        "applications/edit_eligibility.html",
        {**context, "form": form, "evaluation": shown, "criteria": criteria},
    )


def _materials_step(request: HttpRequest, application: Application, context: dict) -> HttpResponse:
    form = MaterialsForm(
        request.POST or None, request.FILES or None, checklist=materials_checklist(application=application)
    )
    if request.method == "POST" and form.is_valid():
        stored, errors = materials_upload_many(
            application_id=application.pk,
            actor=request.user,
            uploads=form.uploads(),
            scan_of=form.scan_of(),
            replace=form.replaced(),
        )
        if not errors:
            messages.success(request, _("%(count)d file(s) uploaded.") % {"count": len(stored)})
            return redirect("applications:edit", pk=application.pk, step="materials")
        form.checklist = materials_checklist(application=application)
        for item, item_errors in errors.items():
            for message in item_errors:
                form.add_error(f"files-{item}", message)
        if stored:
            messages.success(request, _("%(count)d file(s) uploaded.") % {"count": len(stored)})
    context["material_max_mb"] = settings.MATERIAL_MAX_BYTES // (1024 * 1024)
    return render(request, "applications/edit_materials.html", {**context, "form": form})


def _submit_page(
    request: HttpRequest, application: Application, context: dict, *, form: DeclarationForm, problems=None
) -> HttpResponse:
    problems = submission_problems(application=application) if problems is None else problems
    context = {**context, "form": form, "problems": _problem_rows(problems)}
    return render(request, "applications/edit_submit.html", context)


def _submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submits once: a repeated post (double click, back button) is told the application was already handled."""
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            application_submit(
                application_id=pk, actor=request.user, expected_state=form.cleaned_data["expected_state"]
            )
        except Application.DoesNotExist:
            raise Http404 from None
        except AlreadyHandled as error:
            messages.info(request, error.message)
            return redirect("applications:detail", pk=pk)
        except MissingData as error:
            return _submit_again(request, pk, form=form, problems=error.errors)
        messages.success(request, _("Your application has been submitted. You will be told of every step."))
        return redirect("applications:detail", pk=pk)
    return _submit_again(request, pk, form=form, problems=None)


def _submit_again(request: HttpRequest, pk: int, *, form: DeclarationForm, problems) -> HttpResponse:
    application = _editable(request, pk)
    if isinstance(application, HttpResponse):
        return application
    returned = None
    if application.state == State.RETURNED:
        returned = _returned_context(application_for_detail(user=request.user, application_id=pk))
    context = {"application": application, "steps": STEPS, "step": "submit", "returned": returned}
    context["tasks"] = _tasks(application, problems=submission_problems(application=application), returned=returned)
    return _submit_page(request, application, context, form=form, problems=problems)


def _returned_context(application: Application) -> dict | None:
    entry = last_return(application)
    if entry is None:
        return None
    return {
        "entry": entry,
        "codes": list(entry.supplement_items),
        "items": [material_label(code)[0] for code in entry.supplement_items],
        "pairs": [(code, material_label(code)[0]) for code in entry.supplement_items],
    }


@login_required
@require_http_methods(["GET"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The read-only application: progress, the reviewer's reasons when returned, and every submitted version."""
    try:
        application = application_for_detail(user=request.user, application_id=pk)
    except Application.DoesNotExist:
        raise Http404 from None
    is_owner = application.applicant_id == request.user.pk
    if not is_owner:
        access_log_record(user=request.user, action="view", obj=application, role=_acting_role(request))
    history = list(application.history.all())
    returned = _returned_context(application)
    resume = None
    if is_owner and application.state in EDITABLE_STATES:
        live_returned = returned if application.state == State.RETURNED else None
        problems = submission_problems(application=application)
        resume = _resume_step(_tasks(application, problems=problems, returned=live_returned))
    context = {
        "resume": resume,
        "criteria_names": [criterion_name(code) for code in application.claimed_criteria],
        "application": application,
        "is_owner": is_owner,
        "editable": is_owner and application.state in EDITABLE_STATES,
        "withdrawable": is_owner and application.state in (State.DRAFT, State.SUBMITTED, State.RETURNED),
        "timeline": application_timeline(application=application, history=history),
        "history": [(entry, TRANSITION_LABELS.get(entry.transition, entry.transition)) for entry in history],
        "returned": returned,
        "submissions": _submission_files(application),
        "materials_visible": is_owner
        or applications_with_materials_visible_to(request.user).filter(pk=application.pk).exists(),
    }
    return render(request, "applications/detail.html", context)


def _submission_files(application: Application) -> list[tuple]:
    """Every submitted version with its files, each named by its checklist item; earlier versions stay readable."""
    labels: dict[str, str] = {}
    versions = []
    for submission in application.submissions.all():
        files = []
        for material in sorted(submission.materials.all(), key=lambda material: (material.item, material.pk)):
            if material.item not in labels:
                labels[material.item] = material_label(material.item)[0]
            files.append((labels[material.item], material))
        versions.append((submission, files))
    return versions


def _acting_role(request: HttpRequest) -> str:
    return next((role.value for role in request.user.roles if role != Role.APPLICANT), "")


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraws an application not yet decided, after a confirmation."""
    try:
        application = application_for_detail(user=request.user, application_id=pk)
    except Application.DoesNotExist:
        raise Http404 from None
    if application.applicant_id != request.user.pk:
        raise Http404
    form = TransitionConfirmForm(request.POST or None, initial={"expected_state": application.state})
    if request.method == "POST" and form.is_valid():
        try:
            application_transition(
                application_id=pk,
                name="withdraw",
                actor=request.user,
                expected_state=form.cleaned_data["expected_state"],
            )
        except (AlreadyHandled, NotAllowed) as error:
            messages.info(request, error.message)
        else:
            messages.success(request, _("Your application has been withdrawn."))
        return redirect("applications:detail", pk=pk)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@login_required
@require_POST
def material_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Takes a file out of the current materials; it is deleted unless a submitted version holds it."""
    _applicant_only(request)
    try:
        material = Material.objects.only("application_id").get(pk=pk, application__applicant=request.user)
        material_withdraw(material_id=pk, actor=request.user)
    except Material.DoesNotExist:
        raise Http404 from None
    except NotAllowed as error:
        messages.info(request, error.message)
        return redirect("applications:detail", pk=material.application_id)
    messages.success(request, _("The file was removed from your materials."))
    return redirect(reverse("applications:edit", kwargs={"pk": material.application_id, "step": "materials"}))


@login_required
@require_http_methods(["GET"])
def material_download(request: HttpRequest, pk: int) -> FileResponse:
    """Streams one uploaded file to someone who may see its application; it is never served from a public URL."""
    try:
        material = material_for_download(user=request.user, material_id=pk)
        file = default_storage.open(material.file.name, "rb")
    except (Material.DoesNotExist, FileNotFoundError):
        raise Http404 from None
    if material.application.applicant_id != request.user.pk:
        access_log_record(user=request.user, action="download", obj=material, role=_acting_role(request))
    response = FileResponse(
        file,
        as_attachment=True,
        # Named after what the file is, also for files stored before names followed the content.
        filename=name_for_kind(material.original_name, kind=UploadKind(material.kind))
        or f"{material.item}.{EXTENSIONS[UploadKind(material.kind)]}",
        content_type=material.content_type,
    )
    for header, value in DOWNLOAD_HEADERS.items():
        response[header] = value
    return response


@login_required
@require_http_methods(["GET"])
def employer_home(request: HttpRequest) -> HttpResponse:
    """The employer officer's home: the applicants of their units and where each application stands."""
    if not request.user.has_role(Role.EMPLOYER):
        raise Http404
    context = {
        "applications": list(employer_applications(user=request.user)),
        "employers": list(request.user.employers.all()),
    }
    return render(request, "applications/employer_home.html", context)


@login_required
@require_http_methods(["GET"])
def deleted_files(request: HttpRequest) -> HttpResponse:
    """The auditor's record of the uploads whose files were deleted (retention, or removed by the applicant)."""
    if not request.user.has_role(Role.AUDITOR):
        raise Http404
    access_log_record(user=request.user, action="view_deleted_files", obj=request.user, role=Role.AUDITOR.value)
    page = Paginator(materials_deleted(), DELETED_FILES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "material": material,
            "label": material_label(material.item)[0],
            "state": material.application.get_state_display(),
        }
        for material in page
    ]
    return render(request, "applications/deleted_files.html", {"page": page, "rows": rows, "rules": retention_rules()})
