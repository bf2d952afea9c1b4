"""The portal's OpenAPI 3.1 document (/api/v1/openapi.json), composed of each app's part so that no app imports
another for it."""

import functools
from typing import Any

from cards.openapi import openapi_part as cards_part
from eligibility.openapi import openapi_document as eligibility_document
from eligibility.selectors import catalogue_published


def openapi_document(*, honour_codes: frozenset[str] | None = None) -> dict[str, Any]:
    """Every public endpoint under /api/v1: the eligibility engine and card verification, with the honour codes of
    the policy versions published (read from the database unless given)."""
    return _composed(catalogue_published().honour_codes if honour_codes is None else honour_codes)


@functools.lru_cache(maxsize=4)
def _composed(honour_codes: frozenset[str]) -> dict[str, Any]:
    """The document for one set of honour codes, built once: a publication that adds honours makes a new one."""
    eligibility = eligibility_document(honour_codes=honour_codes)
    parts = [
        {"paths": eligibility["paths"], "schemas": eligibility["components"]["schemas"]},
        cards_part(),
    ]
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for part in parts:
        for name, item in part["paths"].items():
            if name in paths:
                raise ValueError(f"Two parts of the API describe {name}.")
            paths[name] = item
        for name, schema in part["schemas"].items():
            if schemas.get(name, schema) != schema:
                raise ValueError(f"Two parts of the API describe the schema {name} differently.")
            schemas[name] = schema
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Baiyun Talent Card API",
            "version": "1.1.0",
            "description": (
                "Public, read-only endpoints of the 白云区云聚英才卡 portal (云委人才领字〔2021〕1号): the evaluation "
                "of a talent profile against the implementing rules, and the verification of a card's QR code. No "
                "login; rate-limited per client address. Messages follow Accept-Language (zh-Hans by default, en)."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }
