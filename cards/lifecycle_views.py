"""The card's management over its 5 years (第六条): the register, termination, the department's proposal and the
mid-term assessment. Who may see what is decided by the selectors' scoped querysets; others' objects answer 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Role
from accounts.services import access_log_record
from applications.services import NotAllowed
from cards.forms import (
    MidtermOpinionForm,
    MidtermRecordForm,
    MidtermReportForm,
    ProposalForm,
    RegisterFilterForm,
    TerminationForm,
)
from cards.midterm import midterm_next_step, midterm_opinion, midterm_record, midterm_report, midterms_visible_to
from cards.models import Card, CardState, MidtermAssessment, TerminationProposal
from cards.selectors import cards_register, cards_visible_to, midterm_overdue
from cards.services import CardError, card_terminate, card_termination_propose

# Who keeps a register of cards: the district bodies, the departments for their units, the auditor (read-only).
REGISTER_ROLES = frozenset({Role.HR_REVIEWER, Role.TALENT_OFFICE, Role.AUDITOR, Role.DEPARTMENT_REVIEWER})
MIDTERM_ROLES = REGISTER_ROLES | {Role.EMPLOYER}
PAGE_SIZE = 50


def _log_if_auditor(request: HttpRequest, *, action: str, obj) -> None:
    if request.user.has_role(Role.AUDITOR):
        access_log_record(user=request.user, action=action, obj=obj, role=Role.AUDITOR.value)


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """The cards a user manages, with their state and validity, filtered and paged."""
    if not request.user.role_codes & REGISTER_ROLES:
        raise Http404
    form = RegisterFilterForm(request.GET or None)
    page = Paginator(cards_register(user=request.user, filters=form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _log_if_auditor(request, action="view_card_register", obj=request.user)
    kept = request.GET.copy()
    kept.pop("page", None)
    may_end = bool(request.user.role_codes & {Role.HR_REVIEWER, Role.DEPARTMENT_REVIEWER})
    context = {"form": form, "page": page, "query": kept.urlencode(), "may_end": may_end}
    return render(request, "cards/register.html", context)


def _card_or_404(request: HttpRequest, pk: int) -> Card:
    try:
        return cards_visible_to(request.user).select_related("employer", "department").get(pk=pk)
    except Card.DoesNotExist:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def end(request: HttpRequest, pk: int) -> HttpResponse:
    """Ending a card's services (第六条): the department proposes under （一）, the HR bureau terminates."""
    card = _card_or_404(request, pk)
    may_terminate = request.user.has_role(Role.HR_REVIEWER)
    may_propose = request.user.has_role(Role.DEPARTMENT_REVIEWER) and card.department_id is not None
    if not (may_terminate or may_propose) or card.state != CardState.ACTIVE:
        raise Http404
    proposal = TerminationProposal.objects.filter(card=card, decided_at__isnull=True).first()
    termination_form = TerminationForm(request.POST if "terminate" in request.POST else None, prefix="end")
    proposal_form = ProposalForm(request.POST if "propose" in request.POST else None, prefix="propose")
    if request.method == "POST":
        try:
            if "terminate" in request.POST and may_terminate and termination_form.is_valid():
                card_terminate(card_id=card.pk, actor=request.user, **termination_form.cleaned_data)
                messages.success(request, _("The card's services have ended."))
                return redirect("cards:register")
            if "propose" in request.POST and may_propose and proposal_form.is_valid():
                card_termination_propose(card_id=card.pk, actor=request.user, **proposal_form.cleaned_data)
                messages.success(request, _("Your proposal has been sent to the HR bureau for its record."))
                return redirect("cards:register")
        except NotAllowed:
            raise PermissionDenied from None
        except Card.DoesNotExist:
            raise Http404 from None
        except CardError as error:
            target = termination_form if "terminate" in request.POST else proposal_form
            target.add_error(None, error.message)
    context = {
        "card": card,
        "proposal": proposal,
        "termination_form": termination_form if may_terminate else None,
        "proposal_form": proposal_form if may_propose and proposal is None else None,
    }
    return render(request, "cards/end.html", context)


@login_required
@require_GET
def midterm_list(request: HttpRequest) -> HttpResponse:
    """The mid-term assessments the user works on: those waiting for them first, then the overdue and the rest."""
    if not request.user.role_codes & MIDTERM_ROLES:
        raise Http404
    today = timezone.localdate()
    assessments = list(
        midterms_visible_to(request.user)
        .filter(card__state=CardState.ACTIVE)
        .select_related("card__employer", "card__department")
        .order_by("due_on", "id")[:500]
    )
    waiting = [item for item in assessments if midterm_next_step(user=request.user, assessment=item)]
    overdue_ids = set(midterm_overdue(today=today).values_list("pk", flat=True))
    _log_if_auditor(request, action="view_midterm_list", obj=request.user)
    return render(
        request,
        "cards/midterm_list.html",
        {"waiting": waiting, "assessments": assessments, "overdue_ids": overdue_ids, "today": today},
    )


STEP_FORMS = {"report": MidtermReportForm, "opinion": MidtermOpinionForm, "record": MidtermRecordForm}


def _assessment_or_404(request: HttpRequest, pk: int) -> MidtermAssessment:
    try:
        return (
            midterms_visible_to(request.user)
            .select_related("card__employer", "card__department", "reported_by", "reviewed_by", "recorded_by")
            .get(pk=pk)
        )
    except MidtermAssessment.DoesNotExist:
        raise Http404 from None


def _step_done(request: HttpRequest, step: str, assessment: MidtermAssessment, data: dict) -> None:
    if step == "report":
        midterm_report(
            assessment_id=assessment.pk,
            actor=request.user,
            performance=data["performance"],
            ability=data["ability"],
            rating=data["rating"],
            file=data.get("report"),
        )
    elif step == "opinion":
        midterm_opinion(assessment_id=assessment.pk, actor=request.user, opinion=data["opinion"])
    else:
        midterm_record(assessment_id=assessment.pk, actor=request.user, note=data["note"])


@login_required
@require_http_methods(["GET", "POST"])
def midterm(request: HttpRequest, pk: int) -> HttpResponse:
    """One assessment: what was reported and said, and the form of the step the user may take."""
    assessment = _assessment_or_404(request, pk)
    step = midterm_next_step(user=request.user, assessment=assessment)
    form = None
    if step:
        form = STEP_FORMS[step](request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                _step_done(request, step, assessment, form.cleaned_data)
            except NotAllowed:
                raise PermissionDenied from None
            except CardError as error:
                for field, field_errors in error.errors.items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
                if not error.errors:
                    form.add_error(None, error.message)
            except ValidationError as error:
                form.add_error("report", error.messages[0])
            else:
                messages.success(request, _("Saved: the assessment has moved on to its next step."))
                return redirect("cards:midterm", pk=assessment.pk)
    _log_if_auditor(request, action="view", obj=assessment)
    return render(request, "cards/midterm.html", {"assessment": assessment, "card": assessment.card, "form": form})


@login_required
@require_GET
def midterm_report_file(request: HttpRequest, pk: int) -> FileResponse:
    """The employer's uploaded report, for those who may see the assessment."""
    assessment = _assessment_or_404(request, pk)
    if not assessment.report_file:
        raise Http404
    try:
        file = default_storage.open(assessment.report_file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    access_log_record(user=request.user, action="download", obj=assessment)
    return FileResponse(file, as_attachment=True, filename=assessment.report_file_name or "report")
