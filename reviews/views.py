"""The reviewers' pages: one queue per role, the application's file with its decisions, exports and statistics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role
from accounts.services import access_log_record
from applications.models import Application
from applications.services import AlreadyHandled, MissingData, NotAllowed, application_transition
from applications.workflow import TRANSITION_NAMES
from reviews.caching import cached_html, fragment_key, session_page_cached
from reviews.deadlines import working_calendar_gaps
from reviews.exports import csv_export_lines, export_lines, export_queryset, xlsx_bytes
from reviews.forms import BULK_TRANSITIONS, BulkForm, QueueFilterForm, TransitionForm
from reviews.models import ExportFormat, ExportStatus, QueueExport
from reviews.queues import STATISTICS_ROLES, queue_page, queue_role
from reviews.review_file import ReviewFile, application_review_file
from reviews.services import (
    BulkResult,
    applications_bulk_transition,
    employer_confirm,
    filters_from_json,
    queue_export_request,
)
from reviews.statistics import statistics_for


def _role_or_404(request: HttpRequest, role: str) -> Role:
    found = queue_role(user=request.user, role=role)
    if found is None:
        raise Http404
    return found


def _log_if_auditor(request: HttpRequest, *, action: str, obj) -> None:
    # workflow.md: the auditor reads everything, and every read is logged.
    if request.user.has_role(Role.AUDITOR):
        access_log_record(user=request.user, action=action, obj=obj, role=Role.AUDITOR.value)


def _queue_served_from_cache(request: HttpRequest, role: str) -> None:
    # The auditor's read is logged whether the page is rendered or sent again.
    if role == Role.AUDITOR.value:
        _log_if_auditor(request, action="view_queue", obj=request.user)


@login_required
@require_GET
@session_page_cached(on_hit=_queue_served_from_cache)
def queue(request: HttpRequest, role: str) -> HttpResponse:
    """A role's dashboard: the applications waiting for it, filtered, searched, sorted, a keyset page at a time."""
    role = _role_or_404(request, role)
    form = QueueFilterForm(request.GET or None, user=request.user, role=role)
    filters = form.filters()
    page = queue_page(user=request.user, role=role, filters=filters, cursor=request.GET.get("cursor", ""))
    if role == Role.AUDITOR:
        _log_if_auditor(request, action="view_queue", obj=request.user)
    kept = request.GET.copy()
    kept.pop("cursor", None)
    next_query = None
    if page.next_cursor:
        following = kept.copy()
        following["cursor"] = page.next_cursor
        next_query = following.urlencode()
    bulk_form = BulkForm(role=role) if role in BULK_TRANSITIONS else None
    # The filter form, the rows and the bulk form are rendered once for what they show, then reused.
    filters_key = fragment_key("filters", role.value, sorted(kept.lists()), form.choices_shown())
    rows_key = fragment_key("rows", role.value, bulk_form is not None, [row.shown for row in page.rows])
    return render(
        request,
        "reviews/queue.html",
        {
            "role": role,
            "form": form,
            "filters_html": cached_html(filters_key, "reviews/includes/queue_filters.html", {"form": form}),
            "page": page,
            "rows_html": cached_html(
                rows_key, "reviews/includes/queue_rows.html", {"page": page, "bulk": bulk_form is not None}
            ),
            "filter_query": kept.urlencode(),
            # Flagged to the talent office, who has the calendar updated: an unknown year is not silently ordinary.
            "calendar_gaps": working_calendar_gaps(today=timezone.localdate()) if role == Role.TALENT_OFFICE else [],
            "next_query": next_query,
            "bulk_form": bulk_form,
            "bulk_html": cached_html(
                fragment_key("bulk", role.value), "reviews/includes/queue_bulk.html", {"bulk_form": bulk_form}
            )
            if bulk_form
            else "",
        },
    )


def _transition_forms(review: ReviewFile, *, bound: TransitionForm | None = None) -> list[TransitionForm]:
    forms = []
    for option in review.available:
        if bound is not None and bound.name == option.spec.name:
            forms.append(bound)
            continue
        forms.append(
            TransitionForm(
                name=option.spec.name,
                checklist=review.checklist,
                backed_tiers=review.backed_tiers,
                case_by_case=review.application.case_by_case,
                initial={"expected_state": review.application.state},
            )
        )
    return forms


def _review_or_404(request: HttpRequest, pk: int) -> ReviewFile:
    try:
        return application_review_file(user=request.user, application_id=pk)
    except Application.DoesNotExist:
        raise Http404 from None


def _render_application(request: HttpRequest, review: ReviewFile, *, bound: TransitionForm | None = None):
    return render(
        request,
        "reviews/application.html",
        {
            "review": review,
            "application": review.application,
            "transition_forms": _transition_forms(review, bound=bound),
            "evaluation": review.evaluation,
        },
    )


@login_required
@require_GET
def application(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's file of one application: identity, evaluation, materials, versions, timeline and decisions."""
    review = _review_or_404(request, pk)
    _log_if_auditor(request, action="view", obj=review.application)
    return _render_application(request, review)


@login_required
@require_POST
def transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Fires one transition from the application page; what is missing is shown beside the fields."""
    if name not in TRANSITION_NAMES:
        raise Http404
    review = _review_or_404(request, pk)
    form = TransitionForm(
        request.POST,
        name=name,
        checklist=review.checklist,
        backed_tiers=review.backed_tiers,
        case_by_case=review.application.case_by_case,
    )
    if form.is_valid():
        try:
            application_transition(application_id=pk, name=name, actor=request.user, **form.transition_kwargs())
        except AlreadyHandled as error:
            messages.warning(request, _("Already handled by someone else: %(detail)s") % {"detail": error.message})
            return redirect("reviews:application", pk=pk)
        except NotAllowed:
            raise PermissionDenied from None
        except Application.DoesNotExist:
            raise Http404 from None
        except MissingData as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(request, _("%(action)s: done.") % {"action": form.label})
            return redirect("reviews:application", pk=pk)
    if name not in {option.spec.name for option in review.available}:
        raise PermissionDenied
    return _render_application(request, review, bound=form)


@login_required
@require_POST
def confirm_employer(request: HttpRequest, pk: int) -> HttpResponse:
    """The department confirms the employer that the applicant entered (第三条: registered or paying tax in Baiyun)."""
    try:
        employer = employer_confirm(application_id=pk, actor=request.user)
    except Application.DoesNotExist:
        raise Http404 from None
    except NotAllowed:
        raise PermissionDenied from None
    messages.success(request, _("%(employer)s is confirmed.") % {"employer": employer.display_name})
    return redirect("reviews:application", pk=pk)


@login_required
@require_POST
def bulk(request: HttpRequest, role: str) -> HttpResponse:
    """One decision for several applications of a queue; each is reported as done, already handled or refused."""
    role = _role_or_404(request, role)
    if role not in BULK_TRANSITIONS:
        raise PermissionDenied
    form = BulkForm(request.POST, role=role)
    if not form.is_valid():
        messages.error(request, _("Tick at least one application and choose an action."))
        return redirect("reviews:queue", role=role.value)
    outcomes = applications_bulk_transition(
        actor=request.user,
        name=form.cleaned_data["name"],
        application_ids=form.cleaned_data["applications"],
        opinion=form.cleaned_data["opinion"],
    )
    # The number of each card made or issued by the decision, beside its application (linked by the cards' URL).
    done = [outcome.application_id for outcome in outcomes if outcome.result == BulkResult.DONE]
    cards = {
        application_id: (card_id, number)
        for application_id, card_id, number in Application.objects.filter(pk__in=done, card__isnull=False).values_list(
            "pk", "card__pk", "card__number"
        )
    }
    rows = [(outcome, cards.get(outcome.application_id)) for outcome in outcomes]
    return render(request, "reviews/bulk_result.html", {"role": role, "outcomes": outcomes, "rows": rows, "form": form})


@login_required
@require_POST
def export(request: HttpRequest, role: str, export_format: str) -> HttpResponse:
    """The current filter of a queue (in the query string) as CSV or .xlsx: streamed when small, prepared by a task
    when large. A POST, as it records the export and may queue the task."""
    role = _role_or_404(request, role)
    if export_format not in ExportFormat.values:
        raise Http404
    filters = QueueFilterForm(request.GET or None, user=request.user, role=role).filters()
    record = queue_export_request(user=request.user, role=role, export_format=export_format, filters=filters)
    _log_if_auditor(request, action="export", obj=record)
    if record.status == ExportStatus.PENDING:
        messages.info(request, _("The export is large: it is being prepared and will be listed here when ready."))
        return redirect("reviews:exports")
    lines = export_lines(
        queryset=export_queryset(user=request.user, role=role, filters=filters_from_json(record.filters))
    )
    if export_format == ExportFormat.CSV:
        response = StreamingHttpResponse(csv_export_lines(lines), content_type="text/csv; charset=utf-8")
    else:
        content, _count = xlsx_bytes(lines)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{record.download_name}"'
    return response


@login_required
@require_GET
def exports(request: HttpRequest) -> HttpResponse:
    """The user's own large exports: those being prepared with their progress, and the download links."""
    if not request.user.role_codes & {role.value for role in (Role.DEPARTMENT_REVIEWER, *STATISTICS_ROLES)}:
        raise Http404
    records = QueueExport.objects.filter(user=request.user).exclude(file="")[:50]
    preparing = list(QueueExport.objects.filter(user=request.user, status=ExportStatus.PENDING)[:10])
    return render(request, "reviews/exports.html", {"records": records, "preparing": preparing})


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    """A prepared export, for the user who asked for it only."""
    record = QueueExport.objects.filter(pk=pk, user=request.user, status=ExportStatus.READY).exclude(file="").first()
    if record is None or queue_role(user=request.user, role=record.role) is None:
        raise Http404
    _log_if_auditor(request, action="download", obj=record)
    return FileResponse(default_storage.open(record.file.name, "rb"), as_attachment=True, filename=record.download_name)


@login_required
@require_GET
@session_page_cached()
def statistics(request: HttpRequest) -> HttpResponse:
    """Counts by tier, state, department and month, and the median time per stage, as charts and tables.

    Over what the user may see: a department reviewer gets the figures of their own departments' applications.
    """
    if not request.user.role_codes & {role.value for role in (*STATISTICS_ROLES, Role.DEPARTMENT_REVIEWER)}:
        raise Http404
    return render(request, "reviews/statistics.html", statistics_for(user=request.user))
