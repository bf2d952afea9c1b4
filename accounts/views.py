from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.navigation import role_home_url
from accounts.roles import Role
from accounts.selectors import workspace_for


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    """The public front page: what the card is, who may apply, how."""
    return render(request, "accounts/landing.html")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Sends a signed-in user to the home page of their first role."""
    roles = request.user.roles
    if not roles:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(role_home_url(roles[0]))


@login_required
@require_GET
def workspace(request: HttpRequest, role: str) -> HttpResponse:
    """A role's home: its organisation, its duties and where to do them."""
    if role not in Role.values or not request.user.has_role(Role(role)):
        raise Http404
    return render(request, "accounts/workspace.html", workspace_for(user=request.user, role=Role(role)))
