"""Reads for the accounts pages."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from eligibility.selectors import policy_latest

# What each role does, in the words of 实施细则 第五条/第六条 and ../shared/spec/workflow.md.
ROLE_DUTIES = {
    Role.APPLICANT: [
        _("Check whether you meet the criteria for a diamond, gold or silver card."),
        _("Apply online with colour scans of your materials; paper is not accepted (Art. 5)."),
        _("Follow your application through each review stage and supplement materials when asked."),
    ],
    Role.EMPLOYER: [
        _("See the applicants and card holders of your unit."),
        _("File the mid-term assessment of each holder in the 30th month (Art. 6)."),
    ],
    Role.DEPARTMENT_REVIEWER: [
        _("Do the initial review (初审) of the applications of the employers your department oversees."),
        _("Return an application for missing materials, stating the reasons and the items to supplement."),
    ],
    Role.HR_REVIEWER: [
        _("Do the second review (复审) of applications that passed initial review."),
        _("Approve gold and silver cards (Art. 5(4))."),
    ],
    Role.TALENT_OFFICE: [
        _("Approve diamond cards and forward case-by-case applications to the leading group (Art. 5(4))."),
        _("Produce and issue the electronic cards and notify the relevant units (Art. 5(5)–(6))."),
    ],
    Role.SERVICE_DESK: [
        _("Verify a card that a holder presents."),
        _("Record the use of the services your desk provides, within their quotas."),
    ],
    Role.AUDITOR: [
        _("Read every application, decision and card, read-only; every read is logged."),
    ],
}


def workspace_for(*, user: User, role: Role) -> dict:
    """The context of a role's home page: the role, its duties and the user's organisations for it."""
    organisations = {
        Role.EMPLOYER: list(user.employers.select_related("department")),
        Role.DEPARTMENT_REVIEWER: list(user.departments.all()),
        Role.SERVICE_DESK: list(user.service_desks.all()),
    }.get(role, [])
    return {
        "role": role,
        "duties": ROLE_DUTIES[role],
        "organisations": organisations,
        "services": desk_services(organisations) if role == Role.SERVICE_DESK else [],
    }


def desk_services(desks) -> list[tuple[int, str]]:
    """The 第四条 services the user's desks provide, numbered and named in the active language."""
    # 第四条 as the version in force (or the last one, during a lapse: the cards issued keep their services).
    policy = policy_latest(on_date=timezone.localdate())
    if policy is None:
        return []
    chinese = (get_language() or settings.LANGUAGE_CODE).startswith("zh")
    names = {benefit.number: benefit.zh if chinese else benefit.en for benefit in policy.benefits}
    numbers = sorted({number for desk in desks for number in desk.benefit_items})
    return [(number, names[number]) for number in numbers if number in names]
