"""What decides what a signed-in user may see (roles and departments), kept in the session between requests.

Every signed-in page needs the user's roles and departments: two queries a request. The session keeps them with the
user's scope stamp, which every change of their groups or departments replaces (the m2m signals below). The user's
row is read on every request anyway, so a changed stamp is seen at once, by every process, with no extra query.
"""

from collections.abc import Callable, Iterable
from uuid import uuid4

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, pre_delete
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from accounts.models import Department, User
from accounts.roles import Role

SCOPE_SESSION_KEY = "_accounts_scope"


def user_scope_changed(*, user_ids: Iterable[int]) -> None:
    """Their roles or departments changed: their sessions read them afresh on the next request."""
    User.objects.filter(pk__in=list(user_ids)).update(scope_stamp=uuid4().hex)


class SessionScopeMiddleware:
    """Gives request.user its roles and departments from the session while the user's scope stamp is unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_active:
            kept = request.session.get(SCOPE_SESSION_KEY)
            if kept and kept[0] == user.scope_stamp:
                # Both are cached properties: set on the user, they are not read again in this request.
                user.role_codes = frozenset(kept[1])
                if kept[2] is not None:
                    user.department_id_set = frozenset(kept[2])
            else:
                # Departments matter to department reviewers only; for anyone else they are read if ever asked.
                departments = sorted(user.department_id_set) if Role.DEPARTMENT_REVIEWER in user.role_codes else None
                request.session[SCOPE_SESSION_KEY] = [user.scope_stamp, sorted(user.role_codes), departments]
        return self.get_response(request)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts_scope_groups")
@receiver(m2m_changed, sender=User.departments.through, dispatch_uid="accounts_scope_departments")
def _scope_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            user_scope_changed(user_ids=[instance.pk])
        return
    # From the group's or the department's side: the users are the pk_set, or everyone it had before a clear.
    if action in {"post_add", "post_remove"}:
        user_scope_changed(user_ids=pk_set)
    elif action == "pre_clear":
        members = instance.user_set if isinstance(instance, Group) else instance.reviewers
        user_scope_changed(user_ids=members.values_list("pk", flat=True))


@receiver(pre_delete, sender=Group, dispatch_uid="accounts_scope_group_deleted")
@receiver(pre_delete, sender=Department, dispatch_uid="accounts_scope_department_deleted")
def _scope_holder_deleted(sender, instance, **kwargs) -> None:
    # Deleting a group or a department drops its memberships without an m2m signal.
    members = instance.user_set if isinstance(instance, Group) else instance.reviewers
    user_scope_changed(user_ids=members.values_list("pk", flat=True))
