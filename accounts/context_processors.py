from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts.navigation import navigation_for
from accounts.twofactor import needs_second_factor


def navigation(request: HttpRequest) -> dict:
    """The role-aware navigation bar of the base layout.

    An error page rendered before authentication ran (a Host not in ALLOWED_HOSTS) has no user: it gets none.
    """
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "navigation": navigation_for(user=user, path=request.path),
        # Staff who have not set up their second factor (optional unless REQUIRE_STAFF_2FA) are offered the link;
        # an enrolled one who has not given the code is sent to give it before any page renders.
        "second_factor_offer": needs_second_factor(user) and not getattr(user, "is_verified", lambda: False)(),
    }
