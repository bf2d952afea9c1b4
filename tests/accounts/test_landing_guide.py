"""The front page is a 办事指南: conditions, materials, the six stages, whom to call, and the three entries."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_landing_is_a_guide_with_the_three_entries(client):
    page = client.get("/").text
    assert f'<a class="button secondary" href="{reverse("eligibility:self_check")}">资格自测</a>' in page
    assert f'<a class="button" href="{reverse("applications:start")}">立即申领</a>' in page
    assert f'href="{reverse("accounts:login")}">登录</a>' in page
    assert f'<a href="{reverse("accounts:register")}">注册</a>' in page
    for heading in ("申领条件", "申请材料", "办理流程", "咨询电话"):
        assert f">{heading}</h2>" in page
    # The six stages of 申领指南 六, and the policy's own offices and phones.
    assert page.count("<li><strong>", page.index('class="stage-list"')) >= 6
    assert '<a href="tel:02035912660">020-35912660</a>' in page
    assert "居民身份证" in page or "身份证" in page


def test_the_applicants_navigation_says_my_applications(client):
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    page = client.get(reverse("applications:home")).text
    assert f'<a href="{reverse("applications:home")}" aria-current="page">我的申领</a>' in page
    assert ">申领人</a>" not in page


def test_the_empty_list_of_applications_links_to_the_self_check(client):
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    page = client.get(reverse("applications:home")).text
    assert f'<a href="{reverse("eligibility:self_check")}">' in page
    assert f'<a href="{reverse("applications:start")}">' in page
