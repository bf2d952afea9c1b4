from django.http import HttpRequest

from accounts.navigation import navigation_for


def navigation(request: HttpRequest) -> dict:
    """The role-aware navigation bar of the base layout."""
    return {"navigation": navigation_for(user=request.user, path=request.path)}
