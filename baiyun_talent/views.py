from django.http import HttpRequest, HttpResponse, JsonResponse

from baiyun_talent.openapi import openapi_document
from eligibility.views import api_endpoint


@api_endpoint("GET", "HEAD")
def openapi_json(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 document of /api/v1."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
