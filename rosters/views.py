"""Pages of 免申即享: the employer's rosters, the invitee's invitation, the departments' lists, the office's funnel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from accounts.services import access_log_record
from applications.services import today_local
from baiyun_talent.csvstream import csv_lines
from baiyun_talent.i18n import chinese_active
from eligibility.selectors import catalogue_published, policy_latest
from rosters.columns import COLUMN_BY_KEY, COLUMNS
from rosters.forms import ConsentForm, DepartmentListForm, RosterUploadForm
from rosters.lists import ListError, department_list_upload, departments_of_reviewer
from rosters.models import DepartmentList, Invitation, Roster, RosterStatus
from rosters.reader import template_workbook
from rosters.selectors import (
    FUNNEL_GROUPS,
    FUNNEL_STAGES,
    district_role,
    employers_without_roster,
    funnel,
    invitations_of_person,
    roster_rows_page,
    rosters_of_employers,
    rosters_visible_to,
)
from rosters.services import (
    InvitationError,
    RosterError,
    employers_of_officer,
    invitation_apply,
    invitation_consent,
    invitation_decline,
    invitation_for_token,
    invitation_of_person,
    invitation_open,
    invitation_statement,
    roster_confirm,
    roster_discard,
    roster_upload,
)

DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _english() -> bool:
    return not chinese_active()


def _employer_only(request: HttpRequest) -> None:
    if not request.user.has_role(Role.EMPLOYER):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """The employer officer's rosters and the upload of a new one."""
    _employer_only(request)
    employers = employers_of_officer(request.user)
    form = RosterUploadForm(request.POST or None, request.FILES or None, employers=employers)
    if request.method == "POST" and form.is_valid():
        try:
            roster = roster_upload(
                actor=request.user, employer_id=form.cleaned_data["employer"].pk, file=form.cleaned_data["file"]
            )
        except RosterError as error:
            form.add_error("file", str(error))
        else:
            return redirect("rosters:detail", pk=roster.pk)
    rosters = rosters_of_employers(user=request.user)
    return render(request, "rosters/home.html", {"form": form, "rosters": rosters, "columns": COLUMNS})


@login_required
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    """The roster template, with the columns of the eligibility profile in Chinese, examples and data validation."""
    _employer_only(request)
    content = template_workbook(policy=policy_latest(on_date=today_local()))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="roster-template.xlsx"'
    return response


def _roster_for(request: HttpRequest, pk: int) -> Roster:
    try:
        roster = rosters_visible_to(request.user).get(pk=pk)
    except Roster.DoesNotExist:
        raise Http404 from None
    own = roster.employer.officers.filter(pk=request.user.pk).exists()
    if not own:
        # Every read of a roster by district staff is logged, as their reads of applications are.
        role = district_role(request.user)
        access_log_record(user=request.user, action="view", obj=roster, role=role.value if role else "")
    return roster


def _row_view(row, *, english: bool, policy) -> dict:
    tier_names = {tier.code: (tier.en if english else tier.zh) for tier in policy.tiers} if policy else {}
    headings = {column.key: column.heading(english=english) for column in COLUMNS}
    # What is missing to decide, by the tier it could still reach: the columns left empty that would settle it.
    missing: dict[str, dict[str, None]] = {}
    for unlock in row.undecided:
        columns = missing.setdefault(tier_names.get(unlock["tier"], unlock["tier"]), {})
        for name in unlock["needs"]:
            # An honour the row did not list ("honours.<code>") is asked in the honours column.
            key = "honours" if name.startswith("honours") else name
            columns[headings.get(key, key)] = None
    errors = [
        {
            "column": error["column_en"] if english else error["column_zh"],
            "reason": error["en"] if english else error["zh"],
        }
        for error in row.errors
    ]
    try:
        invitation = row.invitation
    except ObjectDoesNotExist:
        invitation = None
    return {
        "row": row,
        "tier": tier_names.get(row.tier, ""),
        "errors": errors,
        "missing": [(tier, list(columns)) for tier, columns in missing.items()],
        "undecided_count": len(row.undecided),
        "invitation": invitation,
        "lists": [
            {"department": item["department_en"] if english else item["department_zh"], "year": item["year"]}
            for item in row.list_confirmations
        ],
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One roster: its progress while being read, then per row the tier, criteria, what is missing and the errors."""
    roster = _roster_for(request, pk)
    english = _english()
    only = request.GET.get("only", "")
    rows = roster_rows_page(roster=roster, only=only)[:2000]
    policy = catalogue_published().policy_for(roster.on_date) or policy_latest(on_date=roster.on_date)
    refusal = ""
    if roster.refusal:
        zh, _sep, en = roster.refusal.partition("\n")
        refusal = en if english else zh
    context = {
        "roster": roster,
        "rows": [_row_view(row, english=english, policy=policy) for row in rows],
        "only": only,
        "refusal": refusal,
        "own": roster.employer.officers.filter(pk=request.user.pk).exists(),
        "percent": (roster.rows_done * 100 // roster.rows_total) if roster.rows_total else None,
        "invited": roster.rows.filter(invitation__isnull=False).count(),
        "document_heading": COLUMN_BY_KEY["document_number"].heading(english=english),
    }
    return render(request, "rosters/detail.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirms the draft and invites the qualifying rows ticked (every qualifying row is ticked at first)."""
    _employer_only(request)
    row_ids = [int(value) for value in request.POST.getlist("rows") if value.isdigit()]
    try:
        invitations = roster_confirm(roster_id=pk, actor=request.user, row_ids=row_ids)
    except Roster.DoesNotExist:
        raise Http404 from None
    except RosterError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The roster is confirmed; %(count)d invitations were sent.") % {"count": len(invitations)}
        )
    return redirect("rosters:detail", pk=pk)


@login_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    _employer_only(request)
    try:
        roster_discard(roster_id=pk, actor=request.user)
    except Roster.DoesNotExist:
        raise Http404 from None
    except RosterError as error:
        messages.error(request, str(error))
        return redirect("rosters:detail", pk=pk)
    messages.success(request, _("The draft roster was discarded."))
    return redirect("rosters:home")


@login_required
@require_GET
def roster_file(request: HttpRequest, pk: int) -> FileResponse:
    """The uploaded file, to its employer and the district staff who may read the roster (logged); private."""
    roster = _roster_for(request, pk)
    if not roster.file:
        raise Http404
    try:
        stream = default_storage.open(roster.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(stream, as_attachment=True, filename=f"roster-{roster.pk}.xlsx", content_type=XLSX)
    for header, value in DOWNLOAD_HEADERS.items():
        response[header] = value
    return response


@login_required
@require_GET
def district(request: HttpRequest) -> HttpResponse:
    """The rosters the district staff may read: confirmed ones, by employer."""
    if district_role(request.user) is None:
        raise Http404
    rosters = (
        rosters_visible_to(request.user)
        .filter(status=RosterStatus.CONFIRMED)
        .select_related("employer__department")[:500]
    )
    return render(request, "rosters/district.html", {"rosters": rosters})


# The invitee.


@require_http_methods(["GET", "POST"])
def invitation_open_view(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link. Anyone may see that it is valid (nothing personal); a signed-in applicant spends it."""
    try:
        invitation = invitation_for_token(token=token)
    except InvitationError as error:
        return render(request, "rosters/invitation_refused.html", {"reason": str(error)}, status=410)
    if not request.user.is_authenticated:
        return render(request, "rosters/invitation_welcome.html", {"invitation": invitation, "next": request.path})
    if request.method == "POST":
        try:
            invitation = invitation_open(token=token, person=request.user)
        except InvitationError as error:
            return render(request, "rosters/invitation_refused.html", {"reason": str(error)}, status=403)
        return redirect("rosters:invitation", pk=invitation.pk)
    return render(request, "rosters/invitation_welcome.html", {"invitation": invitation, "next": request.path})


def _invitation_or_404(request: HttpRequest, pk: int) -> Invitation:
    try:
        return invitation_of_person(invitation_id=pk, person=request.user)
    except Invitation.DoesNotExist:
        raise Http404 from None


def consent_texts(invitation: Invitation) -> dict[str, str]:
    """What the person consents to, in their language: recorded exactly as shown (PIPL 第十四条、第十七条)."""
    employer = invitation.employer.display_name
    english = _english()
    data = (", " if english else "、").join(column.heading(english=english) for column in COLUMNS)
    return {
        "purpose": _(
            "To fill in your application for the Baiyun Talent Card (云聚英才卡) with what your employer %(employer)s "
            "stated, and to review that application."
        )
        % {"employer": employer},
        "data": data,
        "recipients": _(
            "Your employer (who stated it); the industry department, the district human resources bureau and the "
            "district talent office, who review applications; the auditor. Nobody else."
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, pk: int) -> HttpResponse:
    """What the employer stated, to be corrected and consented to, then the application or a decline."""
    invitation = _invitation_or_404(request, pk)
    policy = policy_latest(on_date=today_local())
    statement = invitation_statement(invitation)
    texts = consent_texts(invitation)
    form = ConsentForm(request.POST or None, statement=statement, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_consent(invitation_id=invitation.pk, person=request.user, corrected=form.statement(), **texts)
            application = invitation_apply(invitation_id=invitation.pk, person=request.user)
        except InvitationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your application has been filled in with what you confirmed."))
            return redirect("applications:edit", pk=application.pk, step="identity")
    context = {
        "invitation": invitation,
        "form": form,
        "texts": texts,
        "masked_document_number": invitation.row.masked_document_number,
        "consents": list(invitation.consents.all()),
    }
    return render(request, "rosters/invitation.html", context)


@login_required
@require_POST
def invitation_decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation_or_404(request, pk)
    try:
        invitation_decline(invitation_id=invitation.pk, person=request.user)
    except InvitationError as error:
        messages.error(request, str(error))
        return redirect("rosters:invitation", pk=pk)
    messages.success(request, _("You declined the invitation. You will not be invited again from a roster this year."))
    return redirect("rosters:mine")


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The person's invitations."""
    if not request.user.has_role(Role.APPLICANT):
        raise Http404
    return render(request, "rosters/mine.html", {"invitations": invitations_of_person(user=request.user)})


# The departments' lists.


@login_required
@require_http_methods(["GET", "POST"])
def lists(request: HttpRequest) -> HttpResponse:
    """A department reviewer uploads the lists the criteria rely on, for the year they hold."""
    departments = departments_of_reviewer(request.user)
    if not request.user.has_role(Role.DEPARTMENT_REVIEWER):
        raise Http404
    form = DepartmentListForm(request.POST or None, request.FILES or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            found = department_list_upload(
                actor=request.user,
                department_id=form.cleaned_data["department"].pk,
                kind=form.cleaned_data["kind"],
                year=form.cleaned_data["year"],
                data=upload.read(),
                name=upload.name or "list",
            )
        except ListError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            messages.success(
                request,
                _("The list holds %(count)d enterprises for %(year)d.")
                % {"count": found.entries.count(), "year": found.year},
            )
            return redirect("rosters:lists")
    kept = (
        DepartmentList.objects.filter(department__in=departments, is_current=True)
        .select_related("department")
        .annotate(size=Count("entries"))
    )
    return render(request, "rosters/lists.html", {"form": form, "lists": kept})


# The talent office.


def _office_only(request: HttpRequest) -> None:
    if not (request.user.has_role(Role.TALENT_OFFICE) or request.user.has_role(Role.AUDITOR)):
        raise Http404


def _bars(lines, total) -> list[dict]:
    """The funnel's stages as bars of an inline SVG (attributes only, so the strict CSP holds)."""
    labels = stage_labels()
    top = max(total["rostered"], 1)
    return [
        {
            "label": labels[stage],
            "count": total[stage],
            "width": round(total[stage] * 600 / top),
            "y": index * 36,
            "text_y": index * 36 + 20,
        }
        for index, stage in enumerate(FUNNEL_STAGES)
    ]


def stage_labels() -> dict[str, str]:
    return {
        "rostered": _("Rostered"),
        "qualifying": _("Qualifying"),
        "invited": _("Invited"),
        "applied": _("Applied"),
        "approved": _("Approved"),
        "issued": _("Card issued"),
    }


@login_required
@require_GET
def funnel_view(request: HttpRequest) -> HttpResponse:
    """Potential talents from the rosters to the cards, by department, employer or tier, and who sent no roster."""
    _office_only(request)
    group = request.GET.get("by", "department")
    if group not in FUNNEL_GROUPS:
        group = "department"
    lines, total = funnel(group=group, english=_english())
    labels = stage_labels()
    context = {
        "group": group,
        "groups": [("department", _("Department")), ("employer", _("Employer")), ("tier", _("Tier"))],
        "lines": lines,
        "total": total,
        "stages": [(stage, labels[stage]) for stage in FUNNEL_STAGES],
        "bars": _bars(lines, total),
        "chart_height": len(FUNNEL_STAGES) * 36,
        "without_roster": employers_without_roster()[:500],
        "csv_url": reverse("rosters:funnel_csv") + f"?by={group}",
    }
    return render(request, "rosters/funnel.html", context)


@login_required
@require_GET
def funnel_csv(request: HttpRequest) -> StreamingHttpResponse:
    _office_only(request)
    group = request.GET.get("by", "department")
    if group not in FUNNEL_GROUPS:
        group = "department"
    lines, total = funnel(group=group, english=_english())
    labels = stage_labels()
    rows = [[line.label, *(line.counts[stage] for stage in FUNNEL_STAGES)] for line in lines]
    rows.append([_("Total"), *(total[stage] for stage in FUNNEL_STAGES)])
    header = [_("Group"), *(labels[stage] for stage in FUNNEL_STAGES)]
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="roster-funnel-{group}-{stamp}.csv"'
    return response
