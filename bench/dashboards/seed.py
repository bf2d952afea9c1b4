"""Fills the benchmark database with 100,000 applications spread over departments, states, tiers and kinds."""

import random
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, Employer, User
from accounts.roles import Role
from accounts.services import demo_data_seed
from accounts.validators import uscc_check_character
from applications.models import Application, HistoryEntry, Kind, StageTime, Tier
from applications.stage_times import stage_times_backfill
from applications.workflow import State
from reviews.caching import CHOICES_VERSION, DEADLINES_VERSION, QUEUE_VERSION, cache_versions_bump

STATES = [
    State.SUBMITTED,
    State.INITIAL_PASSED,
    State.SECOND_PASSED,
    State.LEADING_GROUP,
    State.APPROVED,
    State.PRODUCED,
    State.ISSUED,
    State.RETURNED,
    State.REJECTED,
    State.WITHDRAWN,
]
BATCH = 5_000


# The steps that lead to each state, from the submission on (the history a seeded application is given).
PATHS = {
    State.SUBMITTED: [State.SUBMITTED],
    State.INITIAL_PASSED: [State.SUBMITTED, State.INITIAL_PASSED],
    State.SECOND_PASSED: [State.SUBMITTED, State.INITIAL_PASSED, State.SECOND_PASSED],
    State.LEADING_GROUP: [State.SUBMITTED, State.INITIAL_PASSED, State.SECOND_PASSED, State.LEADING_GROUP],
    State.APPROVED: [State.SUBMITTED, State.INITIAL_PASSED, State.SECOND_PASSED, State.APPROVED],
    State.PRODUCED: [State.SUBMITTED, State.INITIAL_PASSED, State.SECOND_PASSED, State.APPROVED, State.PRODUCED],
    State.ISSUED: [
        State.SUBMITTED,
        State.INITIAL_PASSED,
        State.SECOND_PASSED,
        State.APPROVED,
        State.PRODUCED,
        State.ISSUED,
    ],
    State.RETURNED: [State.SUBMITTED, State.RETURNED],
    State.REJECTED: [State.SUBMITTED, State.INITIAL_PASSED, State.REJECTED],
    State.WITHDRAWN: [State.SUBMITTED, State.WITHDRAWN],
}


def history_of(application: Application, generator) -> list[HistoryEntry]:
    """Entries from the submission to the current state, spread between the submission and the stage's start."""
    steps = PATHS[application.state]
    span = application.stage_entered_at - application.submitted_at
    moments = sorted(generator.random() for _step in steps[1:-1])
    times = [application.submitted_at, *(application.submitted_at + span * moment for moment in moments)]
    times.append(application.stage_entered_at)
    entries = []
    source = State.DRAFT
    for target, moment in zip(steps, times[-len(steps) :], strict=True):
        entries.append(
            HistoryEntry(
                application=application,
                transition="seeded",
                source_state=source,
                target_state=target,
                actor_role="system",
                created_at=moment,
            )
        )
        source = target
    return entries


def seed(*, total: int = 100_000) -> None:
    """Idempotent: tops the applications up to `total`."""
    demo_data_seed()
    existing = Application.objects.count()
    # Redis may keep pages of a database seeded by an earlier run: start afresh.
    cache_versions_bump(QUEUE_VERSION, CHOICES_VERSION, DEADLINES_VERSION)
    if existing >= total:
        return
    random.seed(20261129)
    departments = list(Department.objects.all())
    employers = []
    for number in range(60):
        body = f"91440111MB{number:07d}"
        employer, _ = Employer.objects.get_or_create(
            uscc=body + uscc_check_character(body),
            confirmed=True,
            defaults={
                "name": f"广州基准测试企业{number}有限公司",
                "department": departments[number % len(departments)],
            },
        )
        employers.append(employer)
    applicant_group = Group.objects.get(name=Role.APPLICANT)
    now = timezone.now()
    made = existing
    while made < total:
        count = min(BATCH, total - made)
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(username=f"bench-{made + index}", full_name=f"测试申领人{made + index}")
                    for index in range(count)
                ]
            )
            User.groups.through.objects.bulk_create(
                [User.groups.through(user_id=user.pk, group_id=applicant_group.pk) for user in users]
            )
            applications = []
            for index, user in enumerate(users):
                employer = random.choice(employers)
                state = random.choice(STATES)
                tier = random.choice([Tier.DIAMOND, Tier.GOLD, Tier.GOLD, Tier.SILVER, Tier.SILVER, ""])
                entered = now - timedelta(hours=random.randint(1, 24 * 120))
                applications.append(
                    Application(
                        number=f"BY2026{made + index + 1:07d}",
                        applicant=user,
                        kind=random.choices([Kind.NEW, Kind.UPGRADE, Kind.RENEWAL], weights=[85, 8, 7])[0],
                        state=state,
                        full_name=user.full_name,
                        employer=employer,
                        department_id=employer.department_id,
                        requested_tier=tier,
                        case_by_case=not tier,
                        determined_tier=tier if state not in (State.SUBMITTED, State.INITIAL_PASSED) else "",
                        revision=1,
                        submitted_at=entered - timedelta(days=random.randint(0, 30)),
                        passed_initial_at=entered if state != State.SUBMITTED else None,
                        stage_entered_at=entered,
                    )
                )
            Application.objects.bulk_create(applications)
            HistoryEntry.objects.bulk_create(
                [entry for application in applications for entry in history_of(application, random)]
            )
        made += count
        print(f"  {made:,} applications")
    # The stage times of the seeded history, as the migration writes them for existing data.
    stage_times_backfill(history_model=HistoryEntry, stage_time_model=StageTime)
