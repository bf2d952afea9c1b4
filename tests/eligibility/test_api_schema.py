"""The public API against its own OpenAPI document: generated requests, valid and invalid, never a 5xx and never
a response that the document does not describe."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from baiyun_talent.openapi import openapi_document
from eligibility.catalogue import catalogue_default

# Bounded so that the suite stays quick: enough examples per operation to reach every field and error path.
MAX_EXAMPLES = 60

# Served through the whole WSGI stack, whose request signals touch the database connection.
pytestmark = pytest.mark.django_db

# The document of the shipped policy versions (collection comes before the test database): the one the suite serves.
schema = schemathesis.openapi.from_dict(openapi_document(honour_codes=catalogue_default().honour_codes))
schema.app = get_wsgi_application()
schema.location = "/api/v1/openapi.json"


@pytest.fixture(autouse=True)
def _test_connection_kept():
    """As Django's test client does: the WSGI stack must not close the test's database connection after a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    # Generated requests come from one address in a burst; the limit itself is tested in test_api.py.
    settings.ELIGIBILITY_API_RATE_LIMIT = 0


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_openapi_document(case):
    case.call_and_validate()
