"""Public pages of card verification: the page for people, the JSON API, the published keys and status list."""

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from baiyun_talent.i18n import chinese_active
from baiyun_talent.ratelimit import client_rate_check
from cards.forms import VerifyForm
from cards.keys import SigningKeyError, keys_jwks
from cards.status_list import status_list_current
from cards.verification import IDENTITY_CHECK, card_verify, verification_json

RATE_GROUP = "card-verify"
# A verification request holds one token (at most a few thousand characters): anything far larger is refused unread.
API_MAX_BODY_BYTES = 8192
# Verifiers and caches may keep the keys and the status list this long; a new key is published before it signs.
PUBLISHED_MAX_AGE = 300

API_MESSAGES = {
    "invalid_json": _("The body is not valid JSON (line %(line)s, column %(column)s)."),
    "invalid_encoding": _("The body is not UTF-8 text."),
    "token_missing": _('Send {"token": "..."} with the text of the card\'s QR code or its token.'),
    "body_too_large": _("The body is larger than %(limit)s bytes: send only the token."),
    "unsupported_media_type": _("Send the token as JSON (Content-Type: application/json)."),
    "method_not_allowed": _("This address accepts %(allowed)s requests only."),
    "rate_limited": _("Too many verifications: try again in %(seconds)s seconds."),
    "unavailable": _("The status list cannot be published now: no signing key is active."),
}


def _rate_check(request: HttpRequest) -> int | None:
    return client_rate_check(request=request, group=RATE_GROUP, limit=settings.CARD_VERIFY_RATE_LIMIT)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Scan or paste a card's QR code; the answer with the card face and the reminder to check the holder's ID."""
    form = VerifyForm(request.POST or None)
    result = None
    if request.method == "POST":
        retry_after = _rate_check(request)
        if retry_after is not None:
            context = {"form": VerifyForm(), "retry_after": retry_after}
            response = render(request, "cards/verify.html", context, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        if form.is_valid():
            result = card_verify(text=form.cleaned_data["token"])
            form = VerifyForm()
    context = {"form": form, "result": result, "identity_check": IDENTITY_CHECK}
    return render(request, "cards/verify.html", context)


def _api_error(code: str, *, field: str, status: int, headers: dict | None = None, **params: object) -> JsonResponse:
    """The API's one error shape (as the eligibility API's): field, code, message in the request's language, zh, en."""
    texts = {}
    for language, key in (("zh-hans", "zh"), ("en", "en")):
        with translation.override(language):
            texts[key] = str(API_MESSAGES[code]) % params
    english = not chinese_active()
    body = {"error": {"field": field, "code": code, "message": texts["en" if english else "zh"], **texts}}
    return JsonResponse(body, status=status, headers=headers, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # reads only: nothing is changed and no cookie is trusted
@never_cache
def api_verify(request: HttpRequest) -> HttpResponse:
    """POST {"token": "..."}: the verdict, the card face and the reminder, in JSON (no template on this path)."""
    retry_after = _rate_check(request)
    if retry_after is not None:
        return _api_error(
            "rate_limited", field="request", status=429, headers={"Retry-After": str(retry_after)}, seconds=retry_after
        )
    if request.method != "POST":
        return _api_error("method_not_allowed", field="method", status=405, headers={"Allow": "POST"}, allowed="POST")
    if request.content_type != "application/json":
        return _api_error("unsupported_media_type", field="Content-Type", status=415)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    raw = b"" if declared > API_MAX_BODY_BYTES else request.read(API_MAX_BODY_BYTES + 1)
    if declared > API_MAX_BODY_BYTES or len(raw) > API_MAX_BODY_BYTES:
        return _api_error("body_too_large", field="body", status=413, limit=API_MAX_BODY_BYTES)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return _api_error("invalid_encoding", field="body", status=400)
    except json.JSONDecodeError as error:
        return _api_error("invalid_json", field="body", status=400, line=error.lineno, column=error.colno)
    token = data.get("token") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token.strip():
        return _api_error("token_missing", field="token", status=400)
    result = card_verify(text=token)
    body = verification_json(result, language=translation.get_language() or "")
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _published(request: HttpRequest, body: str, *, content_type: str, etag: str) -> HttpResponse:
    """A public document any verifier may fetch and cache, revalidated by its ETag."""
    etag = f'"{etag}"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=PUBLISHED_MAX_AGE)
    return response


@require_http_methods(["GET", "HEAD"])
def keys(request: HttpRequest) -> HttpResponse:
    """The public keys that verify the cards' QR codes and the status list, as a JWK Set."""
    body = json.dumps(keys_jwks(), indent=1)
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    return _published(request, body, content_type="application/jwk-set+json", etag=etag)


@require_http_methods(["GET", "HEAD"])
def status_list(request: HttpRequest) -> HttpResponse:
    """The signed status list of the cards (W3C Bitstring Status List), for verifiers without a network."""
    try:
        published = status_list_current()
    except SigningKeyError:
        return _api_error("unavailable", field="status_list", status=503, headers={"Retry-After": "300"})
    return _published(request, published.body, content_type="application/json", etag=published.etag)
