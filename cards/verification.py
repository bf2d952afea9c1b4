"""Verification of a card's QR code (spec "Verification"), online against the records or offline with only the
published keys and status list, in one order of checks: size and format, key id, pinned algorithm, signature (all in
cards.tokens), then the token's time, the card's period and the card's live status.

The answer is one of seven verdicts with a stable detail code, the card face as the token carries it (masked name,
tier, number, validity — never the photo, the full name or why a card was terminated), and always the reminder to
check the holder's identity document (第六条: 云聚英才卡仅限本人使用).
"""

import functools
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from applications.models import Tier
from cards.keys import VerificationKey, verification_keys, verification_keys_reload
from cards.models import Card, CardState
from cards.selectors import card_newest_of_line
from cards.status_list import STATUS_SUPERSEDED, STATUS_TERMINATED, StatusList
from cards.tokens import CLOCK_SKEW, TokenClaims, TokenError, token_verify


class Verdict(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")
    TERMINATED = "terminated", _("Terminated")
    SUPERSEDED = "superseded", _("Replaced by a newer card")
    FORGED = "forged", _("Not genuine")
    UNKNOWN = "unknown", _("Not recognised")


# Token errors that mean "not made by the portal" rather than "not a card's QR code at all".
FORGERY_REASONS = frozenset({"unknown_key", "algorithm", "signature", "retired_key"})

# What each detail code tells the verifier; %(date)s is a card date. Never a termination reason.
MESSAGES = {
    "in_force": _("This card is valid."),
    "token_lapsed": _(
        "This QR code has lapsed. The code on the holder's wallet page lasts a few minutes, so this is an old "
        "screenshot or a page left open: ask the holder to open the wallet page again and scan the new code."
    ),
    "token_not_yet": _("This QR code is dated in the future: check the date and time of this device."),
    "period_not_started": _("This card is valid from %(date)s."),
    "period_ended": _("This card's 5-year management period ended on %(date)s (Art. 6)."),
    "terminated": _("This card has been terminated: it no longer gives access to the services."),
    "superseded": _("This card was replaced by a higher card (Art. 8): ask the holder for the new card."),
    "unknown_key": _("This QR code is not genuine: it was not signed by the portal. Do not accept it."),
    "algorithm": _("This QR code is not genuine: it was not signed by the portal. Do not accept it."),
    "signature": _("This QR code is not genuine: it was altered or not signed by the portal. Do not accept it."),
    "retired_key": _("This QR code is not genuine: it was not signed by the portal. Do not accept it."),
    "size": _("This is not the QR code of a talent card: it is far too long."),
    "format": _(
        "This is not the QR code of a talent card, or it was not read completely: scan it again or paste the "
        "whole text."
    ),
    "no_such_card": _("No card with this number is on record."),
}
IDENTITY_CHECK = _(
    "The card is for its holder's own use only (Art. 6): check the holder's identity document and compare the "
    "name and the card number."
)


# With a cache every process shares (Redis), the cards' live status is kept in each process's memory under a version
# that every change of a card's status for verifiers replaces (cards.services.card_status_changed), and each process
# reads the version at most every STATUS_VERSION_SECONDS: a termination reaches every process within that time, the
# process that made it at once. Without a shared cache, the status is read from the database each time.
STATUS_VERSION_KEY = "cards:status-version"
STATUS_VERSION_SECONDS = 1.0
STATUS_MEMORY_MAX = 4096
_status_memory: dict[tuple[str, str], "CardStatus"] = {}
_status_version: dict = {"value": None, "read_at": 0.0}


@dataclass(frozen=True)
class CardStatus:
    """What verification reads of a card's record: its state and period, and the card that replaced it."""

    state: str
    valid_from: date
    valid_until: date
    superseded_by_id: int | None


@dataclass(frozen=True)
class CardFace:
    """What a verifier may see of a card: no more than the card face, with the name masked."""

    number: str
    tier: str
    masked_name: str
    valid_from: date
    valid_until: date

    @property
    def tier_label(self) -> str:
        return Tier(self.tier).label


@dataclass(frozen=True)
class Verification:
    verdict: str
    detail: str
    checked_at: datetime
    card: CardFace | None = None
    # A superseded card: the newest card of its line and its own verdict (online only).
    newest: CardFace | None = None
    newest_verdict: str = ""

    def message(self) -> str:
        """The verifier's explanation in the active language."""
        return str(MESSAGES[self.detail]) % {"date": self.message_date()}

    def message_date(self) -> str:
        """The date the message names: the first day for a card not yet valid, else the last."""
        if self.card is None:
            return ""
        return (self.card.valid_from if self.detail == "period_not_started" else self.card.valid_until).isoformat()

    @property
    def verdict_label(self) -> str:
        return Verdict(self.verdict).label

    @property
    def newest_verdict_label(self) -> str:
        return Verdict(self.newest_verdict).label if self.newest_verdict else ""


def _face(claims: TokenClaims) -> CardFace:
    return CardFace(
        number=claims.number,
        tier=claims.tier,
        masked_name=claims.masked_name,
        valid_from=claims.valid_from,
        valid_until=claims.valid_until,
    )


def _period_end(valid_until: date) -> datetime:
    """The first instant after a card's period (midnight after valid_until, Asia/Shanghai)."""
    return datetime.combine(
        valid_until + timedelta(days=1), datetime.min.time(), tzinfo=timezone.get_default_timezone()
    )


def _token_time(claims: TokenClaims, *, now: datetime) -> tuple[str, str] | None:
    """The token's own time: issued in the future, or past its expiry (a lapsed wallet code or the period's end)."""
    if claims.issued_at > now + CLOCK_SKEW:
        return Verdict.NOT_YET_VALID, "token_not_yet"
    if now > claims.expires_at + CLOCK_SKEW:
        lapsed_early = claims.expires_at < _period_end(claims.valid_until)
        return Verdict.EXPIRED, "token_lapsed" if lapsed_early else "period_ended"
    return None


def _period(valid_from: date, valid_until: date, *, today: date) -> tuple[str, str] | None:
    """Spec: valid from the day of issue to valid_until inclusive, compared here whatever the expiry task marked."""
    if today < valid_from:
        return Verdict.NOT_YET_VALID, "period_not_started"
    if today > valid_until:
        return Verdict.EXPIRED, "period_ended"
    return None


def card_status_of(*, number: str) -> CardStatus | None:
    """The live status of an issued card by its number (one indexed row, or none from process memory)."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return _card_status_read(number)
    version = _status_version_current(backend)
    status = _status_memory.get((number, version))
    if status is None:
        status = _card_status_read(number)
        if status is not None:
            if len(_status_memory) >= STATUS_MEMORY_MAX:
                _status_memory.clear()
            _status_memory[(number, version)] = status
    return status


def _card_status_read(number: str) -> CardStatus | None:
    row = (
        Card.objects.filter(number=number, issued_at__isnull=False)
        .values_list("state", "valid_from", "valid_until", "superseded_by_id")
        .first()
    )
    return CardStatus(*row) if row else None


def _status_version_current(backend: RedisCache) -> str:
    now = time.monotonic()
    if _status_version["value"] is None or now - _status_version["read_at"] > STATUS_VERSION_SECONDS:
        backend.add(STATUS_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        _status_version.update(value=backend.get(STATUS_VERSION_KEY), read_at=now)
    return _status_version["value"]


def card_status_changed_everywhere() -> None:
    """A card's status changed: every process reads the records again (called once the change is committed)."""
    version = uuid.uuid4().hex
    caches["default"].set(STATUS_VERSION_KEY, version, timeout=None)
    _status_version.update(value=version, read_at=time.monotonic())


def _card_status(card: Card | CardStatus) -> tuple[str, str]:
    if card.state == CardState.TERMINATED:
        return Verdict.TERMINATED, "terminated"
    if card.state == CardState.SUPERSEDED:
        return Verdict.SUPERSEDED, "superseded"
    if card.state == CardState.EXPIRED:
        return Verdict.EXPIRED, "period_ended"
    return Verdict.VALID, "in_force"


def _refused(error: TokenError, *, now: datetime) -> Verification:
    verdict = Verdict.FORGED if error.reason in FORGERY_REASONS else Verdict.UNKNOWN
    return Verification(verdict=verdict, detail=error.reason, checked_at=now)


def card_verify(*, text: str, now: datetime | None = None) -> Verification:
    """Online verification of a QR's text or token against the records (public page and API)."""
    now = now or timezone.now()
    try:
        try:
            claims = token_verify(text, keys=verification_keys())
        except TokenError as error:
            # A key activated by another process since this one read the keys.
            if error.reason != "unknown_key" or not verification_keys_reload():
                raise
            claims = token_verify(text, keys=verification_keys())
    except TokenError as error:
        return _refused(error, now=now)
    face = _face(claims)
    answer = _token_time(claims, now=now)
    if answer is not None:
        return Verification(verdict=answer[0], detail=answer[1], checked_at=now, card=face)
    status = card_status_of(number=claims.number)
    if status is None:
        return Verification(verdict=Verdict.UNKNOWN, detail="no_such_card", checked_at=now)
    today = timezone.localdate(now)
    verdict, detail = _period(status.valid_from, status.valid_until, today=today) or _card_status(status)
    if verdict != Verdict.SUPERSEDED:
        return Verification(verdict=verdict, detail=detail, checked_at=now, card=face)
    newest = card_newest_of_line(Card.objects.get(pk=status.superseded_by_id))
    newest_face = CardFace(
        number=newest.number,
        tier=newest.tier,
        masked_name=newest.masked_holder_name,
        valid_from=newest.valid_from,
        valid_until=newest.valid_until,
    )
    newest_verdict, _detail = _period(newest.valid_from, newest.valid_until, today=today) or _card_status(newest)
    return Verification(
        verdict=verdict, detail=detail, checked_at=now, card=face, newest=newest_face, newest_verdict=newest_verdict
    )


def card_verify_offline(
    *, text: str, keys: dict[str, VerificationKey], status_list: StatusList, now: datetime | None = None
) -> Verification:
    """Offline verification with only the published keys and a downloaded status list (checked by the caller)."""
    now = now or timezone.now()
    try:
        claims = token_verify(text, keys=keys)
    except TokenError as error:
        return _refused(error, now=now)
    face = _face(claims)
    answer = _token_time(claims, now=now) or _period(
        claims.valid_from, claims.valid_until, today=timezone.localdate(now)
    )
    if answer is None:
        status = status_list.status_at(claims.status_index)
        if status == STATUS_TERMINATED:
            answer = Verdict.TERMINATED, "terminated"
        elif status == STATUS_SUPERSEDED:
            answer = Verdict.SUPERSEDED, "superseded"
        else:
            answer = Verdict.VALID, "in_force"
    return Verification(verdict=answer[0], detail=answer[1], checked_at=now, card=face)


def verification_json(result: Verification, *, language: str) -> dict:
    """The API's answer: verdict, detail code, the messages in the request's language and in both, the card face."""
    messages = _both("message", result.detail, result.message_date())
    return {
        "status": result.verdict,
        "detail": result.detail,
        "message": messages["en" if language.startswith("en") else "zh"],
        "messages": messages,
        "check_identity": _both("identity"),
        "card": _face_json(result.card) if result.card else None,
        "newest_card": {**_face_json(result.newest), "status": result.newest_verdict} if result.newest else None,
        "checked_at": timezone.localtime(result.checked_at).isoformat(timespec="seconds"),
    }


def _face_json(face: CardFace) -> dict:
    return {
        "number": face.number,
        "tier": face.tier,
        "tier_name": _both("tier", face.tier),
        "holder": face.masked_name,
        "valid_from": face.valid_from.isoformat(),
        "valid_until": face.valid_until.isoformat(),
    }


def _both(kind: str, code: str = "", day: str = "") -> dict[str, str]:
    return dict(zip(("zh", "en"), _texts(kind, code, day), strict=True))


@functools.lru_cache(maxsize=1024)
def _texts(kind: str, code: str, day: str) -> tuple[str, str]:
    """A text of the answer in Chinese and English, translated once per process (the API's hot path)."""
    texts = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            if kind == "message":
                texts.append(str(MESSAGES[code]) % {"date": day})
            elif kind == "tier":
                texts.append(str(Tier(code).label))
            else:
                texts.append(str(IDENTITY_CHECK))
    return texts[0], texts[1]
