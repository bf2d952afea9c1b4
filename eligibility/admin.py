"""The talent office's policy pages in the admin: upload a version, preview it (differences and impact), publish
it, or extend a version. Loading needs the add permission, publishing its own (eligibility.publish_policyversion).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from eligibility.catalogue import CatalogueError
from eligibility.forms_policy import PolicyExtendForm, PolicyPublishForm, PolicyUploadForm
from eligibility.models import PolicyVersion
from eligibility.preview import IMPACTS, impact_csv_lines, policy_impact
from eligibility.selectors import catalogue_published, policy_preview, policy_versions
from eligibility.services import policy_version_extend, policy_version_load, policy_version_publish

PUBLISH_PERMISSION = "eligibility.publish_policyversion"
# The preview page lists this many changed profiles; the CSV lists them all.
IMPACT_SHOWN = 50


def _problems_to_form(form, field: str, error: CatalogueError) -> None:
    for problem in error.problems:
        form.add_error(field, str(problem))


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "status", "in_force_from", "in_force_until", "published_at")
    list_filter = ("status",)
    change_list_template = "admin/eligibility/policyversion/change_list.html"
    # No bulk deletion: it would not ask, version by version, whether it was published.
    actions = None

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A published version never changes; a draft is replaced by loading its file again.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self):
        urls = [
            path("extend/", self.admin_site.admin_view(self.extend_view), name="eligibility_policyversion_extend"),
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="eligibility_policyversion_publish",
            ),
            path(
                "<int:pk>/impact/",
                self.admin_site.admin_view(self.impact_view),
                name="eligibility_policyversion_impact",
            ),
            path(
                "<int:pk>/impact.csv",
                self.admin_site.admin_view(self.impact_csv_view),
                name="eligibility_policyversion_impact_csv",
            ),
        ]
        return urls + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        extra = {"versions": policy_versions(), "today": timezone.localdate(), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def _context(self, request: HttpRequest, title: str, **context) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "has_publish_permission": request.user.has_perm(PUBLISH_PERMISSION),
            "has_add_permission": self.has_add_permission(request),
            **context,
        }

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None) -> HttpResponse:
        """Upload a policy file: validated, kept as a draft; every problem is listed with its line."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PolicyUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                version = policy_version_load(text=upload.read(), file_name=upload.name, actor=request.user)
            except CatalogueError as error:
                _problems_to_form(form, "file", error)
            else:
                self.log_addition(request, version, [{"added": {}}])
                messages.success(
                    request,
                    _("%(code)s is kept as a draft: read its preview before publishing.") % {"code": version.code},
                )
                return redirect("admin:eligibility_policyversion_change", version.pk)
        context = self._context(request, _("Load a policy version"), form=form)
        return TemplateResponse(request, "admin/eligibility/policyversion/upload.html", context)

    def _version(self, request: HttpRequest, pk) -> PolicyVersion:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            return PolicyVersion.objects.get(pk=pk)
        except (PolicyVersion.DoesNotExist, ValueError):
            raise Http404 from None

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        """A version's page: its dates and file; for a draft, the differences and the form to publish it."""
        version = self._version(request, object_id)
        preview = policy_preview(version=version)
        start = max(version.in_force_from, timezone.localdate())
        context = self._context(
            request,
            str(version),
            version=version,
            preview=preview,
            publish_form=PolicyPublishForm(initial={"in_force_from": start}),
            original=version,
        )
        return TemplateResponse(request, "admin/eligibility/policyversion/preview.html", context)

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return redirect("admin:eligibility_policyversion_change", pk)
        if not request.user.has_perm(PUBLISH_PERMISSION):
            raise PermissionDenied
        version = self._version(request, pk)
        form = PolicyPublishForm(request.POST)
        if form.is_valid():
            try:
                version = policy_version_publish(
                    version_id=version.pk, actor=request.user, in_force_from=form.cleaned_data["in_force_from"]
                )
            except CatalogueError as error:
                _problems_to_form(form, "in_force_from", error)
            else:
                self.log_change(request, version, [{"changed": {"fields": ["status"]}}])
                messages.success(
                    request,
                    _("%(code)s is published: in force from %(start)s to %(until)s.")
                    % {"code": version.code, "start": version.in_force_from, "until": version.in_force_until},
                )
                return redirect("admin:eligibility_policyversion_change", version.pk)
        context = self._context(
            request, str(version), version=version, preview=policy_preview(version=version), publish_form=form
        )
        return TemplateResponse(request, "admin/eligibility/policyversion/preview.html", context, status=400)

    def _impact_rows(self, version: PolicyVersion):
        preview = policy_preview(version=version)
        rows = policy_impact(before=preview.baseline, after=preview.draft, on_date=preview.draft.in_force_from)
        return preview, rows

    def impact_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Every stored profile under both versions: how many gain, lose or change tier, and the first of them."""
        version = self._version(request, pk)
        preview, rows = self._impact_rows(version)
        counts = dict.fromkeys(IMPACTS, 0)
        shown = []
        for row in rows:
            counts[row.impact] += 1
            if row.impact != "unchanged" and len(shown) < IMPACT_SHOWN:
                shown.append(row)
        context = self._context(
            request,
            _("Impact of %(code)s") % {"code": version.code},
            version=version,
            preview=preview,
            counts=[(impact, IMPACTS[impact], count) for impact, count in counts.items()],
            total=sum(counts.values()),
            shown=shown,
        )
        return TemplateResponse(request, "admin/eligibility/policyversion/impact.html", context)

    def impact_csv_view(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        version = self._version(request, pk)
        _preview, rows = self._impact_rows(version)
        response = StreamingHttpResponse(impact_csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="impact-{version.code}.csv"'
        return response

    def extend_view(self, request: HttpRequest) -> HttpResponse:
        """The shortcut to a successor with the same criteria and new dates (an extension)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        published = catalogue_published().policies
        codes = [policy.code for policy in reversed(published)]
        latest = published[-1]
        initial = {
            "code": latest.code,
            "new_code": f"{latest.code}-ext",
            "in_force_from": max(latest.in_force_until + timedelta(days=1), timezone.localdate()),
            "validity_years": latest.validity_years,
        }
        form = PolicyExtendForm(request.POST or None, codes=codes, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                version = policy_version_extend(
                    code=data["code"],
                    new_code=data["new_code"],
                    in_force_from=data["in_force_from"],
                    validity_years=data["validity_years"],
                    document_number=data["document_number"],
                    actor=request.user,
                )
            except CatalogueError as error:
                _problems_to_form(form, None, error)
            else:
                self.log_addition(request, version, [{"added": {}}])
                messages.success(
                    request,
                    _("%(code)s is kept as a draft: read its preview before publishing.") % {"code": version.code},
                )
                return redirect("admin:eligibility_policyversion_change", version.pk)
        context = self._context(request, _("Extend a policy version"), form=form)
        return TemplateResponse(request, "admin/eligibility/policyversion/extend.html", context)
