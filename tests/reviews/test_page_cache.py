"""A reviewer's page kept for the session: sent again while nothing changed, never across a write, a change of
scope, another session, or a page that carries messages; the auditor's reads logged on every hit."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AccessLog
from accounts.roles import Role
from applications.models import Application
from tests.factories import UserFactory
from tests.reviews.conftest import bulk_applications

pytestmark = pytest.mark.django_db

HR_QUEUE = reverse("reviews:queue", kwargs={"role": "hr_reviewer"})
AUDITOR_QUEUE = reverse("reviews:queue", kwargs={"role": "auditor"})


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.REVIEWS_QUEUE_CACHE = True
    settings.REVIEWS_PAGE_CACHE = True


def test_a_reload_is_sent_from_the_cache_with_no_query_of_the_queue(
    client, employer, hr_reviewer, django_assert_max_num_queries
):
    bulk_applications(3, employer=employer, state="initial_passed")
    client.force_login(hr_reviewer)
    first = client.get(HR_QUEUE)
    with django_assert_max_num_queries(10) as queries:
        second = client.get(HR_QUEUE)
    assert second.content == first.content
    assert second.context is None  # not rendered
    assert not any("applications_application" in query["sql"] for query in queries.captured_queries)


def test_a_write_is_seen_at_once(client, employer, hr_reviewer):
    (application,) = bulk_applications(1, employer=employer, state="initial_passed")
    client.force_login(hr_reviewer)
    assert application.number in client.get(HR_QUEUE).content.decode()
    Application.objects.filter(pk=application.pk).update(state="rejected")
    assert application.number not in client.get(HR_QUEUE).content.decode()


def test_another_session_of_the_same_user_renders_its_own(client, employer, hr_reviewer):
    bulk_applications(1, employer=employer, state="initial_passed")
    client.force_login(hr_reviewer)
    client.get(HR_QUEUE)
    client.logout()
    client.force_login(hr_reviewer)
    assert client.get(HR_QUEUE).context is not None


def test_a_role_taken_away_is_not_hidden_by_the_kept_page(client, employer, hr_reviewer):
    client.force_login(hr_reviewer)
    assert client.get(HR_QUEUE).status_code == 200
    hr_reviewer.groups.remove(Group.objects.get(name=Role.HR_REVIEWER))
    assert client.get(HR_QUEUE).status_code == 404


def test_a_page_with_messages_is_rendered_and_not_kept(client, employer, hr_reviewer):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage

    bulk_applications(1, employer=employer, state="initial_passed")
    client.force_login(hr_reviewer)
    client.get(HR_QUEUE)
    # A message waiting in the cookie, as after a redirect from a decision.
    storage = CookieStorage(type("Request", (), {"COOKIES": {}})())
    storage.add(constants.SUCCESS, "已完成。")
    cookie_value = storage._encode(list(storage._queued_messages))
    client.cookies["messages"] = cookie_value
    response = client.get(HR_QUEUE)
    assert response.context is not None
    assert "已完成。" in response.content.decode()
    del client.cookies["messages"]
    assert client.get(HR_QUEUE).context is None


def test_the_auditors_reads_are_logged_on_every_hit(client, employer):
    auditor = UserFactory(roles=[Role.AUDITOR])
    bulk_applications(1, employer=employer, state="issued")
    client.force_login(auditor)
    client.get(AUDITOR_QUEUE)
    assert client.get(AUDITOR_QUEUE).context is None
    assert AccessLog.objects.filter(user=auditor, action="view_queue").count() == 2
