"""The card verification part of the OpenAPI document (/api/v1/openapi.json, composed by baiyun_talent.openapi)."""

from typing import Any

from cards.tokens import MAX_QR_TEXT_CHARS
from cards.verification import MESSAGES, Verdict
from cards.verification_views import API_MAX_BODY_BYTES

_BILINGUAL = {
    "type": "object",
    "required": ["zh", "en"],
    "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
}

_FACE = {
    "type": "object",
    "description": "No more than the card face shows, the name masked; never the photo or an identity number.",
    "required": ["number", "tier", "tier_name", "holder", "valid_from", "valid_until"],
    "properties": {
        "number": {"type": "string", "pattern": "^BY-[DGS]-[0-9]{4}-[0-9]{6}$"},
        "tier": {"type": "string", "enum": ["diamond", "gold", "silver"]},
        "tier_name": _BILINGUAL,
        "holder": {"type": "string", "description": "The masked name, e.g. 张*明."},
        "valid_from": {"type": "string", "format": "date"},
        "valid_until": {"type": "string", "format": "date", "description": "The last day of the card's period."},
    },
}

_VERIFICATION = {
    "type": "object",
    "required": ["status", "detail", "message", "messages", "check_identity", "card", "newest_card", "checked_at"],
    "properties": {
        "status": {
            "type": "string",
            "enum": list(Verdict.values),
            "description": (
                "valid; expired (the card's period ended, or a wallet code lapsed: a screenshot); not_yet_valid; "
                "terminated (never why); superseded (newest_card names the card that replaced it); forged (the "
                "signature does not verify with the portal's keys); unknown (not a card's QR code, or no such card)."
            ),
        },
        "detail": {"type": "string", "enum": sorted(MESSAGES), "description": "Why, as a stable code."},
        "message": {"type": "string", "description": "The explanation in the language of the request."},
        "messages": _BILINGUAL,
        "check_identity": {
            **_BILINGUAL,
            "description": "Always: the card is for its holder's own use only (Art. 6); check their identity document.",
        },
        "card": {"oneOf": [{"$ref": "#/components/schemas/CardFace"}, {"type": "null"}]},
        "newest_card": {
            "oneOf": [
                {
                    "allOf": [
                        {"$ref": "#/components/schemas/CardFace"},
                        {
                            "type": "object",
                            "required": ["status"],
                            "properties": {"status": {"type": "string", "enum": list(Verdict.values)}},
                        },
                    ]
                },
                {"type": "null"},
            ]
        },
        "checked_at": {"type": "string", "format": "date-time"},
    },
}

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["field", "code", "message", "zh", "en"],
            "properties": {
                "field": {"type": "string"},
                "code": {
                    "type": "string",
                    "enum": [
                        "invalid_json",
                        "invalid_encoding",
                        "token_missing",
                        "body_too_large",
                        "unsupported_media_type",
                        "method_not_allowed",
                        "rate_limited",
                    ],
                },
                "message": {"type": "string", "description": "The message in the language of the request."},
                "zh": {"type": "string"},
                "en": {"type": "string"},
            },
        }
    },
}


def _error(description: str, **extra: Any) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/CardVerifyError"}
    return {"description": description, "content": {"application/json": {"schema": schema}}, **extra}


def openapi_part() -> dict[str, Any]:
    """The paths and schemas of POST /api/v1/cards/verify."""
    return {
        "paths": {
            "/cards/verify": {
                "post": {
                    "operationId": "cardsVerify",
                    "summary": "Verify a card's QR code",
                    "description": (
                        "Checks, in order: size and format, key id, the pinned algorithm (EdDSA), the signature, the "
                        "token's time, the card's period and its live status. Offline verifiers use the public keys "
                        "(/cards/keys.json, a JWK Set) and the signed status list (/cards/status-list.json, W3C "
                        "Bitstring Status List) instead. Rate-limited per client address."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["token"],
                                    "properties": {
                                        "token": {
                                            "type": "string",
                                            "minLength": 1,
                                            "pattern": "\\S",
                                            "description": (
                                                "The QR code's text (its address) or the token (BYTC1:...). Text "
                                                f"over {MAX_QR_TEXT_CHARS} characters is answered `unknown` "
                                                "(detail `size`), as any text that is not a card's code is."
                                            ),
                                        }
                                    },
                                },
                                "examples": {
                                    "qr": {
                                        "summary": "The text of a card's QR code",
                                        "value": {"token": "https://talent.example.gov.cn/cards/verify/#BYTC1:..."},
                                    }
                                },
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "The verdict, whatever it is (a forged token is a verdict, not an error).",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/CardVerification"}}
                            },
                        },
                        "400": _error("Malformed JSON, or no token string."),
                        "405": _error("Only POST is accepted."),
                        "413": _error(f"The body is larger than {API_MAX_BODY_BYTES} bytes."),
                        "415": _error("The body is not application/json."),
                        "429": _error(
                            "Too many verifications from this address; wait Retry-After seconds.",
                            headers={"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
                        ),
                    },
                }
            }
        },
        "schemas": {"CardVerification": _VERIFICATION, "CardFace": _FACE, "CardVerifyError": _ERROR},
    }
