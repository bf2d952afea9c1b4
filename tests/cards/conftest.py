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


@pytest.fixture(autouse=True)
def _verification_keys_reread():
    """Each test reads the keys of its own database: no process memory of an earlier test's keys."""
    from cards.keys import verification_keys_forget

    verification_keys_forget()
    yield
    verification_keys_forget()
