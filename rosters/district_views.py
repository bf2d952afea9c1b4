"""The district's pages on rosters: the confirmed rosters its staff may read, the departments' lists the criteria
rely on, and the talent office's funnel of potential talents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Role
from baiyun_talent.charts import bars_of
from baiyun_talent.csvstream import csv_lines
from baiyun_talent.i18n import chinese_active
from rosters.forms import DepartmentListForm
from rosters.lists import ListError, department_list_upload, departments_of_reviewer
from rosters.models import DepartmentList, RosterStatus
from rosters.selectors import (
    FUNNEL_GROUPS,
    FUNNEL_STAGES,
    district_role,
    employers_without_roster,
    funnel,
    rosters_visible_to,
)


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
    lines, total = funnel(group=group, english=not chinese_active())
    labels = stage_labels()
    context = {
        "group": group,
        "groups": [("department", _("Department")), ("employer", _("Employer")), ("tier", _("Tier"))],
        "lines": lines,
        "total": total,
        "stages": [(stage, labels[stage]) for stage in FUNNEL_STAGES],
        "bars": bars_of((labels[stage], total[stage]) for stage in FUNNEL_STAGES),
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
    lines, total = funnel(group=group, english=not chinese_active())
    labels = stage_labels()
    rows = [[line.label, *(line.counts[stage] for stage in FUNNEL_STAGES)] for line in lines]
    rows.append([_("Total"), *(total[stage] for stage in FUNNEL_STAGES)])
    header = [_("Group"), *(labels[stage] for stage in FUNNEL_STAGES)]
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="roster-funnel-{group}-{stamp}.csv"'
    return response
