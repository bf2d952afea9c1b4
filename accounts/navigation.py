"""Where each role works: its home page and its entries in the navigation bar."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool = False


# The page each role lands on after signing in, and that its navigation entry opens.
ROLE_HOME = {
    Role.APPLICANT: ("applications:home", {}),
    Role.EMPLOYER: ("applications:employer_home", {}),
    Role.DEPARTMENT_REVIEWER: ("reviews:queue", {"role": Role.DEPARTMENT_REVIEWER.value}),
    Role.HR_REVIEWER: ("reviews:queue", {"role": Role.HR_REVIEWER.value}),
    Role.TALENT_OFFICE: ("reviews:queue", {"role": Role.TALENT_OFFICE.value}),
    Role.SERVICE_DESK: ("benefits:desk", {}),
    Role.AUDITOR: ("reviews:queue", {"role": Role.AUDITOR.value}),
}


# The navigation names a role's home by what the person finds there, not by the role's name.
ROLE_NAV_LABEL = {Role.APPLICANT: _("My applications")}


def role_home_url(role: Role) -> str:
    """The page a user of `role` lands on after signing in."""
    name, kwargs = ROLE_HOME[role]
    return reverse(name, kwargs=kwargs)


# Pages besides a role's home that its navigation lists, by URL name (accounts imports no app above it): the holder's
# own card and its services (第四条), the cards under management (第六条) and the uses of the services per month.
SERVICE_USES = ("benefits:statistics", _("Service uses"))
ROLE_PAGES = {
    Role.APPLICANT: (("cards:mine", _("My Talent Card")), ("benefits:mine", _("My card's services"))),
    Role.EMPLOYER: (("cards:midterm_list", _("Mid-term assessments")),),
    Role.DEPARTMENT_REVIEWER: (("cards:register", _("Card register")),),
    Role.HR_REVIEWER: (("cards:register", _("Card register")), SERVICE_USES),
    Role.TALENT_OFFICE: (("cards:register", _("Card register")), SERVICE_USES),
    Role.SERVICE_DESK: (("benefits:desk_records", _("Records of your desk")),),
    Role.AUDITOR: (("cards:register", _("Card register")), ("accounts:lockouts", _("Failed logins")), SERVICE_USES),
}


def navigation_for(*, user, path: str) -> list[NavItem]:
    """The navigation entries of the roles the user holds, in the order of the spec, then their other pages."""
    if not user.is_authenticated:
        return []
    items = []
    for role in user.roles:
        url = role_home_url(role)
        items.append(NavItem(label=ROLE_NAV_LABEL.get(role, role.label), url=url, active=path.startswith(url)))
    pages = dict.fromkeys(page for role in user.roles for page in ROLE_PAGES.get(role, ()))
    for name, label in pages:
        url = reverse(name)
        items.append(NavItem(label=label, url=url, active=path.startswith(url)))
    return items
