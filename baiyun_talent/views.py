import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from baiyun_talent.metrics import metrics_text
from baiyun_talent.openapi import openapi_document
from baiyun_talent.probes import FAILED, readiness_checks
from eligibility.selectors import policy_latest
from eligibility.views import api_endpoint


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    """The public front page as a 办事指南: conditions, materials, the six stages, whom to call, and where to start.

    The materials and the offices to call are read from the policy in force, so the guide says what the forms ask.
    """
    return render(request, "landing.html", {"policy": policy_latest(on_date=timezone.localdate())})


@api_endpoint("GET", "HEAD")
def openapi_json(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 document of /api/v1."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The process lives and answers; nothing else is asked (a restart would not cure a database outage)."""
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response


@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Whether this instance can serve: 200, or 503 naming the dependency that failed."""
    checks = readiness_checks()
    ready = FAILED not in checks.values()
    response = JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
    add_never_cache_headers(response)
    return response


@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a scraper with METRICS_TOKEN or a staff user verified by a code."""
    if not _may_read_metrics(request):
        return HttpResponseForbidden(
            "Metrics need the METRICS_TOKEN as a bearer token, or a staff sign-in.\n", content_type="text/plain"
        )
    response = HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
    add_never_cache_headers(response)
    return response


def _may_read_metrics(request: HttpRequest) -> bool:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if settings.METRICS_TOKEN and scheme.lower() == "bearer":
        return hmac.compare_digest(token.strip().encode(), settings.METRICS_TOKEN.encode())
    user = request.user
    return user.is_authenticated and user.is_staff and user.is_verified()
