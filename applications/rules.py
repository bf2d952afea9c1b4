"""Who may do what to an application: the permission predicates, in one place."""

from accounts.models import User
from accounts.roles import Role
from applications.workflow import State, TransitionSpec

# 第五条（四）: gold and silver are approved by the HR bureau, diamond by the talent office.
APPROVER_BY_TIER = {"gold": Role.HR_REVIEWER, "silver": Role.HR_REVIEWER, "diamond": Role.TALENT_OFFICE}


def department_ids(user: User) -> frozenset[int]:
    """The departments a reviewer serves, read once per request (or kept in the session, accounts.scope)."""
    return user.department_id_set


def stage_approver(application) -> Role:
    """The role that decides an application waiting for approval: by tier, or the talent office for 一事一议."""
    if application.determined_tier:
        return APPROVER_BY_TIER[application.determined_tier]
    return Role.TALENT_OFFICE


def _in_scope(*, user: User, application, role: Role) -> bool:
    # 第五条（二）: 初审 belongs to the employer's industry department; 复审 and 审定 to the district bodies.
    if role == Role.APPLICANT:
        return application.applicant_id == user.pk
    if role == Role.DEPARTMENT_REVIEWER:
        return application.department_id in department_ids(user)
    return role in (Role.HR_REVIEWER, Role.TALENT_OFFICE)


def _fits_the_case(*, spec: TransitionSpec, application, role: Role) -> bool:
    """The rules of the table that depend on the application itself (tier, 一事一议, stage)."""
    if spec.name == "approve":
        # 第五条（四）: 审定 by the HR bureau for gold and silver, by the talent office for diamond.
        return bool(application.determined_tier) and stage_approver(application) == role
    if spec.name == "forward_case_by_case":
        # 第三条（四）, 第五条（四）: 一事一议 goes through the talent office to the leading group.
        return application.case_by_case and not application.determined_tier
    if spec.name == "reject":
        # The reviewer of the stage: the HR bureau at 复审, the approver of the tier at 审定.
        if application.state == State.INITIAL_PASSED:
            return role == Role.HR_REVIEWER
        return stage_approver(application) == role
    return True


def acting_role(*, user: User, application, spec: TransitionSpec) -> Role | None:
    """The role in which `user` may fire `spec` on `application`, or None when they may not."""
    if not user.is_authenticated or application.state not in spec.sources:
        return None
    for role in spec.roles:
        if (
            user.has_role(role)
            and _in_scope(user=user, application=application, role=role)
            and _fits_the_case(spec=spec, application=application, role=role)
        ):
            return role
    return None
