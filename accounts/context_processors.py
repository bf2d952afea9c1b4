from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts.navigation import navigation_for


def navigation(request: HttpRequest) -> dict:
    """The role-aware navigation bar of the base layout.

    An error page rendered before authentication ran (a Host not in ALLOWED_HOSTS) has no user: it gets none.
    """
    user = getattr(request, "user", None) or AnonymousUser()
    return {"navigation": navigation_for(user=user, path=request.path)}
