import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    translation.deactivate()
