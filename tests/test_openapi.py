import json

import pytest

from baiyun_talent.openapi import openapi_document
from eligibility.openapi import openapi_document as eligibility_document

pytestmark = pytest.mark.django_db


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


def test_openapi_document_is_served_as_json_with_every_apps_part(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    document = response.json()
    assert document == json.loads(json.dumps(openapi_document()))
    assert document["openapi"] == "3.1.0"
    assert sorted(document["paths"]) == ["/cards/verify", "/eligibility/criteria", "/eligibility/evaluate"]
    eligibility = json.loads(json.dumps(eligibility_document()))
    assert document["paths"]["/eligibility/evaluate"] == eligibility["paths"]["/eligibility/evaluate"]
    assert document["components"]["schemas"]["Profile"] == eligibility["components"]["schemas"]["Profile"]
    _resolve(document, document)


def test_openapi_document_refuses_other_methods(client):
    assert client.post("/api/v1/openapi.json").status_code == 405
