"""Roles and departments kept in the session follow every change of them, from either side of the relation."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

HR_QUEUE = reverse("reviews:queue", kwargs={"role": "hr_reviewer"})
DEPARTMENT_QUEUE = reverse("reviews:queue", kwargs={"role": "department_reviewer"})


def scope_queries(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if "auth_group" in query["sql"] or "accounts_user_departments" in query["sql"]
    ]


def departments_offered(response) -> set[int]:
    return {int(value) for value, _label in response.context["form"].fields["department"].choices if value}


def test_a_signed_in_page_reads_roles_and_departments_once_per_session(client, django_assert_max_num_queries):
    user = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    user.departments.add(DepartmentFactory())
    client.force_login(user)
    with django_assert_max_num_queries(100) as first:
        assert client.get(DEPARTMENT_QUEUE).status_code == 200
    with django_assert_max_num_queries(100) as second:
        assert client.get(DEPARTMENT_QUEUE).status_code == 200
    assert len(scope_queries(first)) == 2
    assert scope_queries(second) == []


def test_a_user_who_reviews_for_no_department_has_their_departments_read_only_if_asked(
    client, django_assert_max_num_queries
):
    client.force_login(UserFactory(roles=[Role.HR_REVIEWER]))
    with django_assert_max_num_queries(100) as first:
        assert client.get(HR_QUEUE).status_code == 200
    assert [sql for sql in scope_queries(first) if "accounts_user_departments" in sql] == []


def test_a_role_given_is_seen_on_the_next_request(client):
    user = UserFactory(roles=[Role.APPLICANT])
    client.force_login(user)
    assert client.get(HR_QUEUE).status_code == 404
    user.groups.add(Group.objects.get(name=Role.HR_REVIEWER))
    assert client.get(HR_QUEUE).status_code == 200


def test_a_role_taken_away_from_the_groups_side_is_seen_on_the_next_request(client):
    user = UserFactory(roles=[Role.HR_REVIEWER])
    client.force_login(user)
    assert client.get(HR_QUEUE).status_code == 200
    Group.objects.get(name=Role.HR_REVIEWER).user_set.remove(user)
    assert client.get(HR_QUEUE).status_code == 404


def test_a_group_cleared_is_seen_on_the_next_request(client):
    user = UserFactory(roles=[Role.HR_REVIEWER])
    client.force_login(user)
    assert client.get(HR_QUEUE).status_code == 200
    Group.objects.get(name=Role.HR_REVIEWER).user_set.clear()
    assert client.get(HR_QUEUE).status_code == 404


def test_departments_changed_from_either_side_are_seen_on_the_next_request(client):
    first, second = DepartmentFactory(), DepartmentFactory()
    user = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    user.departments.add(first)
    client.force_login(user)
    assert departments_offered(client.get(DEPARTMENT_QUEUE)) == {first.pk}
    second.reviewers.add(user)
    assert departments_offered(client.get(DEPARTMENT_QUEUE)) == {first.pk, second.pk}
    user.departments.clear()
    assert departments_offered(client.get(DEPARTMENT_QUEUE)) == set()


def test_a_deleted_department_leaves_its_reviewers_sessions(client):
    department = DepartmentFactory()
    user = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    user.departments.add(department)
    client.force_login(user)
    assert departments_offered(client.get(DEPARTMENT_QUEUE)) == {department.pk}
    department.delete()
    assert departments_offered(client.get(DEPARTMENT_QUEUE)) == set()
