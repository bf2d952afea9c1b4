"""Revocation that works offline: the cards' status as a signed bitstring (W3C Bitstring Status List v1.0).

Each card has a fixed position (its id); two bits a card — 0 in force, 1 terminated, 2 superseded — gzip-compressed
and base64url-encoded in a BitstringStatusListCredential, signed as a COSE_Sign1 by the active key. A desk that
downloaded the list and the public keys can tell a terminated card without a network; the reason never appears.
"""

import base64
import gzip
import json

from django.core.cache import cache
from django.utils import timezone

from cards.models import Card, CardState
from cards.tokens import cose_sign1, cose_sign1_verify

STATUS_SIZE = 2
# W3C: a list holds at least 131,072 entries, so a list does not reveal how many cards exist.
MIN_ENTRIES = 131072
STATUS_VALUES = {CardState.TERMINATED: 1, CardState.SUPERSEDED: 2}
STATUS_MESSAGES = [
    {"status": "0x0", "message": "in_force"},
    {"status": "0x1", "message": "terminated"},
    {"status": "0x2", "message": "superseded"},
]
CACHE_KEY = "cards:status-list"


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


def status_list_build(*, list_url: str) -> dict:
    """The signed status list as published: the COSE_Sign1 (base64url) whose payload is the credential's JSON."""
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "baiyun-talent-card",
        "validFrom": timezone.now().isoformat(timespec="seconds"),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "message",
            "statusSize": STATUS_SIZE,
            "statusMessage": STATUS_MESSAGES,
            "encodedList": "u" + _b64(gzip.compress(status_bits(), mtime=0)),
        },
    }
    payload = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
    return {"signed": _b64(cose_sign1(payload)), "credential": credential}


def status_list_publish(*, list_url: str = "/cards/status-list.json") -> dict:
    """Signs the list again (after a termination or a supersession) and keeps it for the public URL."""
    published = status_list_build(list_url=list_url)
    cache.set(CACHE_KEY, published, timeout=None)
    return published


def status_list_current(*, list_url: str = "/cards/status-list.json") -> dict:
    """The published list, signed now if none is kept."""
    return cache.get(CACHE_KEY) or status_list_publish(list_url=list_url)


def status_of(*, published: dict, keys: dict, position: int) -> int:
    """A card's status value in a published list, after checking its signature (TokenError when broken)."""
    _kid, payload = cose_sign1_verify(_unb64(published["signed"]), keys=keys)
    subject = json.loads(payload)["credentialSubject"]
    bits = gzip.decompress(_unb64(subject["encodedList"][1:]))
    size = subject["statusSize"]
    value = 0
    for offset in range(size):
        position_bit = position * size + offset
        if position_bit // 8 >= len(bits):
            return 0
        value = value << 1 | (bits[position_bit // 8] >> (7 - position_bit % 8) & 1)
    return value
