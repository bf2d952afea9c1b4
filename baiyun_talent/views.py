from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from baiyun_talent.openapi import openapi_document


@require_http_methods(["GET", "HEAD"])
def openapi_json(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 document of /api/v1."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
