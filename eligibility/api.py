"""The JSON boundary of the engine, shared by the HTTP API and the command line: one error shape, one listing."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from baiyun_talent.i18n import chinese_active
from eligibility.catalogue import Blocker, Catalogue, Policy
from eligibility.dates import date_parse_iso
from eligibility.profile import ProfileError
from eligibility.selectors import catalogue_published, evaluation_in_force

__all__ = [
    "RATE_WINDOW_SECONDS",
    "BoundaryError",
    "api_rate_check",
    "criteria_listing",
    "error_body",
    "evaluation_run",
    "json_parse",
    "on_date_parse",
    "today_local",
]

RATE_WINDOW_SECONDS = 60
# A profile nests three levels (object, section, value); anything far deeper is not a profile, and walking it
# further would only spend the server's stack.
MAX_JSON_DEPTH = 32
# RFC 7493 (I-JSON) 2.1: strings must not hold unpaired surrogates; they cannot be encoded as UTF-8 on the way out.
_SURROGATE = re.compile("[\ud800-\udfff]")

# Errors of the boundary itself (not of a profile field), worded once in English and translated by the catalogue.
_BOUNDARY_MESSAGES = {
    "invalid_json": _("The input is not valid JSON (line %(line)s, column %(column)s)."),
    "invalid_encoding": _("The input is not UTF-8 text."),
    "too_deep": _("The input nests arrays or objects more than %(limit)s levels deep."),
    "number_too_long": _("The input holds a number with more digits than any profile field can take."),
    "invalid_unicode": _("The input holds an unpaired surrogate escape (\\ud800 to \\udfff), which is not text."),
    "too_large": _("The body is larger than %(limit)s MB."),
    "unreadable_file": _("The file %(name)s cannot be read."),
    "invalid_date": _("%(field)s: must be a real date (YYYY-MM-DD)."),
    "unsupported_media_type": _("Send the profile as JSON (Content-Type: application/json)."),
    "method_not_allowed": _("This address accepts %(allowed)s requests only."),
    "rate_limited": _("Too many requests: try again in %(seconds)s seconds."),
}


class BoundaryError(Exception):
    """Input refused before it reaches the engine (malformed JSON, a bad date): a client error with our error shape."""

    def __init__(self, *, field: str, code: str, **params: object) -> None:
        self.field = field
        self.code = code
        self.params = params
        super().__init__(code)

    def text(self, language: str) -> str:
        """The message in one language."""
        with translation.override(language):
            return str(_BOUNDARY_MESSAGES[self.code]) % {"field": self.field, **self.params}


def error_body(error: ProfileError | BoundaryError) -> dict[str, dict[str, str]]:
    """The one error shape of the API and the CLI; `message` follows the active language."""
    if isinstance(error, ProfileError):
        zh, en = error.zh, error.en
    else:
        zh, en = error.text("zh-hans"), error.text("en")
    english = not chinese_active()
    return {"error": {"field": error.field, "code": error.code, "message": en if english else zh, "zh": zh, "en": en}}


def today_local() -> date:
    """Today in Asia/Shanghai, the date a profile without on_date is evaluated on (spec: "Input profile")."""
    return timezone.localdate()


def json_parse(raw: bytes | str, *, field: str) -> Any:
    """Untrusted JSON text in, Python data out; malformed input raises BoundaryError naming line and column."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BoundaryError(field=field, code="invalid_encoding") from error
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise BoundaryError(field=field, code="invalid_json", line=error.lineno, column=error.colno) from error
    except RecursionError:
        raise BoundaryError(field=field, code="too_deep", limit=MAX_JSON_DEPTH) from None
    except ValueError:
        # Python refuses to convert an integer literal of more than sys.get_int_max_str_digits() digits.
        raise BoundaryError(field=field, code="number_too_long") from None
    _json_check(data, field=field)
    return data


def _json_check(data: Any, *, field: str) -> None:
    """Refuse nesting deeper than MAX_JSON_DEPTH and strings (keys included) that are not encodable text."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if not value.isascii() and _SURROGATE.search(value):
                raise BoundaryError(field=field, code="invalid_unicode")
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise BoundaryError(field=field, code="too_deep", limit=MAX_JSON_DEPTH)
            if isinstance(value, dict):
                pending.extend((key, depth) for key in value)
                pending.extend((item, depth + 1) for item in value.values())
            else:
                pending.extend((item, depth + 1) for item in value)


def on_date_parse(text: str | None, *, field: str = "on") -> date:
    """An optional YYYY-MM-DD parameter; today when absent (an empty value is not a date)."""
    if text is None:
        return today_local()
    parsed = date_parse_iso(text)
    if parsed is None:
        raise BoundaryError(field=field, code="invalid_date")
    return parsed


def evaluation_run(data: object, *, today: date | None = None) -> dict[str, object]:
    """Evaluate one untrusted profile; raises ProfileError naming the field when it is invalid."""
    return evaluation_in_force(data, today=today or today_local())  # type: ignore[arg-type]  # parse_profile checks it


def _policy_listing(policy: Policy) -> dict[str, object]:
    """Everything a client needs to understand a policy version's criteria, in both languages."""
    return {
        "code": policy.code,
        "title": {"zh": policy.title_zh, "en": policy.title_en},
        "document_number": policy.document_number,
        "issued_by": {"zh": policy.issued_by_zh, "en": policy.issued_by_en},
        "issued_on": policy.issued_on.isoformat(),
        "in_force_from": policy.in_force_from.isoformat(),
        "in_force_until": policy.in_force_until.isoformat(),
    }


def criteria_listing(*, on_date: date, catalogue: Catalogue | None = None) -> dict[str, object]:
    """The catalogue in force on on_date as JSON: tiers, criteria, blockers, honours, benefits and materials."""
    catalogue = catalogue or catalogue_published()
    policy = catalogue.policy_for(on_date)
    if policy is None:
        # 第九条: nothing can be granted outside every version's validity; say why instead of listing nothing.
        blocker = catalogue.out_of_force_blocker(on_date)
        return {
            "on_date": on_date.isoformat(),
            "in_force": False,
            "policy": None,
            "tiers": [],
            "criteria": [],
            "blockers": [_blocker_listing(blocker)],
            "honours": [],
            "benefits": [],
            "basic_materials": [],
            "special_evidence": [],
        }
    return {
        "on_date": on_date.isoformat(),
        "in_force": True,
        "policy": _policy_listing(policy),
        "tiers": [
            {"code": tier.code, "zh": tier.zh, "en": tier.en, "benefits": list(tier.benefits)} for tier in policy.tiers
        ],
        "criteria": [
            {
                "code": criterion.code,
                "tier": criterion.tier,
                "zh": criterion.zh,
                "en": criterion.en,
                "citation": {"zh": criterion.citation_zh, "en": criterion.citation_en},
                "honours": list(criterion.honours),
                "evidence": list(criterion.evidence),
            }
            for criterion in policy.criteria
        ],
        "blockers": [_blocker_listing(blocker) for blocker in policy.blockers],
        "honours": [
            {"code": honour.code, "zh": honour.zh, "en": honour.en, "matches_nothing": honour.matches_nothing}
            for honour in policy.honours
        ],
        "benefits": [{"number": benefit.number, "zh": benefit.zh, "en": benefit.en} for benefit in policy.benefits],
        "basic_materials": [
            {
                "code": material.code,
                "zh": material.zh,
                "en": material.en,
                "description_zh": material.description_zh,
                "description_en": material.description_en,
            }
            for material in policy.basic_materials
        ],
        "special_evidence": [{"code": item.code, "zh": item.zh, "en": item.en} for item in policy.special_evidence],
    }


def _blocker_listing(blocker: Blocker) -> dict[str, object]:
    """One blocker with its citation."""
    return {
        "code": blocker.code,
        "zh": blocker.zh,
        "en": blocker.en,
        "citation": {"zh": blocker.citation_zh, "en": blocker.citation_en},
    }


def api_rate_check(*, request: HttpRequest) -> int | None:
    """Count one request of the client in the current minute; the seconds to wait when over the limit, else None.

    django-ratelimit in Django's cache (Redis in production, shared by every worker), by the client's address as the
    configured proxies tell it (settings.RATELIMIT_IP_META_KEY), so that a public, unauthenticated endpoint cannot be
    used to load the server.
    """
    limit = settings.ELIGIBILITY_API_RATE_LIMIT
    if limit <= 0:
        return None
    usage = get_usage(request, group="eligibility-api", key="ip", rate=(limit, RATE_WINDOW_SECONDS), increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, usage["time_left"])
