import pytest
from django.utils import translation

from cards.keys import signing_key_generate


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    translation.deactivate()


@pytest.fixture
def signing_key(db):
    """An active signing key, its private half in the test's own key directory."""
    return signing_key_generate(activate=True)
