"""The statistics' stored stage times give the figures that replaying every history row gave."""

import random
import statistics
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from applications.models import Application, HistoryEntry, StageTime
from applications.selectors import applications_visible_to
from applications.services import application_transition
from applications.stage_times import stage_times_backfill
from applications.workflow import WAITING_STATES, State
from reviews.statistics import stage_medians
from tests.factories import UserFactory, application_with_materials
from tests.reviews.conftest import bulk_applications

pytestmark = pytest.mark.django_db

# A walk through the states, with the odd entry that does not follow from the one before (imported, corrected).
NEXT = {
    "draft": ["submitted"],
    "submitted": ["initial_passed", "returned", "rejected"],
    "returned": ["submitted", "withdrawn"],
    "initial_passed": ["second_passed", "rejected", "returned"],
    "second_passed": ["approved", "leading_group", "rejected"],
    "leading_group": ["approved", "rejected"],
    "approved": ["produced"],
    "produced": ["issued"],
}


def recount(*, scope) -> list[tuple[str, float, int]]:
    """The statistics' former algorithm: every history row of the scope, replayed in Python."""
    history = HistoryEntry.objects.filter(application__in=scope.values("pk")).order_by(
        "application_id", "created_at", "id"
    )
    durations: dict[str, list[timedelta]] = {}
    entered: dict[int, tuple[str, object]] = {}
    for application_id, source, target, created_at in history.values_list(
        "application_id", "source_state", "target_state", "created_at"
    ):
        previous = entered.get(application_id)
        if previous is not None and previous[0] == source and source in WAITING_STATES:
            durations.setdefault(source, []).append(created_at - previous[1])
        entered[application_id] = (target, created_at)
    return [
        (str(state.label), statistics.median(durations[state]).total_seconds() / 86400, len(durations[state]))
        for state in WAITING_STATES
        if durations.get(state)
    ]


def random_history(applications: list[Application], *, seed: int) -> None:
    generator = random.Random(seed)  # noqa: S311 - a reproducible data set, no secret
    start = timezone.now() - timedelta(days=400)
    entries = []
    for application in applications:
        state, moment = "draft", start + timedelta(seconds=generator.randint(0, 86400 * 100))
        for _step in range(generator.randint(0, 8)):
            if state not in NEXT:
                break
            target = generator.choice(NEXT[state])
            source = state if generator.random() > 0.05 else generator.choice(list(NEXT))
            # Some entries share a moment: the order is then the entries' ids, as the history shows them.
            if generator.random() > 0.1:
                moment += timedelta(
                    seconds=generator.randint(1, 86400 * 30), microseconds=generator.randint(0, 999_999)
                )
            entries.append(
                HistoryEntry(
                    application=application,
                    transition="step",
                    source_state=source,
                    target_state=target,
                    actor_role="system",
                    created_at=moment,
                )
            )
            state = target
    generator.shuffle(entries)
    HistoryEntry.objects.bulk_create(entries)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_stage_times_give_the_recounted_medians(employer, seed):
    applications = bulk_applications(150, employer=employer, state="initial_passed")
    random_history(applications, seed=seed)
    stage_times_backfill(history_model=HistoryEntry, stage_time_model=StageTime)
    for role in (Role.TALENT_OFFICE, Role.HR_REVIEWER, Role.AUDITOR):
        scope = applications_visible_to(UserFactory(roles=[role])).exclude(state=State.DRAFT)
        expected = recount(scope=scope)
        assert len(expected) >= 4
        assert stage_medians(scope=scope) == expected
    # The talent office's and the auditor's scope, read from the stage times alone.
    assert stage_medians(scope=None) == recount(scope=Application.objects.exclude(state=State.DRAFT))


def test_the_backfill_writes_each_stage_time_once(employer):
    applications = bulk_applications(20, employer=employer, state="submitted")
    random_history(applications, seed=7)
    first = stage_times_backfill(history_model=HistoryEntry, stage_time_model=StageTime)
    assert first == StageTime.objects.count()
    assert first > 0
    assert stage_times_backfill(history_model=HistoryEntry, stage_time_model=StageTime) == 0


def test_transitions_store_the_stage_times_the_recount_finds():
    hr = UserFactory(roles=[Role.HR_REVIEWER])
    generator = random.Random(11)  # noqa: S311 - a reproducible data set, no secret
    with time_machine.travel(timezone.now() - timedelta(days=60), tick=False) as clock:
        for _index in range(5):
            application = application_with_materials(route="gold", submit=True)
            reviewer = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
            reviewer.departments.add(application.department)
            clock.shift(timedelta(hours=generator.randint(1, 200), seconds=generator.randint(0, 59)))
            application_transition(application_id=application.pk, name="pass_initial", actor=reviewer, opinion="同意。")
            clock.shift(timedelta(hours=generator.randint(1, 200), microseconds=generator.randint(0, 999_999)))
            application_transition(
                application_id=application.pk, name="pass_second", actor=hr, opinion="同意。", determined_tier="gold"
            )
    scope = Application.objects.exclude(state=State.DRAFT)
    assert StageTime.objects.count() == 10
    assert stage_medians(scope=scope) == recount(scope=scope)


@pytest.mark.parametrize("cache_on", [False, True])
def test_statistics_page_shows_the_recounted_medians(client, settings_cache, employer, talent_office, cache_on):
    settings_cache.REVIEWS_QUEUE_CACHE = cache_on
    applications = bulk_applications(60, employer=employer, state="second_passed")
    random_history(applications, seed=5)
    stage_times_backfill(history_model=HistoryEntry, stage_time_model=StageTime)
    client.force_login(talent_office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("reviews:statistics"))
    assert response.context["medians"] == recount(scope=Application.objects.exclude(state=State.DRAFT))


@pytest.fixture
def settings_cache(settings):
    return settings
