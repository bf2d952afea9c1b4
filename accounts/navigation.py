"""Where each role works: its home page and its entries in the navigation bar."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool = False


def role_home_url(role: Role) -> str:
    """The page a user of `role` lands on after signing in."""
    return reverse("accounts:workspace", kwargs={"role": role.value})


def navigation_for(*, user, path: str) -> list[NavItem]:
    """The navigation entries of the roles the user holds, in the order of the spec."""
    if not user.is_authenticated:
        return []
    items = []
    for role in user.roles:
        url = role_home_url(role)
        items.append(NavItem(label=role.label, url=url, active=path.startswith(url)))
    return items
