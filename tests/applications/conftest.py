import pytest
from django.utils import translation

from accounts.roles import Role
from applications.services import application_create
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in English leaves English active in this thread; later tests expect the default language."""
    yield
    translation.deactivate()


@pytest.fixture
def applicant(client):
    """An applicant, signed in on the test client."""
    user = UserFactory(roles=[Role.APPLICANT])
    client.force_login(user)
    return user


@pytest.fixture
def english(client):
    """The test client's pages in English, as the language switch would remember it."""
    client.cookies["django_language"] = "en"


@pytest.fixture
def draft(applicant):
    return application_create(applicant=applicant)
