import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Department, Employer, ServiceDesk, User
from accounts.navigation import role_home_url
from accounts.roles import Role
from applications.models import Application
from tests.factories import PASSWORD, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_role_groups_exist_after_migrations():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(Role.values)


def test_landing_page_is_public_and_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert "白云区云聚英才卡" in response.text
    assert '<html lang="zh-Hans">' in response.text


def test_language_switch_serves_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert "Baiyun Talent Card" in response.text
    assert '<html lang="en">' in response.text


def test_language_switch_ignores_an_offsite_next(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_every_page_sends_a_strict_content_security_policy(client):
    response = client.get("/")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_home_page(client, role):
    user = UserFactory(roles=[role])
    client.force_login(user)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain == [(role_home_url(role), 302)]
    assert response.status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_a_role_home_page_refuses_users_without_the_role(client, role):
    other_role = Role.AUDITOR if role != Role.AUDITOR else Role.APPLICANT
    client.force_login(UserFactory(roles=[other_role]))
    response = client.get(reverse("accounts:workspace", kwargs={"role": role.value}))
    assert response.status_code == 404


def test_role_home_page_of_an_unknown_role_is_not_found(client):
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    assert client.get("/accounts/workspace/superuser/").status_code == 404


def test_home_asks_anonymous_users_to_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/home/"


def test_user_without_role_is_told_to_ask_for_one(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "没有分配角色" in response.text


def test_navigation_shows_only_the_roles_held(client):
    client.force_login(UserFactory(roles=[Role.HR_REVIEWER, Role.AUDITOR]))
    response = client.get("/")
    labels = [str(item.label) for item in response.context["navigation"]]
    # The roles' homes, then their other pages once (both roles keep the card register and the service uses).
    assert labels == [Role.HR_REVIEWER.label, Role.AUDITOR.label, "云聚英才卡管理", "服务使用情况", "登录失败记录"]


def test_department_reviewer_home_names_the_department(client):
    department = DepartmentFactory(name="区卫生健康局")
    user = UserFactory(roles=[Role.DEPARTMENT_REVIEWER])
    user.departments.add(department)
    client.force_login(user)
    response = client.get(reverse("accounts:workspace", kwargs={"role": "department_reviewer"}))
    assert response.context["organisations"] == [department]
    assert "区卫生健康局" in response.text


def test_login_with_demo_style_account_and_logout(client):
    UserFactory(username="hr", roles=[Role.HR_REVIEWER])
    response = client.post(reverse("accounts:login"), {"username": "hr", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1] == (role_home_url(Role.HR_REVIEWER), 302)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert response.context["user"].is_authenticated is False


def test_login_with_a_wrong_password_keeps_the_username_and_explains(client):
    UserFactory(username="hr")
    response = client.post(reverse("accounts:login"), {"username": "hr", "password": "wrong"})
    assert response.status_code == 200
    assert 'value="hr"' in response.text
    assert "请输入一个正确的" in response.text


def test_not_found_page_in_both_languages(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.text
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_server_error_page_is_bilingual():
    client = Client(raise_request_exception=False)
    from django.test import override_settings

    with override_settings(ROOT_URLCONF="tests.accounts.failing_urls"):
        response = client.get("/boom/")
    assert response.status_code == 500
    assert "系统繁忙，请稍后再试" in response.text
    assert "Server error" in response.text


def test_employer_with_wrong_uscc_is_a_form_error_not_a_500(admin_client):
    department = DepartmentFactory()
    data = {"name": "广州错码公司", "name_en": "", "uscc": "91350100M000100Y44", "department": department.pk}
    response = admin_client.post(reverse("admin:accounts_employer_add"), data)
    assert response.status_code == 200
    assert Employer.objects.count() == 0
    assert response.context["adminform"].form.errors["uscc"] == ["统一社会信用代码的校验码不正确，请核对。"]
    data["uscc"] = "91350100M000100Y43"
    response = admin_client.post(reverse("admin:accounts_employer_add"), data)
    assert response.status_code == 302
    assert Employer.objects.get().uscc == "91350100M000100Y43"


def test_seed_demo_is_idempotent_and_prints_the_accounts(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (Department.objects.count(), Employer.objects.count(), ServiceDesk.objects.count(), User.objects.count())
    call_command("seed_demo")
    accounts_part, later_part = first.split("Demo applications:\n")
    applications_part, cards_part = later_part.split("Demo cards:\n")
    assert capsys.readouterr().out == accounts_part
    assert len(applications_part.splitlines()) == 4
    assert [line.split()[2:] for line in cards_part.splitlines()] == [["gold", "active"], ["diamond", "active"]]
    assert (
        Department.objects.count(),
        Employer.objects.count(),
        ServiceDesk.objects.count(),
        User.objects.count(),
    ) == counts
    assert counts == (9, 3, 17, 13)
    assert sorted(Application.objects.values_list("state", flat=True)) == [
        "initial_passed",
        "issued",
        "issued",
        "second_passed",
        "second_passed",
        "submitted",
    ]
    assert first.splitlines()[1].split() == ["applicant", "Baiyun-demo-2026", "applicant"]
    for username in ("applicant", "employer", "department", "hr", "talent", "desk", "auditor"):
        assert User.objects.get(username=username).check_password("Baiyun-demo-2026")


def test_demo_employers_have_valid_codes_and_departments():
    call_command("seed_demo", stdout=None)
    for employer in Employer.objects.select_related("department"):
        employer.full_clean()
    department_user = User.objects.get(username="department")
    assert list(department_user.departments.values_list("code", flat=True)) == ["sci-tech-industry"]


def test_seed_demo_without_redis_prints_no_broker_warning_and_no_task_lines(tmp_path):
    # A process of its own, as `make run` starts it: kombu warns once per process, when the first task is sent.
    environment = {
        key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL", "VAR_DIR"}
    }
    environment.update({"DEBUG": "true", "VAR_DIR": str(tmp_path)})
    output = ""
    for command in (["migrate", "-v", "0"], ["seed_demo"]):
        finished = subprocess.run(  # noqa: S603 - the project's own manage.py with fixed arguments
            [sys.executable, str(settings.BASE_DIR / "manage.py"), *command],
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        output += finished.stdout + finished.stderr
    assert "Demo cards:" in output
    assert "kombu" not in output
    assert "succeeded in" not in output
