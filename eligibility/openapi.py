"""OpenAPI 3.1 description of the public eligibility API, served at /api/v1/openapi.json.

The profile schema is written out from the parser's FIELDS and the catalogue's honour codes, so the document cannot
drift from what the endpoint accepts; each field is described by its label and article in the field registry
(eligibility/fields.py), as the self-check and the application form word it; the examples are written by hand.
"""

from __future__ import annotations

import functools
from typing import Any

from eligibility.fields import field_description_en
from eligibility.profile import BOOL, CHOICE, DATE, FIELDS, INTEGER, MONEY, FieldSpec
from eligibility.selectors import catalogue_published

__all__ = ["openapi_document"]


_EXAMPLE_DATE = "2026-06-01"
_DIAMOND_EVIDENCE = [
    "application_form",
    "identity_document",
    "degree_certificates",
    "professional_qualification",
    "employment_contract",
    "social_insurance_or_tax",
    "photo",
]

# Each request example has a response example of the same name: a test posts the one and expects the other.
EXAMPLES: dict[str, dict[str, Any]] = {
    "senior_title": {
        "summary": "A full senior professional title gives the diamond card",
        "request": {
            "on_date": _EXAMPLE_DATE,
            "employer": {"registered_in_district": True},
            "honours": ["senior_professional_title"],
        },
        "status": 200,
        "response": {
            "policy": "baiyun-2021",
            "on_date": _EXAMPLE_DATE,
            "eligible": True,
            "tier": "diamond",
            "criteria": ["D11"],
            "case_by_case": False,
            "blockers": [],
            "benefits": list(range(1, 14)),
            "evidence": [*_DIAMOND_EVIDENCE, "senior_title_certificate"],
            "explanation": [
                {
                    "code": "D11",
                    "zh": "具有正高级以上专业技术资格的专家（第三条（一）第11项）",
                    "en": "Expert holding a full senior professional title or higher (Art. 3(1) item 11)",
                }
            ],
        },
    },
    "fiscal_funded": {
        "summary": "Staff paid from the district budget are blocked (Art. 7)",
        "request": {
            "on_date": _EXAMPLE_DATE,
            "employer": {"registered_in_district": True, "district_fiscal_funded": True},
            "honours": ["senior_professional_title"],
        },
        "status": 200,
        "response": {
            "policy": "baiyun-2021",
            "on_date": _EXAMPLE_DATE,
            "eligible": False,
            "tier": None,
            "criteria": [],
            "case_by_case": False,
            "blockers": ["E02"],
            "benefits": [],
            "evidence": [],
            "explanation": [
                {
                    "code": "E02",
                    "zh": "区属事业单位、国有企业等享受区财政拨款的人员原则上不予申请（第七条）",
                    "en": "Staff paid from the district budget (district public institutions, state-owned enterprises "
                    "and the like) may not in principle apply (Art. 7)",
                }
            ],
        },
    },
    "unknown_honour": {
        "summary": "An unknown honour code is refused, naming the field",
        "request": {"on_date": _EXAMPLE_DATE, "honours": ["senior_professional_titel"]},
        "status": 400,
        "response": {
            "error": {
                "field": "honours[0]",
                "code": "unknown_honour",
                "message": "honours[0]：未知的荣誉代码“senior_professional_titel”",
                "zh": "honours[0]：未知的荣誉代码“senior_professional_titel”",
                "en": "honours[0]: unknown honour code 'senior_professional_titel'",
            }
        },
    },
}


def _leaf_schema(spec: FieldSpec) -> dict[str, Any]:
    """JSON Schema of one profile leaf; null always means "not given"."""
    description = field_description_en(spec.path)
    if spec.kind == BOOL:
        schema: dict[str, Any] = {"type": ["boolean", "null"], "default": False}
    elif spec.kind == MONEY:
        schema = {"type": ["integer", "null"], "minimum": 0, "default": 0}
    elif spec.kind == INTEGER:
        schema = {"type": ["integer", "null"], "default": 0}
    elif spec.kind == CHOICE:
        schema = {"type": ["string", "null"], "enum": [*spec.choices, None], "default": None}
    elif spec.kind == DATE:
        schema = {"type": ["string", "null"], "format": "date", "default": None}
    else:  # pragma: no cover - FIELDS knows no other kind
        raise ValueError(spec.kind)
    return {"description": description, **schema}


def _profile_schema(honour_codes: frozenset[str]) -> dict[str, Any]:
    """The spec's "Input profile": every field optional, unknown fields refused."""
    sections: dict[str, dict[str, Any]] = {}
    top: dict[str, Any] = {
        "on_date": {
            "description": "Evaluation date; today in Asia/Shanghai when absent.",
            "type": ["string", "null"],
            "format": "date",
        }
    }
    for path, spec in FIELDS.items():
        if "." in path:
            section, name = path.split(".", 1)
            sections.setdefault(section, {})[name] = _leaf_schema(spec)
        else:
            top[path] = _leaf_schema(spec)
    top["honours"] = {
        "description": "Honour codes held (spec: Honour codes); an unknown code is refused with HTTP 400.",
        "type": ["array", "null"],
        "items": {"type": "string", "enum": sorted(honour_codes)},
    }
    for section, properties in sections.items():
        top[section] = {"type": ["object", "null"], "additionalProperties": False, "properties": properties}
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": top,
        "examples": [example["request"] for example in EXAMPLES.values()],
    }


_BILINGUAL = {
    "type": "object",
    "required": ["zh", "en"],
    "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
}

_RESULT_SCHEMA = {
    "type": "object",
    "required": [
        "policy",
        "on_date",
        "eligible",
        "tier",
        "criteria",
        "case_by_case",
        "blockers",
        "benefits",
        "evidence",
        "explanation",
    ],
    "properties": {
        "policy": {"type": ["string", "null"], "description": "Policy version applied; null when none is in force."},
        "on_date": {"type": "string", "format": "date"},
        "eligible": {"type": "boolean", "description": "A tier holds, or the case-by-case route (X01)."},
        "tier": {"type": ["string", "null"], "enum": ["diamond", "gold", "silver", None]},
        "criteria": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[DGSX][0-9]{2}$"},
            "description": "Every criterion that holds, all tiers, sorted D, G, S, X01; empty when blocked.",
        },
        "case_by_case": {"type": "boolean", "description": "No tier holds, X01 holds and nothing blocks."},
        "blockers": {"type": "array", "items": {"type": "string", "enum": ["E01", "E02", "E03", "E04"]}},
        "benefits": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 13},
            "description": "Art. 4 item numbers of the tier.",
        },
        "evidence": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Basic materials plus the special evidence of the criteria of the granted tier.",
        },
        "explanation": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "zh", "en"],
                "properties": {"code": {"type": "string"}, "zh": {"type": "string"}, "en": {"type": "string"}},
            },
        },
    },
}

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["field", "code", "message", "zh", "en"],
            "properties": {
                "field": {"type": "string", "description": "The profile path refused, e.g. honours[0]."},
                "code": {"type": "string", "description": "Stable error code, e.g. unknown_honour, invalid_json."},
                "message": {"type": "string", "description": "The message in the language of the request."},
                "zh": {"type": "string"},
                "en": {"type": "string"},
            },
        }
    },
}

_CRITERIA_SCHEMA = {
    "type": "object",
    "required": ["on_date", "in_force", "policy", "tiers", "criteria", "blockers", "honours", "benefits"],
    "properties": {
        "on_date": {"type": "string", "format": "date"},
        "in_force": {"type": "boolean"},
        "policy": {
            "type": ["object", "null"],
            "properties": {
                "code": {"type": "string"},
                "title": _BILINGUAL,
                "document_number": {"type": "string"},
                "issued_by": _BILINGUAL,
                "issued_on": {"type": "string", "format": "date"},
                "in_force_from": {"type": "string", "format": "date"},
                "in_force_until": {"type": "string", "format": "date"},
            },
        },
        "tiers": {"type": "array", "items": {"type": "object"}},
        "criteria": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "tier", "zh", "en", "citation", "honours", "evidence"],
                "properties": {
                    "code": {"type": "string"},
                    "tier": {"type": ["string", "null"]},
                    "zh": {"type": "string"},
                    "en": {"type": "string"},
                    "citation": _BILINGUAL,
                    "honours": {"type": "array", "items": {"type": "string"}},
                    "evidence": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "blockers": {"type": "array", "items": {"type": "object"}},
        "honours": {"type": "array", "items": {"type": "object"}},
        "benefits": {"type": "array", "items": {"type": "object"}},
        "basic_materials": {"type": "array", "items": {"type": "object"}},
        "special_evidence": {"type": "array", "items": {"type": "object"}},
    },
}


def _error_response(description: str) -> dict[str, Any]:
    """A response carrying the error body."""
    schema = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_RATE_LIMITED = {
    **_error_response("Too many requests from this address; wait Retry-After seconds."),
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
}


def openapi_document(*, honour_codes: frozenset[str] | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of /api/v1/eligibility/*, with the honour codes of the versions published (read from
    the database unless given)."""
    return _document(catalogue_published().honour_codes if honour_codes is None else honour_codes)


@functools.lru_cache(maxsize=4)
def _document(honour_codes: frozenset[str]) -> dict[str, Any]:
    """The document for one set of honour codes, built once."""
    examples = {
        name: {"summary": example["summary"], "value": example["request"]} for name, example in EXAMPLES.items()
    }
    ok_examples = {
        name: {"summary": example["summary"], "value": example["response"]}
        for name, example in EXAMPLES.items()
        if example["status"] == 200
    }
    refused_examples = {
        name: {"summary": example["summary"], "value": example["response"]}
        for name, example in EXAMPLES.items()
        if example["status"] == 400
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Baiyun Talent Card eligibility API",
            "version": "1.0.0",
            "description": (
                "Public, read-only evaluation of a talent profile against the 白云区云聚英才卡 implementing rules "
                "(云委人才领字〔2021〕1号). No login; rate-limited per client address. Messages follow "
                "Accept-Language (zh-Hans by default, en)."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/eligibility/evaluate": {
                "post": {
                    "operationId": "eligibilityEvaluate",
                    "summary": "Evaluate one profile",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Profile"},
                                "examples": examples,
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The evaluation (spec: Output).",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Result"},
                                    "examples": ok_examples,
                                }
                            },
                        },
                        "400": {
                            "description": (
                                "Invalid profile (naming the field), malformed JSON, not an object, nested too deep, "
                                "a number too long or an unpaired surrogate."
                            ),
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"},
                                    "examples": refused_examples,
                                }
                            },
                        },
                        "405": _error_response("Only POST is accepted."),
                        "413": _error_response("The body is larger than the server accepts (5 MB)."),
                        "415": _error_response("The body is not application/json."),
                        "429": _RATE_LIMITED,
                    },
                }
            },
            "/eligibility/criteria": {
                "get": {
                    "operationId": "eligibilityCriteria",
                    "summary": "The criteria catalogue in force on a date",
                    "parameters": [
                        {
                            "name": "on",
                            "in": "query",
                            "required": False,
                            "description": "YYYY-MM-DD; today in Asia/Shanghai when absent.",
                            "schema": {"type": "string", "format": "date"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "Tiers, criteria with citations, blockers, honours, benefits, materials.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Criteria"}}},
                        },
                        "400": _error_response("The date is not a real YYYY-MM-DD date."),
                        "405": _error_response("Only GET is accepted."),
                        "429": _RATE_LIMITED,
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Profile": _profile_schema(honour_codes),
                "Result": _RESULT_SCHEMA,
                "Error": _ERROR_SCHEMA,
                "Criteria": _CRITERIA_SCHEMA,
            }
        },
    }
