"""Revocation that works offline: the cards' status as a signed bitstring (W3C Bitstring Status List v1.0).

Each card has a fixed position (its id, carried in its tokens); two bits a card — 0 in force, 1 terminated, 2
superseded — gzip-compressed and base64url-encoded in a BitstringStatusListCredential whose JSON is signed as a
COSE_Sign1 by the active key. A desk that downloaded the list and the public keys can tell a terminated card without a
network; the reason never appears. Expiry needs no list: the token carries the period.

The published list is one database row, so every web process serves the same list; it is signed again after each
termination or supersession (cards.services.card_status_changed) and checked each hour by a scheduled task, which signs
it again when the cards' status changed without it (a lost task) or when it is a day old.
"""

import base64
import gzip
import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cards.keys import VerificationKey
from cards.models import Card, CardState, PublishedStatusList
from cards.tokens import TokenError, cose_sign1, cose_sign1_verify

LIST_PATH = "/cards/status-list.json"
STATUS_SIZE = 2
# W3C: a list holds at least 131,072 entries, so a list does not reveal how many cards exist.
MIN_ENTRIES = 131072
# A downloaded list larger than this (uncompressed) is refused: 2**24 cards is far beyond the district's needs.
MAX_LIST_BYTES = 2**24 * STATUS_SIZE // 8
STATUS_IN_FORCE, STATUS_TERMINATED, STATUS_SUPERSEDED = 0, 1, 2
STATUS_VALUES = {CardState.TERMINATED: STATUS_TERMINATED, CardState.SUPERSEDED: STATUS_SUPERSEDED}
STATUS_MESSAGES = [
    {"status": "0x0", "message": "in_force"},
    {"status": "0x1", "message": "terminated"},
    {"status": "0x2", "message": "superseded"},
]
ISSUER = "baiyun-talent-card"
REFRESH_AFTER = timedelta(days=1)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def status_bits() -> bytes:
    """The bitstring of every card's status at its position (most significant bit first, as the W3C list)."""
    rows = list(Card.objects.filter(state__in=list(STATUS_VALUES)).values_list("pk", "state"))
    highest = max((pk for pk, _state in rows), default=0)
    entries = MIN_ENTRIES
    while entries <= highest:
        entries *= 2
    bits = bytearray(entries * STATUS_SIZE // 8)
    for pk, state in rows:
        value = STATUS_VALUES[state]
        for offset in range(STATUS_SIZE):
            if value >> (STATUS_SIZE - 1 - offset) & 1:
                position = pk * STATUS_SIZE + offset
                bits[position // 8] |= 0x80 >> (position % 8)
    return bytes(bits)


def _document(bits: bytes, *, now: datetime) -> str:
    """The published JSON. Only `signed` counts for a verifier: the credential beside it is the same JSON in clear,
    for people reading the list."""
    list_url = settings.PUBLIC_BASE_URL + LIST_PATH
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": now.isoformat(timespec="seconds"),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "message",
            "statusSize": STATUS_SIZE,
            "statusMessage": STATUS_MESSAGES,
            "encodedList": "u" + _b64(gzip.compress(bits, mtime=0)),
        },
    }
    payload = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
    return json.dumps({"signed": _b64(cose_sign1(payload)), "credential": credential}, ensure_ascii=False, indent=1)


def _locked_row() -> PublishedStatusList:
    """The published list's row, locked until the transaction ends (created empty if there is none yet), so that
    two publishers sign one after the other and the later one reads what the earlier one committed."""
    row = PublishedStatusList.objects.select_for_update().filter(pk=1).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return PublishedStatusList.objects.create(
                pk=1, body="", etag="", bits_digest="", published_at=timezone.now()
            )
    except IntegrityError:
        return PublishedStatusList.objects.select_for_update().get(pk=1)


def status_list_publish(*, only_if_stale: bool = False) -> PublishedStatusList:
    """Signs the list again from the cards' current status and publishes it (SigningKeyError without an active key).
    With only_if_stale, an unchanged list less than a day old is left as it is."""
    with transaction.atomic():
        row = _locked_row()
        now = timezone.now()
        bits = status_bits()
        digest = hashlib.sha256(bits).hexdigest()
        if only_if_stale and row.body and row.bits_digest == digest and row.published_at > now - REFRESH_AFTER:
            return row
        row.body = _document(bits, now=now)
        row.etag = hashlib.sha256(row.body.encode()).hexdigest()[:32]
        row.bits_digest = digest
        row.published_at = now
        row.save()
    return row


def status_list_current() -> PublishedStatusList:
    """The published list; signed now if none was published yet."""
    row = PublishedStatusList.objects.filter(pk=1).exclude(body="").first()
    return row or status_list_publish()


@dataclass(frozen=True)
class StatusList:
    """A downloaded status list whose signature was checked."""

    bits: bytes
    size: int
    valid_from: datetime
    kid: str

    def status_at(self, index: int) -> int:
        """The status value of the card at `index`; a position beyond the list is a card newer than it (in force)."""
        value = 0
        for offset in range(self.size):
            position = index * self.size + offset
            if position // 8 >= len(self.bits):
                return STATUS_IN_FORCE
            value = value << 1 | (self.bits[position // 8] >> (7 - position % 8) & 1)
        return value


def status_list_read(document: object, *, keys: dict[str, VerificationKey]) -> StatusList:
    """A published list after checking its signature with the published keys. A signature that does not verify
    raises TokenError (its reason as for a token); anything else that is not a status list, ValueError."""
    if not isinstance(document, dict) or not isinstance(document.get("signed"), str):
        raise ValueError('not a published status list: expected {"signed": ...}')
    try:
        signed = _unb64(document["signed"])
    except ValueError:
        raise ValueError("the signed list is not base64url") from None
    key, payload = cose_sign1_verify(signed, keys=keys)
    try:
        credential = json.loads(payload)
        subject = credential["credentialSubject"]
        size = subject["statusSize"]
        valid_from = datetime.fromisoformat(credential["validFrom"])
        encoded = subject["encodedList"]
        if "BitstringStatusListCredential" not in credential["type"] or not encoded.startswith("u"):
            raise ValueError
        if size != STATUS_SIZE:
            raise ValueError
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        bits = inflater.decompress(_unb64(encoded[1:]), MAX_LIST_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError, zlib.error):
        # Signed by our key yet not a list of ours: refused the same way as a broken one.
        raise TokenError("format") from None
    return StatusList(bits=bits, size=size, valid_from=valid_from, kid=key.kid)
