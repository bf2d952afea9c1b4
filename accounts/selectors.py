"""Reads for the accounts pages."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User, VerificationCode
from accounts.roles import Role

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
    }


# A registration whose codes were not confirmed within a day is dropped (accounts.tasks.pending_accounts_expire).
PENDING_ACCOUNT_LIFETIME = timedelta(days=1)


def registration_pending(*, user: User) -> bool:
    """Whether the inactive `user` is a registration still awaiting its codes (not an account that was switched off)."""
    return (
        not user.is_active
        and user.last_login is None
        and user.date_joined >= timezone.now() - PENDING_ACCOUNT_LIFETIME
        and VerificationCode.objects.filter(user=user).exists()
    )


def user_for_login(*, identifier: str) -> User | None:
    """The account that a username, mobile or e-mail typed at the login names, or None.

    Accounts in use come first, so that no registration awaiting its codes (which may carry anyone's address) stands
    in front of the owner; within each kind the username wins, then the mobile, then an e-mail only one account has.
    """
    identifier = identifier.strip()
    if not identifier:
        return None
    cutoff = timezone.now() - PENDING_ACCOUNT_LIFETIME
    candidates = [
        candidate
        for candidate in User.objects.filter(
            Q(username=identifier) | Q(mobile=identifier) | Q(email__iexact=identifier)
        ).order_by("-is_active", "-date_joined")[:20]
        if candidate.is_active or candidate.last_login is not None or candidate.date_joined >= cutoff
    ]
    for active in (True, False):
        group = [candidate for candidate in candidates if candidate.is_active is active]
        by_email = [candidate for candidate in group if candidate.email.lower() == identifier.lower()]
        user = (
            next((candidate for candidate in group if candidate.username == identifier), None)
            or next((candidate for candidate in group if candidate.mobile == identifier), None)
            or (by_email[0] if len(by_email) == 1 else None)
        )
        if user is not None:
            return user
    return None


def login_account_key(request: HttpRequest, credentials: dict | None) -> str:
    """What the login lock counts (django-axes' AXES_USERNAME_CALLABLE): the account, whichever identifier was typed."""
    typed = (credentials or {}).get("username") or request.POST.get("username") or ""
    user = user_for_login(identifier=typed)
    return user.username if user is not None else typed.strip().lower()


def login_failures_recent(*, limit: int = 500) -> list[AccessAttempt]:
    """The failed logins within the lock's window (django-axes' records), newest first, `locked` set per account."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    totals = dict(recent.values_list("username").annotate(total=Sum("failures_since_start")).order_by())
    attempts = list(recent.order_by("-attempt_time", "-id")[:limit])
    for attempt in attempts:
        attempt.locked = totals.get(attempt.username, 0) >= settings.AXES_FAILURE_LIMIT
    return attempts
