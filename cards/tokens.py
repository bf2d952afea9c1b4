"""The signed token in a card's QR code: a CWT (RFC 8392) in a COSE_Sign1 (RFC 9052) signed with Ed25519, compressed
with zlib and written in Base45 (RFC 9285), as the EU Digital COVID Certificate does, so that the QR stays small
enough for a phone camera at arm's length and any verifier holding the public keys can check it offline.

It holds the key id, the card number, tier, validity dates, the token's issue and expiry times, the masked name and
the card's position in the status list — never an identity number, birth date, phone or employer (spec "The
credential").
"""

import io
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, unquote

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.utils import timezone

from cards.keys import VerificationKey, signing_key_active
from cards.models import TIER_LETTER, Card

PREFIX = "BYTC1:"
# The public verification page. The QR holds its address with the token in the fragment, so that a plain phone camera
# opens the page, and the token, never sent to the server in the address, stays out of every access log.
VERIFY_PATH = "/cards/verify/"
# COSE header labels and the one algorithm accepted (RFC 9053: EdDSA is -8); anything else is refused, never tried.
HEADER_ALG, HEADER_KID = 1, 4
ALG_EDDSA = -8
COSE_SIGN1_TAG = 18
# CWT claims (RFC 8392) and the card's own, with short text keys to keep the QR small.
CLAIM_ISS, CLAIM_EXP, CLAIM_IAT = 1, 4, 6
ISSUER = "baiyun-talent-card"
TIER_OF_LETTER = {letter: tier for tier, letter in TIER_LETTER.items()}
# Limits checked before anything is decoded: a QR holds at most a few hundred characters.
MAX_TOKEN_CHARS = 1200
MAX_QR_TEXT_CHARS = 4 * MAX_TOKEN_CHARS
MAX_INFLATED_BYTES = 2048
MAX_CBOR_DEPTH = 8
# Clocks of a phone, a desk's computer and the server differ a little.
CLOCK_SKEW = timedelta(minutes=2)


class TokenError(Exception):
    """A token that is not one of ours or not intact; `reason` is a stable code for the verifier: size, format
    (unreadable), unknown_key, algorithm, signature, retired_key (signed by a key after its retirement)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TokenClaims:
    kid: str
    number: str
    tier: str
    valid_from: date
    valid_until: date
    issued_at: datetime
    expires_at: datetime
    masked_name: str
    status_index: int


def _day(value: date) -> int:
    return value.year * 10000 + value.month * 100 + value.day


def _from_day(value: object) -> date:
    if not isinstance(value, int) or not 19000101 <= value <= 99991231:
        raise TokenError("format")
    try:
        return date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        raise TokenError("format") from None


def card_token_issue(*, card: Card, lifetime: timedelta | None = None, now: datetime | None = None) -> str:
    """A signed token of an issued card: valid until the end of its period, or for `lifetime` (the wallet's few
    minutes, so that a screenshot goes stale)."""
    if card.valid_from is None or card.valid_until is None:
        raise ValueError("a card is signed once it is issued")
    now = now or timezone.now()
    period_end = datetime.combine(
        card.valid_until + timedelta(days=1), datetime.min.time(), tzinfo=timezone.get_default_timezone()
    )
    expires = min(period_end, now + lifetime) if lifetime else period_end
    claims = {
        CLAIM_ISS: ISSUER,
        CLAIM_IAT: int(now.timestamp()),
        CLAIM_EXP: int(expires.timestamp()),
        "n": card.number,
        "t": TIER_LETTER[card.tier],
        "f": _day(card.valid_from),
        "u": _day(card.valid_until),
        "h": card.masked_holder_name,
        # The card's position in the status list (cards.status_list), for offline verifiers.
        "i": card.pk,
    }
    return PREFIX + base45.b45encode(zlib.compress(cose_sign1(cbor2.dumps(claims)), 9)).decode("ascii")


def card_qr_text(token: str) -> str:
    """What a card's QR code holds: the verification page's address with the token in its fragment.

    Base45's space and percent sign are percent-encoded, so the address stays one URL for every phone camera while
    the token keeps to the QR alphanumeric set (a QR library's segment optimisation keeps the code small)."""
    return settings.PUBLIC_BASE_URL + VERIFY_PATH + "#" + quote(token, safe="$*+-./:")


def token_from_qr_text(text: str) -> str:
    """The token in what a QR code holds or a verifier pasted: the verification address or the bare token."""
    text = text.strip()
    if len(text) > MAX_QR_TEXT_CHARS:
        raise TokenError("size")
    if "#" in text:
        text = unquote(text.split("#", 1)[1]).strip()
    return text


def cose_sign1(payload: bytes) -> bytes:
    """A COSE_Sign1 of `payload` by the active key, its id in the protected header (RFC 9052 §4.2)."""
    key, private = signing_key_active()
    protected = cbor2.dumps({HEADER_ALG: ALG_EDDSA, HEADER_KID: key.kid.encode("ascii")})
    signature = private.sign(_sig_structure(protected, payload))
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    """The bytes an Ed25519 signature covers (RFC 9052 §4.4), with no external data."""
    return cbor2.dumps(["Signature1", protected, b"", payload])


def _cbor_strict(data: bytes) -> object:
    """One CBOR item that is all of `data`: nothing appended, no indefinite lengths, no duplicate keys, shallow."""
    stream = io.BytesIO(data)
    try:
        decoder = cbor2.CBORDecoder(
            stream, max_depth=MAX_CBOR_DEPTH, allow_indefinite=False, allow_duplicate_keys=False
        )
        item = decoder.decode()
    except Exception:
        # Untrusted bytes: any failure of the decoder, its semantic tag decoders included, is a malformed token.
        raise TokenError("format") from None
    if stream.tell() != len(data):
        raise TokenError("format")
    return item


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(data, MAX_INFLATED_BYTES)
    except zlib.error:
        raise TokenError("format") from None
    if inflater.unconsumed_tail or inflater.unused_data or not inflater.eof:
        raise TokenError("format")
    return inflated


def _sign1_parts(data: bytes) -> tuple[bytes, Mapping, bytes, bytes]:
    """The protected header (bytes and map), payload and signature of a COSE_Sign1, or TokenError("format")."""
    sign1 = _cbor_strict(data)
    if not isinstance(sign1, cbor2.CBORTag) or sign1.tag != COSE_SIGN1_TAG:
        raise TokenError("format")
    # cbor2 gives the array inside a tag as a tuple (a tag's value must be hashable), elsewhere as a list.
    parts = sign1.value
    if not isinstance(parts, list | tuple) or len(parts) != 4:
        raise TokenError("format")
    protected, unprotected, payload, signature = parts
    if not all(isinstance(part, bytes) for part in (protected, payload, signature)) or not isinstance(
        unprotected, Mapping
    ):
        raise TokenError("format")
    header = _cbor_strict(protected)
    if not isinstance(header, Mapping):
        raise TokenError("format")
    return protected, header, payload, signature


def cose_sign1_verify(data: bytes, *, keys: dict[str, VerificationKey]) -> tuple[VerificationKey, bytes]:
    """The key and payload of a COSE_Sign1, checked in order: format, key id, pinned algorithm, signature.

    The key id and algorithm are read from the protected header only, and the algorithm is never chosen by the
    token: a header naming anything but EdDSA (none, an HMAC, ...) is refused before any key is used."""
    protected, header, payload, signature = _sign1_parts(data)
    kid = header.get(HEADER_KID)
    if not isinstance(kid, bytes):
        raise TokenError("format")
    key = keys.get(kid.decode("ascii", errors="replace"))
    if key is None:
        raise TokenError("unknown_key")
    if header.get(HEADER_ALG) != ALG_EDDSA or set(header) - {HEADER_ALG, HEADER_KID}:
        raise TokenError("algorithm")
    try:
        key.public_key.verify(signature, _sig_structure(protected, payload))
    except InvalidSignature:
        raise TokenError("signature") from None
    return key, payload


def token_verify(token: str, *, keys: dict[str, VerificationKey]) -> TokenClaims:
    """Checks, in order, the size and format, the key id, the pinned algorithm and the signature, and returns the
    claims; the token's time and the card's period and status are the caller's next checks. Takes the bare token or
    the QR's text (card_qr_text)."""
    token = token_from_qr_text(token)
    if len(token) > MAX_TOKEN_CHARS:
        raise TokenError("size")
    if not token.startswith(PREFIX):
        raise TokenError("format")
    try:
        compressed = base45.b45decode(token[len(PREFIX) :])
    except (ValueError, TypeError):
        raise TokenError("format") from None
    key, payload = cose_sign1_verify(_inflate(compressed), keys=keys)
    claims = _cbor_strict(payload)
    if not isinstance(claims, Mapping) or claims.get(CLAIM_ISS) != ISSUER:
        raise TokenError("format")
    number, letter, masked = claims.get("n"), claims.get("t"), claims.get("h")
    issued, expires, index = claims.get(CLAIM_IAT), claims.get(CLAIM_EXP), claims.get("i")
    if not (isinstance(number, str) and isinstance(masked, str) and letter in TIER_OF_LETTER):
        raise TokenError("format")
    if not (isinstance(issued, int) and isinstance(expires, int) and 0 < issued < expires < 2**40):
        raise TokenError("format")
    if not (isinstance(index, int) and 0 < index < 2**40):
        raise TokenError("format")
    issued_at = datetime.fromtimestamp(issued, tz=UTC)
    # A retired key signs nothing: a token it "signed" after its retirement was not made by the portal.
    if key.retired_at is not None and issued_at > key.retired_at + CLOCK_SKEW:
        raise TokenError("retired_key")
    return TokenClaims(
        kid=key.kid,
        number=number,
        tier=TIER_OF_LETTER[letter],
        valid_from=_from_day(claims.get("f")),
        valid_until=_from_day(claims.get("u")),
        issued_at=issued_at,
        expires_at=datetime.fromtimestamp(expires, tz=UTC),
        masked_name=masked,
        status_index=index,
    )
