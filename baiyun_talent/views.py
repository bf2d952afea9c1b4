from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from baiyun_talent.openapi import openapi_document
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
