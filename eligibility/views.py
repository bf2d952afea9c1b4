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
from eligibility.forms import SelfCheckPageForm
from eligibility.profile import ProfileError
from eligibility.questionnaire import Progress, questionnaire_progress, questionnaire_rows
from eligibility.selectors import catalogue_published, policy_named, stored_policy_source
from eligibility.selfcheck import selfcheck_evaluate, selfcheck_pages, selfcheck_profile

# The self-check's raw answers, page by page, so that the result and "change" links survive a language switch.
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


def _answers(request: HttpRequest) -> dict[str, Any]:
    """The self-check's answers so far, as posted page by page (kept in the session, never in a URL)."""
    answers = request.session.get(ANSWERS_SESSION_KEY)
    return answers if isinstance(answers, dict) else {}


def _go_on(progress: Progress) -> HttpResponse:
    """To the first page still to answer, or to the check-your-answers page when every page is answered."""
    if progress.incomplete is not None:
        return redirect("eligibility:self_check_page", slug=progress.incomplete.slug)
    return redirect("eligibility:self_check_answers")


@require_http_methods(["GET", "POST"])
def self_check(request: HttpRequest) -> HttpResponse:
    """The start page: what the self-check asks and why; POST starts again with no answers."""
    if request.method == "POST":
        request.session.pop(ANSWERS_SESSION_KEY, None)
        return redirect("eligibility:self_check_page", slug=selfcheck_pages({})[0].slug)
    answers = _answers(request)
    progress = questionnaire_progress(answers, today=today_local()) if answers else None
    context = {"first": selfcheck_pages({})[0], "progress": progress}
    return render(request, "eligibility/self_check.html", context)


@require_http_methods(["GET", "POST"])
def self_check_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One question page; a valid answer is kept and leads to the next page its answers call for."""
    answers = _answers(request)
    progress = questionnaire_progress(answers, today=today_local())
    page = progress.page(slug)
    if page is None:
        # Not (or no longer) on this person's way: a page skipped, or one further than they have come.
        return _go_on(progress)
    slugs = [item.slug for item in progress.pages]
    if progress.incomplete is not None and slugs.index(slug) > slugs.index(progress.incomplete.slug):
        return _go_on(progress)
    if request.method == "POST":
        form = SelfCheckPageForm(request.POST, page=page)
        if form.is_valid():
            answers = {**answers, **form.submitted(request.POST)}
            request.session[ANSWERS_SESSION_KEY] = answers
            return _go_on(questionnaire_progress(answers, today=today_local()))
    else:
        form = SelfCheckPageForm(page=page, initial={name: answers[name] for name in answers})
    previous = progress.previous(slug)
    context = {"form": form, "page": page, "previous": previous, "number": slugs.index(slug) + 1}
    return render(request, "eligibility/self_check_page.html", context)


@require_GET
def self_check_answers(request: HttpRequest) -> HttpResponse:
    """Check your answers: every question asked with the answer given and a link to change it."""
    answers = _answers(request)
    progress = questionnaire_progress(answers, today=today_local())
    if not answers or progress.incomplete is not None:
        return _go_on(progress)
    context = {"sections": questionnaire_rows(progress, answers), "last": progress.pages[-1]}
    return render(request, "eligibility/self_check_answers.html", context)


def _answered(request: HttpRequest) -> Progress | None:
    """The answers when every page on the person's way is answered, else None."""
    answers = _answers(request)
    if not answers:
        return None
    progress = questionnaire_progress(answers, today=today_local())
    return progress if progress.incomplete is None else None


@require_GET
def self_check_result(request: HttpRequest) -> HttpResponse:
    """What is certain, what depends on the "not sure" answers, why, the services and the materials to prepare."""
    progress = _answered(request)
    if progress is None:
        return redirect("eligibility:self_check")
    profile, unknown = selfcheck_profile(progress.cleaned)
    result = selfcheck_evaluate(profile=profile, unknown=unknown, today=today_local())
    return render(request, "eligibility/self_check_result.html", result)


@require_POST
def self_check_apply(request: HttpRequest) -> HttpResponse:
    """Hand the answers over to the application form (applications:start reads the session; login comes first)."""
    progress = _answered(request)
    if progress is None:
        return redirect("eligibility:self_check")
    profile, _unknown = selfcheck_profile(progress.cleaned)
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
