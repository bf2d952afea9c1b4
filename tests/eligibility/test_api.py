import json
from datetime import date

import pytest
import yaml
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from eligibility.catalogue import catalogue_default
from eligibility.engine import evaluate_data
from eligibility.fields import REGISTRY
from eligibility.openapi import EXAMPLES, openapi_document
from eligibility.profile import FIELDS, ProfileError

# The API and the command read the versions the district published.
pytestmark = pytest.mark.django_db

CASES = yaml.safe_load((settings.SHARED_DIR / "acceptance" / "eligibility_cases.yaml").read_text(encoding="utf-8"))
EVALUATE = "/api/v1/eligibility/evaluate"
CRITERIA = "/api/v1/eligibility/criteria"
DIAMOND = {
    "on_date": "2026-06-01",
    "employer": {"registered_in_district": True},
    "honours": ["senior_professional_title"],
}


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """Each test starts with an empty request count (the limit lives in the cache)."""
    cache.clear()
    yield
    cache.clear()


def post(client, data, **extra):
    return client.post(EVALUATE, json.dumps(data, ensure_ascii=False), content_type="application/json", **extra)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["name"])
def test_api_evaluate_answers_each_acceptance_case(client, case):
    response = post(client, case["profile"])
    if case["expect"].get("error"):
        with pytest.raises(ProfileError) as refused:
            evaluate_data(case["profile"], today=date(2026, 6, 1))
        assert response.status_code == 400
        assert response.json()["error"]["field"] == refused.value.field
        assert response.json()["error"]["code"] == refused.value.code
    else:
        assert response.status_code == 200
        assert {key: response.json()[key] for key in case["expect"]} == case["expect"]


def test_api_evaluate_error_message_follows_the_request_language(client):
    response = post(client, {"enterprise": {"contest_level": "district"}}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "field": "enterprise.contest_level",
            "code": "invalid_choice",
            "message": "enterprise.contest_level: 'district' is not one of the allowed values",
            "zh": "enterprise.contest_level：取值“district”不在可选范围内",
            "en": "enterprise.contest_level: 'district' is not one of the allowed values",
        }
    }


def test_api_evaluate_needs_no_login_and_no_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = post(client, DIAMOND)
    assert response.status_code == 200
    assert response.json()["tier"] == "diamond"


def test_api_evaluate_refuses_malformed_json(client):
    response = client.post(EVALUATE, '{"honours": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"
    assert response.json()["error"]["field"] == "body"


def test_api_evaluate_refuses_a_body_that_is_not_utf8(client):
    response = client.post(EVALUATE, b'{"x": "\xff"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_encoding"


@pytest.mark.parametrize("body", ["[]", '"profile"', "42", "null"])
def test_api_evaluate_refuses_json_that_is_not_an_object(client, body):
    response = client.post(EVALUATE, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "profile"
    assert response.json()["error"]["code"] == "not_an_object"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_api_evaluate_refuses_a_body_that_is_not_json(client, content_type):
    response = client.generic("POST", EVALUATE, json.dumps(DIAMOND), content_type=content_type)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_api_evaluate_accepts_json_with_a_charset(client):
    response = client.post(EVALUATE, json.dumps(DIAMOND), content_type="application/json; charset=utf-8")
    assert response.status_code == 200


def test_api_evaluate_refuses_get(client):
    response = client.get(EVALUATE)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_api_criteria_lists_the_catalogue_on_a_date(client):
    response = client.get(CRITERIA, {"on": "2026-06-01"})
    assert response.status_code == 200
    assert response.json()["policy"]["code"] == "baiyun-2021"
    assert response.json()["on_date"] == "2026-06-01"


def test_api_criteria_after_the_policy_lapsed_lists_nothing(client):
    response = client.get(CRITERIA, {"on": "2026-12-25"})
    assert response.status_code == 200
    assert (response.json()["in_force"], response.json()["criteria"]) == (False, [])


@pytest.mark.parametrize("on", ["2026-13-01", "tomorrow", "2026-6-1", ""])
def test_api_criteria_refuses_a_bad_date(client, on):
    response = client.get(CRITERIA, {"on": on})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "on"
    assert response.json()["error"]["code"] == "invalid_date"


def test_api_criteria_refuses_post(client):
    response = client.post(CRITERIA)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"


def test_api_is_rate_limited_per_client_address(client, settings):
    settings.ELIGIBILITY_API_RATE_LIMIT = 3
    statuses = [post(client, DIAMOND).status_code for _ in range(4)]
    refused = post(client, DIAMOND)
    assert statuses == [200, 200, 200, 429]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    other_address = post(client, DIAMOND, REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 200


def test_api_rate_limit_counts_every_endpoint(client, settings):
    settings.ELIGIBILITY_API_RATE_LIMIT = 1
    assert client.get(CRITERIA).status_code == 200
    assert post(client, DIAMOND).status_code == 429


def test_openapi_part_describes_the_eligibility_endpoints():
    assert sorted(openapi_document()["paths"]) == ["/eligibility/criteria", "/eligibility/evaluate"]


def test_openapi_profile_schema_has_every_profile_field_with_its_enum():
    profile = openapi_document()["components"]["schemas"]["Profile"]["properties"]
    for path, spec in FIELDS.items():
        schema = profile
        *sections, name = path.split(".")
        for section in sections:
            schema = schema[section]["properties"]
        assert name in schema, path
        if spec.choices:
            assert schema[name]["enum"] == [*spec.choices, None]
        with translation.override("en"):
            label = str(next(field.label for field in REGISTRY if field.path == path))
        assert schema[name]["description"].startswith(label), path
    assert sorted(field.path for field in REGISTRY) == sorted(FIELDS)


def test_openapi_describes_a_field_by_its_registry_label_and_article_in_english():
    profile = openapi_document()["components"]["schemas"]["Profile"]["properties"]
    assert profile["education"]["properties"]["university"]["description"] == (
        "Where did you obtain your postgraduate education? (Art. 3(3) item 3)."
    )
    assert profile["enterprise"]["properties"]["district_tax_yuan"]["description"] == (
        "Its annual tax paid to the district treasury (Art. 3(1) item 17, Art. 3(2) item 11, Art. 3(3) item 7). "
        "In yuan."
    )


def test_openapi_lists_every_honour_code():
    honours = openapi_document()["components"]["schemas"]["Profile"]["properties"]["honours"]["items"]["enum"]
    assert honours == sorted(catalogue_default().honour_codes)
    assert len(honours) == 33


def _resolve(document, node):
    """Every $ref of node points into the document."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
        for value in node.values():
            _resolve(document, value)
    elif isinstance(node, list):
        for value in node:
            _resolve(document, value)


def test_openapi_references_resolve():
    document = openapi_document()
    _resolve(document, document)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_openapi_example_passes_through_the_real_endpoint(client, name):
    example = EXAMPLES[name]
    operation = openapi_document()["paths"]["/eligibility/evaluate"]["post"]
    documented = operation["responses"][str(example["status"])]["content"]["application/json"]["examples"][name]
    request = operation["requestBody"]["content"]["application/json"]["examples"][name]["value"]
    response = post(client, request)
    assert response.status_code == example["status"]
    assert response.json() == documented["value"]


# Hostile bodies: each is a client error in JSON, never a server error.

DEEP = "[" * 100_000
LONG_NUMBER = '{"enterprise": {"district_tax_yuan": ' + "9" * 5000 + "}}"
SURROGATE_VALUE = '{"enterprise": {"role": "\\ud800"}}'
SURROGATE_KEY = '{"\\ud800": true}'


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (DEEP, "too_deep", "The input nests arrays or objects more than 32 levels deep."),
        ("[" * 33 + "]" * 33, "too_deep", "The input nests arrays or objects more than 32 levels deep."),
        (LONG_NUMBER, "number_too_long", "The input holds a number with more digits than any profile field can take."),
        (
            SURROGATE_VALUE,
            "invalid_unicode",
            "The input holds an unpaired surrogate escape (\\ud800 to \\udfff), which is not text.",
        ),
        (
            SURROGATE_KEY,
            "invalid_unicode",
            "The input holds an unpaired surrogate escape (\\ud800 to \\udfff), which is not text.",
        ),
    ],
    ids=["deep", "deep-33", "long-number", "surrogate-value", "surrogate-key"],
)
def test_api_evaluate_refuses_hostile_json_with_a_json_400(client, body, code, message):
    response = client.post(EVALUATE, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert (error["field"], error["code"], error["message"], error["en"]) == ("body", code, message, message)


def test_api_evaluate_accepts_a_paired_surrogate_escape(client):
    response = post(client, {**DIAMOND, "honours": ["\U0001f600"]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_honour"


def test_api_evaluate_answers_a_body_over_the_limit_in_json(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = client.post(
        EVALUATE, " " * (1024 * 1024 + 1), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert response.json()["error"]["message"] == "The body is larger than 1 MB."


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", CRITERIA, "GET, HEAD"),
        ("PURGE", CRITERIA, "GET, HEAD"),
        ("DELETE", EVALUATE, "POST"),
        ("PUT", "/api/v1/openapi.json", "GET, HEAD"),
    ],
)
def test_api_answers_an_unknown_method_in_json_even_with_csrf_checks(method, path, allowed):
    response = Client(enforce_csrf_checks=True).generic(method, path, "{}", content_type="application/json")
    assert response.status_code == 405
    assert response.headers["Allow"] == allowed
    assert response.json()["error"]["code"] == "method_not_allowed"
