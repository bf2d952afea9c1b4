"""Each role's queue: what it holds, its filters and sorts, keyset pages (cached), and the filters' choices."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.core import signing
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import Department, Employer, User
from accounts.roles import Role
from applications.models import Application, Tier
from applications.rules import department_ids
from applications.selectors import applications_visible_to
from applications.workflow import State
from reviews.caching import (
    CHOICES_VERSION,
    QUEUE_VERSION,
    cache_key,
    cache_version,
    cached,
    queue_cache_enabled,
)
from reviews.deadlines import stage_deadlines
from reviews.rows import QueueRow, queue_row_shown

# The roles that have a queue (workflow.md: department_reviewer 初审, hr_reviewer 复审, talent_office 审定, auditor).
QUEUE_ROLES = (Role.DEPARTMENT_REVIEWER, Role.HR_REVIEWER, Role.TALENT_OFFICE, Role.AUDITOR)
STATISTICS_ROLES = (Role.HR_REVIEWER, Role.TALENT_OFFICE, Role.AUDITOR)
PAGE_SIZE = 25
# Counts stop here: "1,000+" is as useful as an exact number and costs a bounded scan.
COUNT_LIMIT = 1000
CASE_BY_CASE = "case_by_case"

# The states each role's queue holds, in the order of 第五条.
QUEUE_STATES = {
    Role.DEPARTMENT_REVIEWER: (State.SUBMITTED,),
    Role.HR_REVIEWER: (State.INITIAL_PASSED, State.SECOND_PASSED),
    Role.TALENT_OFFICE: (State.SECOND_PASSED, State.LEADING_GROUP, State.APPROVED, State.PRODUCED),
    Role.AUDITOR: tuple(state for state in State if state != State.DRAFT),
}

# Sort codes of the queue: (expression, descending). Oldest in the stage first by default (first come, first served).
SORTS = {
    "stage": ("stage_entered_at", False),
    "-stage": ("stage_entered_at", True),
    "submitted": ("submitted_at", False),
    "-submitted": ("submitted_at", True),
    "number": ("number", False),
    "-number": ("number", True),
    "name": ("full_name", False),
    "-name": ("full_name", True),
}
DATETIME_SORTS = frozenset({"stage_entered_at", "submitted_at"})
CURSOR_SALT = "reviews.queue.cursor"


def queue_role(*, user: User, role: str) -> Role | None:
    """The queue role named in a URL when the user holds it; None means 404."""
    if role not in Role.values or Role(role) not in QUEUE_ROLES or not user.has_role(Role(role)):
        return None
    return Role(role)


def queue_for(*, user: User, role: Role) -> QuerySet[Application]:
    """The applications waiting for `role`, within what the user may see (never filtered in a template)."""
    visible = applications_visible_to(user)
    if role == Role.DEPARTMENT_REVIEWER:
        # A user who also holds another role sees more; this queue is only their departments' 初审.
        return visible.filter(state=State.SUBMITTED, department__in=department_ids(user))
    # The plain `state IN (...)` of QUEUE_STATES lets PostgreSQL match the queue's partial index, which it cannot
    # prove from the OR of the precise rule alone.
    if role == Role.HR_REVIEWER:
        # 第五条（四）: the bureau approves gold and silver itself.
        return visible.filter(state__in=QUEUE_STATES[role]).filter(
            Q(state=State.INITIAL_PASSED) | Q(state=State.SECOND_PASSED, determined_tier__in=[Tier.GOLD, Tier.SILVER])
        )
    if role == Role.TALENT_OFFICE:
        # Diamond and 一事一议 (no tier yet) wait for the office, as do the leading group, 制卡 and 发卡.
        return visible.filter(state__in=QUEUE_STATES[role]).filter(
            Q(state=State.SECOND_PASSED, determined_tier__in=[Tier.DIAMOND, ""])
            | Q(state__in=[State.LEADING_GROUP, State.APPROVED, State.PRODUCED])
        )
    return visible.exclude(state=State.DRAFT)


@dataclass(frozen=True)
class QueueFilters:
    tier: str = ""
    kind: str = ""
    department_id: int | None = None
    employer_id: int | None = None
    state: str = ""
    submitted_from: date | None = None
    submitted_to: date | None = None
    search: str = ""
    sort: str = "stage"


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def queue_filter(*, queryset: QuerySet[Application], filters: QueueFilters) -> QuerySet[Application]:
    """Applies the dashboard's filters and search; every filter is backed by an index of Application."""
    if filters.tier == CASE_BY_CASE:
        queryset = queryset.filter(case_by_case=True, determined_tier="")
    elif filters.tier:
        queryset = queryset.filter(Q(determined_tier=filters.tier) | Q(determined_tier="", requested_tier=filters.tier))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.department_id:
        queryset = queryset.filter(department_id=filters.department_id)
    if filters.employer_id:
        queryset = queryset.filter(employer_id=filters.employer_id)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    # Local days as datetime ranges, so that the index on submitted_at serves them.
    if filters.submitted_from:
        queryset = queryset.filter(submitted_at__gte=_local_midnight(filters.submitted_from))
    if filters.submitted_to:
        queryset = queryset.filter(submitted_at__lt=_local_midnight(filters.submitted_to + timedelta(days=1)))
    if filters.search:
        search = filters.search.strip()
        queryset = queryset.filter(Q(number__istartswith=search) | Q(full_name__icontains=search))
    return queryset


def queue_ordered(queryset: QuerySet[Application], sort: str) -> tuple[QuerySet[Application], bool]:
    """Renewals first (第六条: 优先重新申报), then the chosen sort, then id: a total order for keyset pages."""
    column, descending = SORTS.get(sort, SORTS["stage"])
    # queue_priority is stored (0 for a renewal), so the default order is the one of the queue indexes.
    sort_value = F(column)
    if column == "submitted_at":
        sort_value = Coalesce(F(column), F("created_at"))
    elif column == "number":
        sort_value = Coalesce(F("number"), Value(""))
    queryset = queryset.annotate(sort_value=sort_value)
    if descending:
        return queryset.order_by("queue_priority", F("sort_value").desc(), "-id"), True
    return queryset.order_by("queue_priority", "sort_value", "id"), False


def cursor_encode(*, application: Application, sort: str) -> str:
    """The opaque position after `application` in the queue sorted by `sort`."""
    value = application.sort_value
    return signing.dumps(
        [application.queue_priority, value.isoformat() if isinstance(value, datetime) else value, application.pk, sort],
        salt=CURSOR_SALT,
        compress=True,
    )


def _cursor_decode(cursor: str, sort: str) -> tuple[int, object, int] | None:
    try:
        priority, value, pk, cursor_sort = signing.loads(cursor, salt=CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if cursor_sort != sort:
        return None
    column = SORTS.get(sort, SORTS["stage"])[0]
    if column in DATETIME_SORTS:
        try:
            value = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return None
    return priority, value, pk


def _after(queryset: QuerySet[Application], position: tuple[int, object, int], descending: bool):
    priority, value, pk = position
    beyond = "lt" if descending else "gt"
    return queryset.filter(
        Q(queue_priority__gt=priority)
        | Q(queue_priority=priority, **{f"sort_value__{beyond}": value})
        | Q(queue_priority=priority, sort_value=value, **{f"id__{beyond}": pk})
    )


# The columns a dashboard line shows: never the profile, the evaluation or the identity fields.
QUEUE_COLUMNS = (
    "number",
    "kind",
    "state",
    "full_name",
    "requested_tier",
    "determined_tier",
    "case_by_case",
    "submitted_at",
    "created_at",
    "stage_entered_at",
    "queue_priority",
    "employer__name",
    "employer__name_en",
    "department__name",
    "department__name_en",
)


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    count: int
    count_capped: bool
    next_cursor: str | None
    is_first: bool
    # The key the page is kept under while it is current; empty when the cache is off.
    cache_key: str = ""
    # 办结时限 of the queue's stages: the district's own service commitment, which the policy does not set.
    commitments: tuple[str, ...] = ()


def _queue_page_read(*, user: User, role: Role, filters: QueueFilters, cursor: str) -> QueuePage:
    queryset = queue_filter(queryset=queue_for(user=user, role=role), filters=filters)
    count = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    ordered, descending = queue_ordered(queryset, filters.sort)
    position = _cursor_decode(cursor, filters.sort) if cursor else None
    if position is not None:
        ordered = _after(ordered, position, descending)
    applications = list(ordered.select_related("employer", "department").only(*QUEUE_COLUMNS)[: PAGE_SIZE + 1])
    next_cursor = None
    if len(applications) > PAGE_SIZE:
        applications = applications[:PAGE_SIZE]
        next_cursor = cursor_encode(application=applications[-1], sort=filters.sort)
    deadlines = stage_deadlines()
    today = timezone.localdate()
    return QueuePage(
        rows=[
            queue_row_shown(application=application, deadlines=deadlines, today=today) for application in applications
        ],
        count=min(count, COUNT_LIMIT),
        count_capped=count > COUNT_LIMIT,
        next_cursor=next_cursor,
        is_first=position is None,
        commitments=tuple(
            f"{State(state).label} {deadlines[state].days} {deadlines[state].get_unit_display()}"
            for state in QUEUE_STATES[role]
            if state in deadlines
        ),
    )


def queue_page(*, user: User, role: Role, filters: QueueFilters, cursor: str = "") -> QueuePage:
    """One page of a role's queue: a bounded count, PAGE_SIZE rows after the cursor, and the next cursor.

    With the shared cache on, a page is kept until any application, organisation or stage limit changes. Its key
    holds everything the page depends on: the user's scope (roles and departments, read for this request), the
    queue, the filters, the cursor, the language and the day (days in the stage, overdue).
    """
    if not queue_cache_enabled():
        return _queue_page_read(user=user, role=role, filters=filters, cursor=cursor)
    key = cache_key(
        "page",
        cache_version(QUEUE_VERSION),
        user.pk,
        sorted(user.role_codes),
        sorted(department_ids(user)) if Role.DEPARTMENT_REVIEWER in user.role_codes else (),
        role.value,
        filters,
        cursor,
        get_language(),
        timezone.localdate().isoformat(),
    )
    page = cached(key, lambda: _queue_page_read(user=user, role=role, filters=filters, cursor=cursor))
    return replace(page, cache_key=key)


def queue_count(*, user: User, role: Role, filters: QueueFilters, limit: int) -> int:
    """How many rows a filtered queue has, counting no further than limit + 1."""
    queryset = queue_filter(queryset=queue_for(user=user, role=role), filters=filters)
    return queryset.order_by().values("pk")[: limit + 1].count()


@dataclass(frozen=True)
class FilterChoices:
    departments: list[Department]
    employers: list[Employer]


def filter_choices(*, user: User, role: Role) -> FilterChoices:
    """The departments and employers a queue may be filtered by: the reviewer's own for 初审, else all."""

    def read() -> FilterChoices:
        departments = Department.objects.all()
        employers = Employer.objects.filter(confirmed=True)
        if role == Role.DEPARTMENT_REVIEWER:
            departments = departments.filter(pk__in=department_ids(user))
            employers = employers.filter(department__in=department_ids(user))
        return FilterChoices(departments=list(departments), employers=list(employers))

    if not queue_cache_enabled():
        return read()
    scope = sorted(department_ids(user)) if role == Role.DEPARTMENT_REVIEWER else "all"
    return cached(cache_key("choices", cache_version(CHOICES_VERSION), scope), read)
