"""Reads for reviewers: each role's queue with filters and keyset pages, stage deadlines, one application's file."""

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import chinese_calendar
from django.core import signing
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext

from accounts.models import Department, Employer, User
from accounts.roles import REVIEWER_ROLES, Role
from applications.identity import DocumentType, mask_identity_number
from applications.models import Application, HistoryEntry, Kind, Material, Submission, Tier
from applications.rules import department_ids
from applications.selectors import Available, applications_visible_to, transitions_available
from applications.services import ChecklistItem, comprehensive_assessment, material_label, materials_checklist
from applications.workflow import State
from eligibility.catalogue import Policy
from eligibility.engine import criteria_of_tier
from eligibility.selectors import catalogue_published, policy_named
from reviews.caching import (
    CHOICES_VERSION,
    DEADLINES_VERSION,
    QUEUE_VERSION,
    cache_key,
    cache_version,
    cached,
    queue_cache_enabled,
)
from reviews.models import DeadlineUnit, StageDeadline

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


def _ordered(queryset: QuerySet[Application], sort: str) -> tuple[QuerySet[Application], bool]:
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


# Time in stage and 办结时限 -------------------------------------------------------------------------------------


def stage_deadlines() -> dict[str, StageDeadline]:
    """The time limit of each stage, read once per page (kept in the shared cache until one is changed)."""

    def read() -> dict[str, StageDeadline]:
        return {deadline.state: deadline for deadline in StageDeadline.objects.all()}

    if not queue_cache_enabled():
        return read()
    return cached(cache_key("deadlines", cache_version(DEADLINES_VERSION)), read)


# A due date is at most this far ahead (30 calendar days for the leading group, 10 working days elsewhere).
DUE_HORIZON = timedelta(days=60)


def _calendar_knows(year: int) -> bool:
    """Whether the holiday calendar has the State Council's schedule of that year."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def working_day(day: date) -> bool:
    """China's working days: public holidays do not count, 调休 make-up Saturdays and Sundays do.

    A year the calendar does not know yet counts Monday to Friday; working_calendar_gaps tells the talent office.
    """
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_calendar_gaps(*, today: date) -> list[int]:
    """The years that due dates from today may reach and whose public holidays the calendar does not know yet."""
    return [year for year in range(today.year, (today + DUE_HORIZON).year + 1) if not _calendar_knows(year)]


def working_days_add(start: date, days: int) -> date:
    """The day `days` working days after `start`."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if working_day(current):
            days -= 1
    return current


def stage_due(*, entered: datetime, deadline: StageDeadline | None) -> date | None:
    """The last day of the stage's time limit, counted from the day the application entered it."""
    if deadline is None:
        return None
    start = timezone.localdate(entered)
    if deadline.unit == DeadlineUnit.WORKING_DAYS:
        return working_days_add(start, deadline.days)
    return start + timedelta(days=deadline.days)


@dataclass(frozen=True)
class QueueRow:
    application: Application
    days_in_stage: int
    due: date | None
    waiting: bool
    # What a dashboard line shows, worked out once in the reader's language (empty for the exports).
    url: str = ""
    kind_label: str = ""
    tier_label: str = ""
    state_label: str = ""
    employer_name: str = ""
    department_name: str = ""
    submitted_on: str = ""
    time_in_stage: str = ""
    due_note: str = ""

    @property
    def overdue(self) -> bool:
        return self.waiting and self.due is not None and timezone.localdate() > self.due

    @property
    def renewal(self) -> bool:
        return self.application.kind == Kind.RENEWAL

    @property
    def shown(self) -> tuple:
        """Everything the dashboard line displays: equal tuples render the same HTML (reviews/caching.py)."""
        application = self.application
        return (
            application.pk,
            application.number,
            application.full_name,
            self.url,
            self.kind_label,
            self.tier_label,
            self.state_label,
            self.employer_name,
            self.department_name,
            self.submitted_on,
            self.time_in_stage,
            self.due_note,
            self.overdue,
            self.renewal,
        )


def queue_row(*, application: Application, deadlines: dict[str, StageDeadline], today: date) -> QueueRow:
    """One line of a dashboard: the application, its days in the stage and the stage's due date."""
    waiting = application.state in deadlines
    return QueueRow(
        application=application,
        days_in_stage=(today - timezone.localdate(application.stage_entered_at)).days,
        due=stage_due(entered=application.stage_entered_at, deadline=deadlines.get(application.state)),
        waiting=waiting,
    )


def _tier_label(application: Application) -> str:
    if application.determined_tier:
        return str(Tier(application.determined_tier).label)
    if application.requested_tier:
        return str(Tier(application.requested_tier).label)
    if application.case_by_case:
        return gettext("Case by case (一事一议)")
    return ""


def queue_row_shown(*, application: Application, deadlines: dict[str, StageDeadline], today: date) -> QueueRow:
    """A dashboard line with its texts ready, so the template only places strings (50 rows, every request)."""
    row = queue_row(application=application, deadlines=deadlines, today=today)
    due_note = ""
    if row.due is not None and row.waiting:
        due = row.due.isoformat()
        due_note = (
            gettext("Overdue (due %(due)s)") % {"due": due} if row.overdue else gettext("due %(due)s") % {"due": due}
        )
    kind = gettext("Renewal") if row.renewal else str(Kind(application.kind).label)
    return replace(
        row,
        url=reverse("reviews:application", kwargs={"pk": application.pk}),
        kind_label=kind,
        tier_label=_tier_label(application),
        state_label=str(State(application.state).label),
        employer_name=application.employer.display_name if application.employer_id else "",
        department_name=application.department.display_name if application.department_id else "",
        submitted_on=timezone.localdate(application.submitted_at).isoformat() if application.submitted_at else "",
        time_in_stage=ngettext("%(days)s day", "%(days)s days", row.days_in_stage) % {"days": row.days_in_stage},
        due_note=due_note,
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
    ordered, descending = _ordered(queryset, filters.sort)
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


def queue_rows_all(*, user: User, role: Role, filters: QueueFilters, chunk_size: int = 2000):
    """Every row of a filtered queue in queue order, streamed in chunks for the exports."""
    ordered, _descending = _ordered(
        queue_filter(queryset=queue_for(user=user, role=role), filters=filters), filters.sort
    )
    deadlines = stage_deadlines()
    today = timezone.localdate()
    for application in ordered.select_related("employer", "department").iterator(chunk_size=chunk_size):
        yield queue_row(application=application, deadlines=deadlines, today=today)


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


# One application's file ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class MaterialChange:
    item: str
    label: str
    added: tuple[Material, ...]
    removed: tuple[Material, ...]

    @property
    def replaced(self) -> bool:
        return bool(self.added and self.removed)


@dataclass(frozen=True)
class SubmissionChanges:
    previous: Submission
    current: Submission
    fields: list[FieldChange]
    materials: list[MaterialChange]


def _display(field_name: str, value, employers: dict[int, Employer]) -> str:
    from django.utils.translation import gettext

    if value is None or value == "":
        return "—"
    if field_name == "document_number":
        return mask_identity_number(value)  # the full number never reaches a page
    if field_name == "employer_id":
        employer = employers.get(value)
        return employer.display_name if employer else str(value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    choices = {"document_type": DocumentType, "requested_tier": Tier, "kind": Kind}
    if field_name in choices:
        try:
            return str(choices[field_name](value).label)
        except ValueError:
            return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _field_label(field_name: str) -> str:
    name = "employer" if field_name == "employer_id" else field_name
    try:
        return str(Application._meta.get_field(name).verbose_name)
    except Exception:
        return field_name


def submission_changes(*, previous: Submission, current: Submission) -> SubmissionChanges:
    """What changed between two submitted versions: the fields, and per checklist item the files added or removed."""
    keys = [
        key for key in dict.fromkeys([*previous.data, *current.data]) if previous.data.get(key) != current.data.get(key)
    ]
    employer_ids = {
        value
        for key in keys
        if key == "employer_id"
        for value in (previous.data.get(key), current.data.get(key))
        if value
    }
    employers = Employer.objects.in_bulk(employer_ids) if employer_ids else {}
    fields = [
        FieldChange(
            field=key,
            label=_field_label(key),
            before=_display(key, previous.data.get(key), employers),
            after=_display(key, current.data.get(key), employers),
        )
        for key in keys
    ]
    before: dict[str, set[Material]] = {}
    after: dict[str, set[Material]] = {}
    for material in previous.materials.all():
        before.setdefault(material.item, set()).add(material)
    for material in current.materials.all():
        after.setdefault(material.item, set()).add(material)
    materials = []
    for item in sorted(set(before) | set(after)):
        added = after.get(item, set()) - before.get(item, set())
        removed = before.get(item, set()) - after.get(item, set())
        if added or removed:
            materials.append(
                MaterialChange(
                    item=item,
                    label=material_label(item)[0],
                    added=tuple(sorted(added, key=lambda material: material.pk)),
                    removed=tuple(sorted(removed, key=lambda material: material.pk)),
                )
            )
    return SubmissionChanges(previous=previous, current=current, fields=fields, materials=materials)


@dataclass
class ReviewFile:
    application: Application
    checklist: list[ChecklistItem]
    submissions: list[Submission]
    changes: SubmissionChanges | None
    history: list[HistoryEntry]
    available: list[Available] = field(default_factory=list)
    may_confirm_employer: bool = False

    @property
    def evaluation(self) -> dict:
        return self.application.evaluation or {}

    @property
    def policy(self) -> Policy | None:
        """The version the evaluation used, shown by its title."""
        return policy_named(self.evaluation.get("policy"))

    @property
    def timeline(self) -> list[tuple[HistoryEntry, list[str]]]:
        """The history, each entry with the names of the materials a return asked for (people read names, not codes)."""
        return [(entry, [material_label(code)[0] for code in entry.supplement_items]) for entry in self.history]

    @property
    def comprehensive_assessment(self) -> bool:
        """申领指南 五（一）6: assessed as a whole on the District Investment Promotion Bureau's recommendation."""
        return comprehensive_assessment(self.application)

    @property
    def backed_tiers(self) -> list[str]:
        """The tiers a matched criterion of the evaluation backs (复审 may determine only these)."""
        criteria = self.evaluation.get("criteria", [])
        catalogue = catalogue_published()
        return [tier for tier in Tier.values if criteria_of_tier(criteria, tier=tier, catalogue=catalogue)]


def reviewer_may_open(user: User) -> bool:
    """The reviewer's page is for reviewing roles and the auditor; applicants and employers have their own."""
    return bool(user.role_codes & (REVIEWER_ROLES | {Role.AUDITOR}))


def application_review_file(*, user: User, application_id: int) -> ReviewFile:
    """Everything a reviewer reads about one application, in a constant number of queries.

    Raises Application.DoesNotExist (404) when the user may not see it or is no reviewer.
    """
    if not reviewer_may_open(user):
        raise Application.DoesNotExist
    application = (
        applications_visible_to(user).select_related("employer", "department", "applicant").get(pk=application_id)
    )
    checklist = materials_checklist(application=application, evaluation=application.evaluation or {"evidence": []})
    submissions = list(application.submissions.prefetch_related("materials").order_by("revision"))
    changes = None
    if len(submissions) >= 2:
        changes = submission_changes(previous=submissions[-2], current=submissions[-1])
    history = list(application.history.select_related("actor", "department"))
    available = [
        option for option in transitions_available(user=user, application=application) if option.role in REVIEWER_ROLES
    ]
    return ReviewFile(
        application=application,
        checklist=checklist,
        submissions=submissions,
        changes=changes,
        history=history,
        available=available,
        may_confirm_employer=application.employer is not None
        and not application.employer.confirmed
        and user.has_role(Role.DEPARTMENT_REVIEWER)
        and application.department_id in department_ids(user),
    )
