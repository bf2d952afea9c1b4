from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog
from accounts.roles import Role
from applications.models import Application
from reviews.deadlines import working_days_add
from reviews.queues import PAGE_SIZE, QueueFilters, queue_page
from tests.factories import EmployerFactory, UserFactory
from tests.reviews.conftest import bulk_applications

pytestmark = pytest.mark.django_db


def queue_numbers(client, user, role: str, query: str = "") -> list[str]:
    client.force_login(user)
    response = client.get(reverse("reviews:queue", kwargs={"role": role}) + query)
    assert response.status_code == 200
    return [row.application.number for row in response.context["page"].rows]


def test_department_queue_holds_only_its_departments_submitted_applications(client, employer, department_reviewer):
    mine = bulk_applications(2, employer=employer, state="submitted")
    bulk_applications(1, employer=employer, state="initial_passed")
    bulk_applications(1, employer=EmployerFactory(), state="submitted")  # another department
    assert sorted(queue_numbers(client, department_reviewer, "department_reviewer")) == sorted(
        application.number for application in mine
    )


def test_hr_queue_holds_second_review_and_gold_silver_approval(client, employer, hr_reviewer):
    initial = bulk_applications(1, employer=employer, state="initial_passed")
    gold = bulk_applications(1, employer=employer, state="second_passed", determined_tier="gold")
    silver = bulk_applications(1, employer=employer, state="second_passed", determined_tier="silver")
    bulk_applications(1, employer=employer, state="second_passed", determined_tier="diamond")
    bulk_applications(1, employer=employer, state="submitted")
    expected = {application.number for application in initial + gold + silver}
    assert set(queue_numbers(client, hr_reviewer, "hr_reviewer")) == expected


def test_talent_office_queue_holds_diamond_case_by_case_group_and_cards(client, employer, talent_office):
    diamond = bulk_applications(1, employer=employer, state="second_passed", determined_tier="diamond")
    case = bulk_applications(1, employer=employer, state="second_passed", case_by_case=True, requested_tier="")
    group = bulk_applications(1, employer=employer, state="leading_group", case_by_case=True, requested_tier="")
    approved = bulk_applications(1, employer=employer, state="approved", determined_tier="gold")
    produced = bulk_applications(1, employer=employer, state="produced", determined_tier="gold")
    bulk_applications(1, employer=employer, state="second_passed", determined_tier="gold")
    bulk_applications(1, employer=employer, state="issued", determined_tier="gold")
    expected = {application.number for application in diamond + case + group + approved + produced}
    assert set(queue_numbers(client, talent_office, "talent_office")) == expected


def test_auditor_queue_holds_everything_but_drafts_and_is_logged(client, employer, auditor):
    submitted = bulk_applications(2, employer=employer, state="submitted")
    issued = bulk_applications(1, employer=employer, state="issued")
    bulk_applications(1, employer=employer, state="draft")
    expected = {application.number for application in submitted + issued}
    assert set(queue_numbers(client, auditor, "auditor")) == expected
    assert list(AccessLog.objects.values_list("user_id", "action", "role")) == [(auditor.pk, "view_queue", "auditor")]


def test_auditor_queue_offers_no_bulk_decision(client, employer, auditor):
    bulk_applications(1, employer=employer, state="submitted")
    client.force_login(auditor)
    response = client.get(reverse("reviews:queue", kwargs={"role": "auditor"}))
    assert response.context["bulk_form"] is None
    assert 'name="applications"' not in response.content.decode()


@pytest.mark.parametrize("role", ["department_reviewer", "hr_reviewer", "talent_office", "auditor", "applicant", "x"])
def test_queue_of_a_role_not_held_is_not_found(client, role):
    client.force_login(UserFactory(roles=[Role.APPLICANT, Role.EMPLOYER]))
    assert client.get(reverse("reviews:queue", kwargs={"role": role})).status_code == 404


def test_queue_of_a_role_held_among_several_is_shown(client, employer, department):
    user = UserFactory(roles=[Role.DEPARTMENT_REVIEWER, Role.HR_REVIEWER])
    user.departments.add(department)
    submitted = bulk_applications(1, employer=employer, state="submitted")
    initial = bulk_applications(1, employer=employer, state="initial_passed")
    bulk_applications(1, employer=EmployerFactory(), state="submitted")
    assert queue_numbers(client, user, "department_reviewer") == [submitted[0].number]
    assert queue_numbers(client, user, "hr_reviewer") == [initial[0].number]


def test_queue_needs_login(client):
    response = client.get(reverse("reviews:queue", kwargs={"role": "hr_reviewer"}))
    assert response.status_code == 302


def test_queue_shows_renewals_first_and_flagged(client, employer, hr_reviewer):
    now = timezone.now()
    old = bulk_applications(1, employer=employer, state="initial_passed", stage_entered_at=now - timedelta(days=5))
    renewal = bulk_applications(
        1, employer=employer, state="initial_passed", kind="renewal", stage_entered_at=now - timedelta(hours=1)
    )
    assert queue_numbers(client, hr_reviewer, "hr_reviewer") == [renewal[0].number, old[0].number]
    content = client.get(reverse("reviews:queue", kwargs={"role": "hr_reviewer"})).content.decode()
    assert content.count('class="flag flag-renewal"') == 1


def test_queue_highlights_overdue_by_the_stage_deadline(client, employer, hr_reviewer):
    now = timezone.now()
    late = bulk_applications(1, employer=employer, state="initial_passed", stage_entered_at=now - timedelta(days=30))
    bulk_applications(1, employer=employer, state="initial_passed", stage_entered_at=now)
    client.force_login(hr_reviewer)
    response = client.get(reverse("reviews:queue", kwargs={"role": "hr_reviewer"}))
    rows = response.context["page"].rows
    assert [(row.application.number, row.overdue) for row in rows] == [
        (late[0].number, True),
        (rows[1].application.number, False),
    ]
    assert rows[0].days_in_stage == 30
    assert rows[0].due == working_days_add(timezone.localdate(now - timedelta(days=30)), 10)
    assert response.content.decode().count("row-overdue") == 1


def test_working_days_skip_weekends():
    from datetime import date

    assert working_days_add(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday → Monday
    assert working_days_add(date(2026, 3, 2), 10) == date(2026, 3, 16)


def test_queue_filters_by_tier_kind_employer_state_and_dates(client, employer, talent_office):
    other_employer = EmployerFactory()
    now = timezone.now()
    diamond = bulk_applications(1, employer=employer, state="second_passed", determined_tier="diamond")
    renewal = bulk_applications(1, employer=other_employer, state="approved", determined_tier="gold", kind="renewal")
    early = bulk_applications(
        1, employer=employer, state="produced", determined_tier="silver", submitted_at=now - timedelta(days=60)
    )
    assert queue_numbers(client, talent_office, "talent_office", "?tier=diamond") == [diamond[0].number]
    assert queue_numbers(client, talent_office, "talent_office", "?kind=renewal") == [renewal[0].number]
    assert queue_numbers(client, talent_office, "talent_office", f"?employer={other_employer.pk}") == [
        renewal[0].number
    ]
    assert queue_numbers(client, talent_office, "talent_office", f"?department={other_employer.department_id}") == [
        renewal[0].number
    ]
    assert queue_numbers(client, talent_office, "talent_office", "?state=produced") == [early[0].number]
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert queue_numbers(client, talent_office, "talent_office", f"?submitted_to={until}") == [early[0].number]
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert sorted(queue_numbers(client, talent_office, "talent_office", f"?submitted_from={since}")) == sorted(
        [diamond[0].number, renewal[0].number]
    )


def test_queue_filter_refuses_a_reversed_date_range_beside_the_field(client, employer, talent_office):
    bulk_applications(1, employer=employer, state="approved")
    client.force_login(talent_office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(
        reverse("reviews:queue", kwargs={"role": "talent_office"})
        + "?submitted_from=2026-05-01&submitted_to=2026-04-01"
    )
    assert response.context["form"].errors == {"submitted_to": ["The end date must not be before the start date."]}
    assert len(response.context["page"].rows) == 1


def test_queue_filter_cannot_reach_another_department(client, employer, department_reviewer):
    foreign = EmployerFactory()
    bulk_applications(1, employer=foreign, state="submitted")
    numbers = queue_numbers(client, department_reviewer, "department_reviewer", f"?department={foreign.department_id}")
    assert numbers == [
        application.number
        for application in Application.objects.filter(department=employer.department, state="submitted")
    ]


def test_queue_search_by_name_and_number(client, employer, hr_reviewer):
    applications = bulk_applications(3, employer=employer, state="initial_passed")
    Application.objects.filter(pk=applications[1].pk).update(full_name="欧阳娜娜")
    assert queue_numbers(client, hr_reviewer, "hr_reviewer", "?q=欧阳") == [applications[1].number]
    assert queue_numbers(client, hr_reviewer, "hr_reviewer", f"?q={applications[2].number.lower()}") == [
        applications[2].number
    ]


def test_queue_sorts_by_name_both_ways(client, employer, hr_reviewer):
    applications = bulk_applications(3, employer=employer, state="initial_passed")
    for application, name in zip(applications, ["Li Ming", "Chen Jing", "Zhao Lei"], strict=True):
        Application.objects.filter(pk=application.pk).update(full_name=name)
    ascending = [applications[1].number, applications[0].number, applications[2].number]
    assert queue_numbers(client, hr_reviewer, "hr_reviewer", "?sort=name") == ascending
    assert queue_numbers(client, hr_reviewer, "hr_reviewer", "?sort=-name") == ascending[::-1]


def test_queue_pages_with_a_keyset_cursor_not_an_offset(client, employer, hr_reviewer):
    now = timezone.now()
    applications = [
        bulk_applications(
            1, employer=employer, state="initial_passed", stage_entered_at=now - timedelta(minutes=index)
        )[0]
        for index in range(PAGE_SIZE * 2 + 3)
    ]
    expected = [application.number for application in reversed(applications)]  # longest in the stage first
    client.force_login(hr_reviewer)
    url = reverse("reviews:queue", kwargs={"role": "hr_reviewer"})
    seen, query, pages = [], "?q=BY", 0
    while query is not None:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url + query)
        assert not any("OFFSET" in query_["sql"].upper() for query_ in queries.captured_queries)
        seen += [row.application.number for row in response.context["page"].rows]
        next_query = response.context["next_query"]
        if next_query:
            assert parse_qs(next_query)["q"] == ["BY"]
            assert "cursor" in parse_qs(next_query)
            assert f'href="?{next_query.replace("&", "&amp;")}"' in response.content.decode()
        query = f"?{next_query}" if next_query else None
        pages += 1
    assert pages == 3
    assert seen == expected


def test_queue_ignores_a_forged_cursor(client, employer, hr_reviewer):
    bulk_applications(2, employer=employer, state="initial_passed")
    assert len(queue_numbers(client, hr_reviewer, "hr_reviewer", "?cursor=forged")) == 2


def test_queue_count_is_bounded_at_a_thousand(employer, hr_reviewer):
    bulk_applications(1001, employer=employer, state="initial_passed")
    page = queue_page(user=hr_reviewer, role=Role.HR_REVIEWER, filters=QueueFilters())
    assert (page.count, page.count_capped, len(page.rows)) == (1000, True, PAGE_SIZE)


@pytest.mark.parametrize("size", [10, 1000])
@pytest.mark.parametrize(
    ("role", "state", "fields"),
    [
        ("department_reviewer", "submitted", {}),
        ("hr_reviewer", "initial_passed", {}),
        ("talent_office", "second_passed", {"determined_tier": "diamond"}),
        ("auditor", "issued", {}),
    ],
)
def test_queue_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, employer, department, size, role, state, fields
):
    user = UserFactory(roles=[Role(role)])
    user.departments.add(department)
    bulk_applications(size, employer=employer, state=state, **fields)
    client.force_login(user)
    # Session, user, roles, 2FA device, departments, count, page, deadlines, the two filter lists, session save.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reviews:queue", kwargs={"role": role}))
    assert len(response.context["page"].rows) == min(size, PAGE_SIZE)
    assert urlsplit(reverse("reviews:queue", kwargs={"role": role})).path == f"/reviews/{role}/"
