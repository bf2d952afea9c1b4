"""The employers' rosters: the template, the upload read in the background, the rows, confirmation and the file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from accounts.services import access_log_record
from applications.services import today_local
from baiyun_talent.i18n import chinese_active
from eligibility.selectors import catalogue_published, policy_latest
from rosters.columns import COLUMN_BY_KEY, COLUMNS
from rosters.forms import RosterUploadForm
from rosters.models import Roster
from rosters.reader import template_workbook
from rosters.selectors import (
    district_role,
    roster_rows_page,
    rosters_of_employers,
    rosters_visible_to,
)
from rosters.services import (
    RosterError,
    employers_of_officer,
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
