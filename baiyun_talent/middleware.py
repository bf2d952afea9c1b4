"""Response headers that every page carries; the probes; each request counted, timed and logged."""

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from baiyun_talent.metrics import request_observe

request_logger = logging.getLogger("baiyun_talent.requests")

# Every asset is served from static/: no inline script or style, no third-party origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Adds a strict Content-Security-Policy unless a view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class SignedInNoStoreMiddleware:
    """Pages shown to a signed-in user hold personal data: no browser or shared cache may keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class ProbeMiddleware:
    """Answers /healthz/ and /readyz/ before the host check and the HTTPS redirect: the orchestrator's probe calls
    the process by its internal address over plain HTTP, which ALLOWED_HOSTS and SECURE_SSL_REDIRECT would refuse."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from baiyun_talent.views import healthz, readyz

        probe = {"/healthz/": healthz, "/readyz/": readyz}.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)


class RequestMetricsMiddleware:
    """Counts and times every request for /metrics/, and writes one log line per request with its request id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        match = request.resolver_match
        view = match.view_name if match is not None else "unmatched"
        request_observe(view=view, method=request.method, status=response.status_code, seconds=seconds)
        # The path only: query strings may carry search terms typed by reviewers.
        request_logger.info(
            "%s %s %s %.0f ms",
            request.method,
            request.path,
            response.status_code,
            seconds * 1000,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "view": view,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
        return response
