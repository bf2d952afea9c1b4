"""Public pages of the eligibility engine: the JSON API (/api/v1/) and the self-check ("我能申领吗？")."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eligibility.api import (
    BoundaryError,
    api_rate_check,
    criteria_listing,
    error_body,
    evaluation_run,
    json_parse,
    on_date_parse,
    today_local,
)
from eligibility.forms import SelfCheckForm
from eligibility.profile import ProfileError
from eligibility.selectors import catalogue_published, policy_named, stored_policy_source
from eligibility.selfcheck import selfcheck_evaluate, selfcheck_profile

# The questionnaire's raw answers, so that the result and "change my answers" survive a language switch.
ANSWERS_SESSION_KEY = "self_check_answers"
# Read by applications:start (another app): the profile as the engine takes it, without on_date.
PROFILE_SESSION_KEY = "self_check_profile"
JSON_MEDIA_TYPES = frozenset({"application/json"})


def _json(data: object, *, status: int = 200, headers: dict[str, str] | None = None) -> JsonResponse:
    """A JSON response with Chinese left readable."""
    return JsonResponse(data, status=status, safe=False, headers=headers, json_dumps_params={"ensure_ascii": False})


def _refused(
    error: ProfileError | BoundaryError, *, status: int, headers: dict[str, str] | None = None
) -> JsonResponse:
    """The error body of the contract."""
    return _json(error_body(error), status=status, headers=headers)


def api_endpoint(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Rate limit per client address, answer a wrong method with 405 and client errors with 400, all as JSON.

    CSRF-exempt: the API changes nothing and trusts no cookie, and the CSRF check would otherwise answer an unsafe
    method with an HTML page before the view could say 405 in JSON.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            retry_after = api_rate_check(request=request)
            if retry_after is not None:
                error = BoundaryError(field="request", code="rate_limited", seconds=retry_after)
                return _refused(error, status=429, headers={"Retry-After": str(retry_after)})
            if request.method not in methods:
                allowed = ", ".join(methods)
                error = BoundaryError(field="method", code="method_not_allowed", allowed=allowed)
                return _refused(error, status=405, headers={"Allow": allowed})
            try:
                return view(request, *args, **kwargs)
            except (ProfileError, BoundaryError) as error:
                return _refused(error, status=400)
            except RequestDataTooBig:
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
                return _refused(BoundaryError(field="body", code="too_large", limit=limit), status=413)

        return csrf_exempt(run)

    return decorate


@api_endpoint("POST")
def api_evaluate(request: HttpRequest) -> HttpResponse:
    """POST a profile, get the evaluation of the spec's "Output"."""
    if request.content_type not in JSON_MEDIA_TYPES:
        return _refused(BoundaryError(field="Content-Type", code="unsupported_media_type"), status=415)
    return _json(evaluation_run(json_parse(request.body, field="body")))


@api_endpoint("GET", "HEAD")
def api_criteria(request: HttpRequest) -> HttpResponse:
    """The criteria catalogue in force on ?on=DATE (today by default)."""
    return _json(criteria_listing(on_date=on_date_parse(request.GET.get("on"), field="on")))


@require_http_methods(["GET", "POST"])
def self_check(request: HttpRequest) -> HttpResponse:
    """The questionnaire; valid answers are kept in the session and the result shown on its own page."""
    if request.method == "POST":
        form = SelfCheckForm(request.POST)
        if form.is_valid():
            request.session[ANSWERS_SESSION_KEY] = {
                name: value for name, value in request.POST.items() if name in form.fields
            }
            return redirect("eligibility:self_check_result")
    else:
        answers = request.session.get(ANSWERS_SESSION_KEY)
        form = SelfCheckForm(answers) if answers else SelfCheckForm()
    return render(request, "eligibility/self_check.html", {"form": form})


def _answered(request: HttpRequest) -> SelfCheckForm | None:
    """The stored answers as a validated form, or None when there are none (or they no longer validate)."""
    answers = request.session.get(ANSWERS_SESSION_KEY)
    if not answers:
        return None
    form = SelfCheckForm(answers)
    return form if form.is_valid() else None


@require_GET
def self_check_result(request: HttpRequest) -> HttpResponse:
    """Tier, matched criteria, blockers, benefits, materials to prepare, and what "not sure" answers could unlock."""
    form = _answered(request)
    if form is None:
        return redirect("eligibility:self_check")
    profile, unknown = selfcheck_profile(form.cleaned_data)
    result = selfcheck_evaluate(profile=profile, unknown=unknown, today=today_local())
    return render(request, "eligibility/self_check_result.html", result)


@require_POST
def self_check_apply(request: HttpRequest) -> HttpResponse:
    """Hand the answers over to the application form (applications:start reads the session; login comes first)."""
    form = _answered(request)
    if form is None:
        return redirect("eligibility:self_check")
    profile, _unknown = selfcheck_profile(form.cleaned_data)
    request.session[PROFILE_SESSION_KEY] = profile
    return HttpResponseRedirect(reverse("applications:start"))


@require_GET
def policies(request: HttpRequest) -> HttpResponse:
    """Every version ever published, with its dates: each evaluation names the one it used (第九条)."""
    today = today_local()
    rows = [{"policy": policy, "in_force": policy.in_force_on(today)} for policy in catalogue_published().policies]
    return render(request, "eligibility/policies.html", {"rows": rows})


@require_GET
def policy(request: HttpRequest, code: str) -> HttpResponse:
    """One published version as it reads: its dates, criteria, services and file. Drafts are not public."""
    found = policy_named(code)
    if found is None:
        raise Http404
    context = {"policy": found, "source": stored_policy_source(code), "in_force": found.in_force_on(today_local())}
    return render(request, "eligibility/policy.html", context)
