"""The public API against its own OpenAPI document: generated requests, valid and invalid, never a 5xx and never
a response that the document does not describe."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

# Bounded so that the suite stays quick: enough examples per operation to reach every field and error path.
MAX_EXAMPLES = 60

# Served through the whole WSGI stack, whose request signals touch the database connection.
pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    # Generated requests come from one address in a burst; the limit itself is tested in test_api.py.
    settings.ELIGIBILITY_API_RATE_LIMIT = 0


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_openapi_document(case):
    case.call_and_validate()
