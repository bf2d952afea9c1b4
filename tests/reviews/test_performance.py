import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from applications.models import Application
from applications.services import application_transition
from reviews.caching import QUEUE_VERSION, queue_cache_enabled
from reviews.models import StageDeadline
from reviews.queues import PAGE_SIZE, QueueFilters, queue_filter, queue_for, queue_ordered, queue_page
from tests.factories import EmployerFactory, UserFactory, application_with_materials
from tests.reviews.conftest import bulk_applications

pytestmark = pytest.mark.django_db

DEPARTMENT_QUEUE = reverse("reviews:queue", kwargs={"role": "department_reviewer"})
HR_QUEUE = reverse("reviews:queue", kwargs={"role": "hr_reviewer"})


@pytest.fixture
def queue_cache(settings):
    """The dashboards' caches on, as with Redis (the tests' per-test local-memory cache stands in for it); whole
    pages are not kept, so that each request renders what these tests compare."""
    settings.REVIEWS_QUEUE_CACHE = True
    settings.REVIEWS_PAGE_CACHE = False


def numbers(response) -> list[str]:
    return [row.application.number for row in response.context["page"].rows]


def main_part(response) -> str:
    """The page's own content, without the CSRF tokens that its forms carry afresh on every response."""
    content = response.content.decode()
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]*"', "", content[content.index("<main") : content.index("</main>")]
    )


def test_queue_priority_puts_renewals_first_whatever_wrote_the_row(employer):
    renewal, new = bulk_applications(2, employer=employer, state="submitted")
    Application.objects.filter(pk=renewal.pk).update(kind="renewal")
    assert dict(Application.objects.values_list("pk", "queue_priority")) == {renewal.pk: 0, new.pk: 1}


def test_queue_priority_follows_a_kind_changed_by_save(employer):
    (application,) = bulk_applications(1, employer=employer, state="submitted", kind="renewal")
    application.kind = "upgrade"
    application.save(update_fields=["kind"])
    application.refresh_from_db()
    assert application.queue_priority == 1


@pytest.mark.parametrize(
    ("backend", "enabled"),
    [
        ("django.core.cache.backends.redis.RedisCache", True),
        ("django.core.cache.backends.locmem.LocMemCache", False),
        ("django.core.cache.backends.dummy.DummyCache", False),
    ],
)
def test_queue_cache_is_on_only_with_a_cache_every_process_shares(settings, backend, enabled):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:6379/15"}}
    assert queue_cache_enabled() is enabled


def test_queue_cache_follows_the_setting_when_given(settings):
    settings.REVIEWS_QUEUE_CACHE = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}
    assert queue_cache_enabled() is False


def test_cached_queue_page_runs_no_queue_query_and_shows_the_same(
    client, queue_cache, employer, department_reviewer, django_assert_max_num_queries
):
    bulk_applications(3, employer=employer, state="submitted")
    client.force_login(department_reviewer)
    first = client.get(DEPARTMENT_QUEUE)
    # Session, user, roles, 2FA device, departments, session save: nothing of the queue itself.
    with django_assert_max_num_queries(6) as queries:
        second = client.get(DEPARTMENT_QUEUE)
    assert not any("applications_application" in query["sql"] for query in queries.captured_queries)
    assert not any("reviews_stagedeadline" in query["sql"] for query in queries.captured_queries)
    assert main_part(second) == main_part(first)
    assert numbers(second) == numbers(first)


def test_cached_queue_drops_an_application_that_moves_on(client, queue_cache, department_reviewer, department):
    application = application_with_materials(route="gold", submit=True, employer=EmployerFactory(department=department))
    client.force_login(department_reviewer)
    assert numbers(client.get(DEPARTMENT_QUEUE)) == [application.number]
    application_transition(
        application_id=application.pk, name="pass_initial", actor=department_reviewer, opinion="材料齐全，符合条件"
    )
    response = client.get(DEPARTMENT_QUEUE)
    assert numbers(response) == []
    assert application.number not in response.content.decode()


def test_cached_queue_shows_a_new_application_at_once(client, queue_cache, department_reviewer, department):
    client.force_login(department_reviewer)
    assert numbers(client.get(DEPARTMENT_QUEUE)) == []
    application = application_with_materials(route="gold", submit=True, employer=EmployerFactory(department=department))
    assert numbers(client.get(DEPARTMENT_QUEUE)) == [application.number]


def test_cached_queue_never_shows_another_departments_rows(client, queue_cache, employer, department_reviewer):
    mine = bulk_applications(2, employer=employer, state="submitted")
    other_employer = EmployerFactory()
    theirs = bulk_applications(2, employer=other_employer, state="submitted")
    other_reviewer = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    other_reviewer.departments.add(other_employer.department)
    client.force_login(department_reviewer)
    assert sorted(numbers(client.get(DEPARTMENT_QUEUE))) == sorted(application.number for application in mine)
    client.force_login(other_reviewer)
    response = client.get(DEPARTMENT_QUEUE)
    assert sorted(numbers(response)) == sorted(application.number for application in theirs)
    content = response.content.decode()
    assert [application.number in content for application in mine] == [False, False]


def test_cached_queue_follows_the_reviewers_departments(client, queue_cache, employer, department_reviewer):
    other_employer = EmployerFactory()
    theirs = bulk_applications(1, employer=other_employer, state="submitted")
    client.force_login(department_reviewer)
    assert numbers(client.get(DEPARTMENT_QUEUE)) == []
    department_reviewer.departments.set([other_employer.department])
    assert numbers(client.get(DEPARTMENT_QUEUE)) == [theirs[0].number]


def test_cached_queue_shows_a_renamed_employer(client, queue_cache, employer, hr_reviewer):
    bulk_applications(1, employer=employer, state="initial_passed")
    client.force_login(hr_reviewer)
    client.get(HR_QUEUE)
    employer.name = "广州新名称科技有限公司"
    employer.save()
    response = client.get(HR_QUEUE)
    assert [row.employer_name for row in response.context["page"].rows] == ["广州新名称科技有限公司"]
    assert response.content.decode().count("广州新名称科技有限公司") == 2  # the row and the filter's choice


def test_cached_queue_follows_a_changed_stage_deadline(client, queue_cache, employer, hr_reviewer):
    entered = timezone.now() - timedelta(days=30)
    bulk_applications(1, employer=employer, state="initial_passed", stage_entered_at=entered)
    client.force_login(hr_reviewer)
    assert [row.overdue for row in client.get(HR_QUEUE).context["page"].rows] == [True]
    deadline = StageDeadline.objects.get(state="initial_passed")
    deadline.days = 60
    deadline.unit = "calendar_days"
    deadline.save()
    rows = client.get(HR_QUEUE).context["page"].rows
    assert [(row.overdue, row.due) for row in rows] == [(False, timezone.localdate(entered) + timedelta(days=60))]


def test_cached_queue_is_kept_per_language(client, queue_cache, employer, hr_reviewer):
    bulk_applications(1, employer=employer, state="initial_passed", kind="renewal")
    client.force_login(hr_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(HR_QUEUE).context["page"].rows[0]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(HR_QUEUE)
    english = response.context["page"].rows[0]
    assert (english.kind_label, english.state_label, english.time_in_stage) == (
        "Renewal",
        "Awaiting second review",
        "1 day",
    )
    assert chinese.time_in_stage != english.time_in_stage
    assert '<span class="flag flag-renewal">Renewal</span>' in response.content.decode()


def test_cached_queue_pages_each_cursor_apart(client, queue_cache, employer, hr_reviewer):
    now = timezone.now()
    for index in range(PAGE_SIZE + 2):
        bulk_applications(1, employer=employer, state="initial_passed", stage_entered_at=now - timedelta(minutes=index))
    client.force_login(hr_reviewer)
    first = client.get(HR_QUEUE)
    second = client.get(f"{HR_QUEUE}?{first.context['next_query']}")
    assert (len(numbers(first)), len(numbers(second))) == (PAGE_SIZE, 2)
    assert set(numbers(first)).isdisjoint(numbers(second))


def test_cached_queue_survives_the_loss_of_its_version(queue_cache, employer, hr_reviewer):
    bulk_applications(1, employer=employer, state="initial_passed")
    before = queue_page(user=hr_reviewer, role=Role.HR_REVIEWER, filters=QueueFilters())
    cache.delete(QUEUE_VERSION)  # evicted: a fresh token, never the one the old page was stored under
    Application.objects.filter(pk=before.rows[0].application.pk).update(full_name="欧阳娜娜")
    after = queue_page(user=hr_reviewer, role=Role.HR_REVIEWER, filters=QueueFilters())
    assert after.cache_key != before.cache_key
    assert [row.application.full_name for row in after.rows] == ["欧阳娜娜"]


def test_cached_filter_form_keeps_what_was_typed_and_its_errors(client, queue_cache, employer, hr_reviewer):
    bulk_applications(1, employer=employer, state="initial_passed")
    client.force_login(hr_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    query = "?submitted_from=2026-05-01&submitted_to=2026-04-01&q=Li"
    first = main_part(client.get(HR_QUEUE + query))
    second = main_part(client.get(HR_QUEUE + query))
    assert second == first
    assert first.count("The end date must not be before the start date.") == 2  # summary and field
    assert 'value="Li"' in first
    plain = client.get(HR_QUEUE).content.decode()
    assert "The end date must not be before the start date." not in plain


def test_filter_refuses_a_department_outside_the_reviewers_own(client, queue_cache, employer, department_reviewer):
    foreign = EmployerFactory()
    client.force_login(department_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"{DEPARTMENT_QUEUE}?department={foreign.department_id}&employer={foreign.pk}")
    assert sorted(response.context["form"].errors) == ["department", "employer"]
    assert response.context["form"].filters() == QueueFilters()


def test_queue_page_selects_only_the_columns_it_shows(employer, hr_reviewer, django_assert_max_num_queries):
    bulk_applications(2, employer=employer, state="initial_passed")
    with django_assert_max_num_queries(4) as queries:  # roles, count, page, stage limits
        queue_page(user=hr_reviewer, role=Role.HR_REVIEWER, filters=QueueFilters())
    page_sql = next(query["sql"] for query in queries.captured_queries if "LIMIT 26" in query["sql"])
    assert [column in page_sql for column in ('"profile"', '"evaluation"', '"document_number"')] == [False] * 3


def test_rendered_rows_follow_any_change_of_what_they_show(client, employer, hr_reviewer):
    # The data cache is off here (a per-process cache); the rendered rows are kept by what they show.
    (application,) = bulk_applications(1, employer=employer, state="initial_passed")
    client.force_login(hr_reviewer)
    assert "欧阳娜娜" not in main_part(client.get(HR_QUEUE))
    Application.objects.filter(pk=application.pk).update(full_name="欧阳娜娜")  # no signal at all
    assert main_part(client.get(HR_QUEUE)).count("欧阳娜娜") == 1


def test_rendered_fragments_are_kept_per_language(client, queue_cache, employer, hr_reviewer):
    bulk_applications(1, employer=employer, state="initial_passed")
    client.force_login(hr_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = main_part(client.get(HR_QUEUE))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = main_part(client.get(HR_QUEUE))
    assert ["Decide the ticked applications" in english, "Sort by" in english, "1 day" in english] == [True] * 3
    assert ["Decide the ticked applications" in chinese, "Sort by" in chinese, "1 day" in chinese] == [False] * 3


@pytest.mark.parametrize(
    ("role", "fields"),
    [
        (Role.DEPARTMENT_REVIEWER, {"state": "submitted"}),
        (Role.HR_REVIEWER, {"state": "initial_passed"}),
        (Role.TALENT_OFFICE, {"state": "second_passed", "determined_tier": "diamond"}),
    ],
)
def test_queue_page_is_an_ordered_index_scan_on_postgresql(employer, department, role, fields):
    # Which index serves depends on the data (bench/dashboards shows it at 100,000 rows); that none needs a sort of
    # the whole queue does not.
    if connection.vendor != "postgresql":
        pytest.skip("the query plans are PostgreSQL's")
    user = UserFactory(roles=[role])
    user.departments.add(department)
    bulk_applications(500, employer=employer, **fields)
    bulk_applications(500, employer=employer, state="issued")
    ordered, _descending = queue_ordered(
        queue_filter(queryset=queue_for(user=user, role=role), filters=QueueFilters()), "stage"
    )
    with connection.cursor() as cursor:
        # Statistics of these rows, whatever other tests left; then no plan that only a small table makes cheaper.
        cursor.execute("ANALYZE applications_application")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    plan = ordered[: PAGE_SIZE + 1].explain()
    assert (plan.startswith("Limit"), "Index Scan using app_" in plan, "Sort" in plan) == (True, True, False), plan
