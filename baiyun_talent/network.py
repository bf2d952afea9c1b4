"""The client's address, read the same way by the login lock, the registration limits and the API's rate limit."""

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a placeholder value compared, never bound


def client_address(request: HttpRequest) -> str:
    """The address of the client, trusting exactly TRUSTED_PROXY_COUNT proxies in front of the portal.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so the client is the
    entry TRUSTED_PROXY_COUNT places from the right; whatever a client wrote further left is ignored. With no trusted
    proxy (the default) the header is the client's to forge and only the connection's address counts.
    """
    # A request that came through no socket (a WSGI call in-process) has no address: counted as one unknown client.
    remote_address = request.META.get("REMOTE_ADDR") or UNKNOWN_ADDRESS
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote_address
    # python-ipware counts the proxies listed in the header: the last one is REMOTE_ADDR, not in the list.
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or remote_address
