"""Each person reads notices in their own language; the header offers staff their second factor."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.roles import Role
from applications.models import Notice
from applications.notices import notice_send_for_history
from applications.services import application_transition
from tests.factories import PASSWORD, UserFactory, application_with_materials

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    translation.deactivate()


def test_choosing_a_language_keeps_it_on_the_account(client):
    user = UserFactory(roles=[Role.APPLICANT])
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"


def test_an_unknown_language_is_not_kept(client):
    user = UserFactory(roles=[Role.APPLICANT])
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_registering_in_english_keeps_english(client, django_capture_on_commit_callbacks):
    client.cookies["django_language"] = "en"
    data = {
        "full_name": "Anna Berg",
        "mobile": "139 1234 5600",
        "email": "anna.berg@example.org",
        "password1": "Baiyun-Talent-2026!",
        "password2": "Baiyun-Talent-2026!",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 302
    assert User.objects.get(email="anna.berg@example.org").language == "en"


def test_login_sets_the_accounts_language_for_the_session(client):
    user = UserFactory(roles=[Role.HR_REVIEWER], language="en")
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_a_language_chosen_before_login_is_kept_on_the_account(client):
    user = UserFactory(roles=[Role.APPLICANT])
    client.cookies["django_language"] = "en"
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert "django_language" not in response.cookies
    user.refresh_from_db()
    assert user.language == "en"


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [("zh-hans", "：待初审", "Awaiting initial review"), ("en", ": Awaiting initial review", "待初审")],
)
def test_notice_is_written_in_the_applicants_language_only(language, expected, absent):
    application = application_with_materials(route="gold")
    User.objects.filter(pk=application.applicant_id).update(language=language)
    application_transition(application_id=application.pk, name="submit", actor=application.applicant)
    entry = application.history.get(target_state="submitted")
    notice = notice_send_for_history(history_entry_id=entry.pk)
    assert notice.subject.endswith(expected)
    assert absent not in notice.subject
    assert absent not in notice.body
    assert "----" not in notice.body
    assert Notice.objects.filter(application=application).count() == 1


def test_staff_without_a_second_factor_are_offered_to_set_it_up(client):
    client.force_login(UserFactory(roles=[Role.HR_REVIEWER]))
    page = client.get(reverse("reviews:queue", kwargs={"role": "hr_reviewer"})).text
    assert f'<a href="{reverse("accounts:otp_setup")}" class="second-factor-link">' in page


def test_applicants_are_not_offered_a_second_factor(client):
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    page = client.get(reverse("applications:home")).text
    assert reverse("accounts:otp_setup") not in page
