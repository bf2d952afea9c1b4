"""Reads: which applications a user may see, what they may do to one, and what it still lacks."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.roles import Role
from applications.models import Application, Material
from applications.rules import acting_role, department_ids
from applications.workflow import TRANSITIONS, State, TransitionSpec


def applications_visible_to(user: User) -> QuerySet[Application]:
    """Every application the user may open, scoped in the query so no view can leak one (workflow.md: sees)."""
    if not user.is_authenticated:
        return Application.objects.none()
    roles = user.role_codes
    if roles & {Role.TALENT_OFFICE, Role.AUDITOR}:
        return Application.objects.exclude(state=State.DRAFT)
    scope = Q(pk__in=[])
    if Role.APPLICANT in roles:
        scope |= Q(applicant=user)
    if Role.HR_REVIEWER in roles:
        scope |= Q(passed_initial_at__isnull=False)
    if Role.DEPARTMENT_REVIEWER in roles:
        scope |= Q(department__in=department_ids(user)) & ~Q(state=State.DRAFT)
    if Role.EMPLOYER in roles:
        scope |= Q(employer__in=user.employers.all()) & ~Q(state=State.DRAFT)
    return Application.objects.filter(scope)


@dataclass(frozen=True)
class Available:
    spec: TransitionSpec
    role: Role


def transitions_available(*, user: User, application: Application) -> list[Available]:
    """The transitions `user` may fire on `application` now, each with the role it would be fired in."""
    available = []
    for spec in TRANSITIONS:
        role = acting_role(user=user, application=application, spec=spec)
        if role is not None:
            available.append(Available(spec=spec, role=role))
    return available


def current_materials(application: Application) -> dict[str, list[Material]]:
    """The current files of an application by checklist item."""
    by_item: dict[str, list[Material]] = {}
    for material in application.materials.filter(is_current=True).order_by("uploaded_at", "id"):
        by_item.setdefault(material.item, []).append(material)
    return by_item
