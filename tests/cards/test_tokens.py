"""The QR token (COSE_Sign1/CWT, zlib, Base45): its format, its bad inputs, key rotation, and an independent COSE
implementation (pycose) reading and writing it."""

import base64
import hashlib
import hmac
import json
import zlib
from datetime import date, timedelta
from urllib.parse import urlsplit

import base45
import cbor2
import pytest
import qrcode
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone
from pycose.headers import KID, Algorithm
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import Sign1Message

from cards.keys import (
    TOKEN_LIFETIME_MAX,
    keys_from_jwks,
    keys_jwks,
    private_key_of,
    signing_key_activate,
    signing_key_generate,
    signing_key_retire,
    verification_keys,
)
from cards.models import Card
from cards.tokens import (
    MAX_TOKEN_CHARS,
    PREFIX,
    TokenError,
    card_qr_text,
    card_token_issue,
    token_from_qr_text,
    token_verify,
)

pytestmark = pytest.mark.django_db


def a_card(**fields) -> Card:
    """An issued card as the token reads it (unsaved: the token needs no database row)."""
    today = timezone.localdate()
    values = {
        "pk": 42,
        "number": "BY-G-2026-000042",
        "tier": "gold",
        "holder_name": "张三明",
        "valid_from": today,
        "valid_until": date(today.year + 5, today.month, today.day),
    }
    return Card(**{**values, **fields})


def cose_of(token: str) -> bytes:
    return zlib.decompress(base45.b45decode(token.removeprefix(PREFIX)))


def token_of(cose: bytes) -> str:
    return PREFIX + base45.b45encode(zlib.compress(cose)).decode("ascii")


def sign1(protected: dict, payload: bytes, sign) -> bytes:
    """A COSE_Sign1 with the given protected header, its signature made by `sign` over the Sig_structure."""
    header = cbor2.dumps(protected)
    signature = sign(cbor2.dumps(["Signature1", header, b"", payload]))
    return cbor2.dumps(cbor2.CBORTag(18, [header, {}, payload, signature]))


def parts(token: str) -> tuple[dict, bytes]:
    protected, _unprotected, payload, _signature = cbor2.loads(cose_of(token)).value
    return dict(cbor2.loads(protected)), payload


def refusal(token: str) -> str:
    with pytest.raises(TokenError) as caught:
        token_verify(token, keys=verification_keys())
    return caught.value.reason


def test_a_token_carries_the_card_face_and_nothing_personal(signing_key):
    token = card_token_issue(card=a_card())
    claims = token_verify(token, keys=verification_keys())
    assert (claims.kid, claims.number, claims.tier, claims.masked_name, claims.status_index) == (
        signing_key.kid,
        "BY-G-2026-000042",
        "gold",
        "张*明",
        42,
    )
    assert (claims.valid_from, claims.valid_until) == (date(2026, 6, 1), date(2031, 6, 1))
    # The printed card's token lasts to the end of the period (midnight after valid_until, Asia/Shanghai).
    assert timezone.localtime(claims.expires_at).isoformat() == "2031-06-02T00:00:00+08:00"
    _header, payload = parts(token)
    assert sorted(cbor2.loads(payload), key=str) == sorted([1, 4, 6, "n", "t", "f", "u", "h", "i"], key=str)
    # Compact enough for a phone camera at arm's length: a version 11 QR code (61 modules a side) at level M.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(card_qr_text(token))
    code.make(fit=True)
    assert code.version <= 11


def test_the_qr_opens_the_verification_page_with_the_token_out_of_the_address_sent(signing_key, settings):
    settings.PUBLIC_BASE_URL = "https://talent.example.gov.cn"
    token = card_token_issue(card=a_card())
    text = card_qr_text(token)
    address = urlsplit(text)
    assert (address.scheme, address.netloc, address.path, address.query) == (
        "https",
        "talent.example.gov.cn",
        "/cards/verify/",
        "",
    )
    assert " " not in text
    assert token_from_qr_text(text) == token
    assert token_from_qr_text(f"  {token}\n") == token
    assert token_verify(text, keys=verification_keys()).number == "BY-G-2026-000042"


def test_one_byte_changed_in_the_signed_claims_is_a_broken_signature(signing_key):
    token = card_token_issue(card=a_card())
    protected, unprotected, payload, signature = cbor2.loads(cose_of(token)).value
    changed = payload.replace(b"BY-G-2026-000042", b"BY-D-2026-000042")
    assert len(changed) == len(payload) and changed != payload
    tampered = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, changed, signature]))
    assert refusal(token_of(tampered)) == "signature"
    flipped = bytearray(signature)
    flipped[10] ^= 0x01
    assert refusal(token_of(cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, bytes(flipped)])))) == (
        "signature"
    )


def test_one_character_changed_in_the_printed_token_is_refused(signing_key):
    token = card_token_issue(card=a_card())
    position = len(token) // 2
    changed = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
    # zlib's checksum catches it before the signature is even read.
    assert refusal(changed) == "format"


def test_a_token_signed_by_an_unknown_key_is_refused(signing_key):
    stranger = Ed25519PrivateKey.generate()
    claims = cbor2.loads(parts(card_token_issue(card=a_card()))[1])
    payload = cbor2.dumps(dict(claims))
    assert refusal(token_of(sign1({1: -8, 4: b"202606-ffffff"}, payload, stranger.sign))) == "unknown_key"
    # Our key id, someone else's key.
    assert refusal(token_of(sign1({1: -8, 4: signing_key.kid.encode()}, payload, stranger.sign))) == "signature"


@pytest.mark.parametrize(
    ("algorithm", "name"),
    [("none", "alg none"), (None, "no alg"), (5, "HMAC 256/256 (HS256)"), ("HS256", "HS256 by name"), (-7, "ES256")],
)
def test_a_switched_algorithm_is_refused_before_any_key_is_used(signing_key, algorithm, name):
    _header, payload = parts(card_token_issue(card=a_card()))
    public = verification_keys()[signing_key.kid].public_key.public_bytes_raw()
    protected = {4: signing_key.kid.encode()}
    if algorithm is not None:
        protected[1] = algorithm

    def hmac_with_the_public_key(data: bytes) -> bytes:
        return hmac.new(public, data, hashlib.sha256).digest()

    sign = (lambda data: b"") if algorithm == "none" else hmac_with_the_public_key
    assert refusal(token_of(sign1(protected, payload, sign))) == "algorithm", name


def test_an_algorithm_named_only_in_the_unprotected_header_is_refused(signing_key):
    token = card_token_issue(card=a_card())
    protected, _unprotected, payload, signature = cbor2.loads(cose_of(token)).value
    header = dict(cbor2.loads(protected))
    del header[1]
    forged = cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps(header), {1: -8}, payload, signature]))
    assert refusal(token_of(forged)) == "algorithm"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (PREFIX + "A" * (MAX_TOKEN_CHARS + 1), "size"),
        ("x" * 10_000, "size"),
        (PREFIX + "abc!!", "format"),
        (PREFIX + "eyJhbGciOiJFZERTQSJ9", "format"),
        ("eyJhbGciOiJFZERTQSIsImtpZCI6IjEifQ.eyJuIjoiQlktRy0yMDI2LTAwMDA0MiJ9.c2ln", "format"),
        (PREFIX, "format"),
        ("", "format"),
        ("https://talent.example.gov.cn/cards/verify/#", "format"),
        ("https://example.com/some/other/qr", "format"),
    ],
)
def test_oversized_or_unreadable_tokens_are_refused_unread(signing_key, token, reason):
    assert refusal(token) == reason


@pytest.mark.parametrize(
    ("cose", "name"),
    [
        (cbor2.dumps([1, 2, 3]), "not a COSE_Sign1"),
        (cbor2.dumps(cbor2.CBORTag(17, [b"", {}, b"", b""])), "a COSE_Mac0"),
        (cbor2.dumps(cbor2.CBORTag(18, [b"", {}, b""])), "three parts"),
        (b"\x9f" * 500, "indefinite, deep nesting"),
        (cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps(cbor2.CBORTag(35, "(a+)+$")), {}, b"", b""])), "a regex tag"),
    ],
)
def test_malformed_cose_structures_are_refused_as_format(signing_key, cose, name):
    assert refusal(token_of(cose)) == "format", name


def test_bytes_appended_after_the_signed_structure_are_refused(signing_key):
    cose = cose_of(card_token_issue(card=a_card()))
    assert refusal(token_of(cose + b"\x00")) == "format"
    compressed = zlib.compress(cose) + b"more"
    assert refusal(PREFIX + base45.b45encode(compressed).decode("ascii")) == "format"


def test_a_zlib_bomb_is_refused_without_inflating_it(signing_key):
    bomb = PREFIX + base45.b45encode(zlib.compress(b"\x00" * 500_000, 9)).decode("ascii")
    assert len(bomb) < MAX_TOKEN_CHARS
    assert refusal(bomb) == "format"


def test_a_retired_key_verifies_what_it_signed_but_nothing_signed_after_its_retirement(signing_key):
    old_token = card_token_issue(card=a_card())
    successor = signing_key_generate()
    signing_key_activate(kid=successor.kid)
    signing_key.refresh_from_db()
    assert signing_key.state == "retired"
    assert token_verify(old_token, keys=verification_keys()).kid == signing_key.kid
    # Someone holding the retired private key signs a token dated after its retirement.
    private = private_key_of(signing_key)
    claims = dict(cbor2.loads(parts(old_token)[1]))
    claims[6] = int((timezone.now() + timedelta(minutes=5)).timestamp())
    late = token_of(sign1({1: -8, 4: signing_key.kid.encode()}, cbor2.dumps(claims), private.sign))
    assert refusal(late) == "retired_key"
    new_token = card_token_issue(card=a_card())
    assert token_verify(new_token, keys=verification_keys()).kid == successor.kid


def test_a_retired_key_is_published_until_the_last_token_it_signed_has_expired(signing_key):
    signing_key_retire(kid=signing_key.kid)
    later = timezone.now() + TOKEN_LIFETIME_MAX - timedelta(days=1)
    assert [key["kid"] for key in keys_jwks(now=later)["keys"]] == [signing_key.kid]
    assert keys_jwks(now=timezone.now() + TOKEN_LIFETIME_MAX + timedelta(days=1)) == {"keys": []}


def test_a_generated_key_is_published_before_it_signs(signing_key):
    ready = signing_key_generate()
    published = {key["kid"]: key["status"] for key in keys_jwks()["keys"]}
    assert published == {signing_key.kid: "active", ready.kid: "ready"}
    assert card_token_issue(card=a_card()) and parts(card_token_issue(card=a_card()))[0][4] == signing_key.kid.encode()


def test_a_retired_key_is_never_activated_again(signing_key):
    successor = signing_key_generate(activate=True)
    with pytest.raises(Exception, match="retired"):
        signing_key_activate(kid=signing_key.kid)
    assert successor.state == "active"


def test_the_private_key_stays_out_of_the_database_and_its_file_is_private(signing_key, settings):
    path = settings.CARD_KEYS_DIR / f"{signing_key.kid}.pem"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    stored = {field.name: getattr(signing_key, field.name) for field in signing_key._meta.fields}
    assert "PRIVATE" not in repr(stored)
    assert len(signing_key.public_key) == 43


def test_the_private_key_may_come_from_the_environment(signing_key, settings, monkeypatch):
    path = settings.CARD_KEYS_DIR / f"{signing_key.kid}.pem"
    monkeypatch.setenv("CARD_SIGNING_KEY_" + signing_key.kid.upper().replace("-", "_"), path.read_text())
    path.unlink()
    token = card_token_issue(card=a_card())
    assert token_verify(token, keys=verification_keys()).kid == signing_key.kid


def test_the_published_key_set_reads_back_as_the_verification_keys(signing_key):
    keys = keys_from_jwks(keys_jwks())
    token = card_token_issue(card=a_card())
    assert token_verify(token, keys=keys).number == "BY-G-2026-000042"
    assert keys_jwks()["keys"][0] == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": signing_key.public_key,
        "kid": signing_key.kid,
        "alg": "EdDSA",
        "use": "sig",
        "key_ops": ["verify"],
        "status": "active",
    }


def test_an_independent_cose_implementation_verifies_our_token(signing_key):
    """pycose reads the token as a COSE_Sign1 and checks its EdDSA signature with the published key alone."""
    token = card_token_issue(card=a_card())
    tagged = cbor2.loads(cose_of(token))
    assert tagged.tag == Sign1Message.cbor_tag == 18
    # pycose 1.1's decode() expects the list and dict that cbor2 before 6 returned (cbor2 6: tuple, frozendict).
    protected, unprotected, payload, signature = tagged.value
    message = Sign1Message.from_cose_obj([protected, dict(unprotected), payload, signature], True)
    jwk = keys_jwks()["keys"][0]
    message.key = OKPKey(crv=Ed25519, x=b64url_bytes(jwk["x"]))
    assert message.verify_signature()
    assert message.phdr[Algorithm].identifier == -8
    assert message.phdr[KID] == signing_key.kid.encode()
    claims = cbor2.loads(message.payload)
    assert (claims[1], claims["n"], claims["h"]) == ("baiyun-talent-card", "BY-G-2026-000042", "张*明")


def test_we_verify_a_token_made_by_an_independent_cose_implementation(signing_key):
    """A CWT signed by pycose with our private key verifies here: the format is COSE_Sign1, not ours alone."""
    private = private_key_of(signing_key)
    now = int(timezone.now().timestamp())
    claims = {1: "baiyun-talent-card", 6: now, 4: now + 300, "n": "BY-S-2026-000007", "t": "S", "f": 20260601}
    claims |= {"u": 20310601, "h": "李*", "i": 7}
    message = Sign1Message(phdr={Algorithm: -8, KID: signing_key.kid.encode()}, payload=cbor2.dumps(claims))
    message.key = OKPKey(crv=Ed25519, d=private.private_bytes_raw(), x=private.public_key().public_bytes_raw())
    verified = token_verify(token_of(message.encode()), keys=verification_keys())
    assert (verified.number, verified.tier, verified.masked_name, verified.status_index) == (
        "BY-S-2026-000007",
        "silver",
        "李*",
        7,
    )


def b64url_bytes(text: str) -> bytes:
    """The raw bytes of a JWK's base64url member."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_a_wallet_token_lasts_its_few_minutes(signing_key):
    token = card_token_issue(card=a_card(), lifetime=timedelta(minutes=5))
    claims = token_verify(token, keys=verification_keys())
    assert claims.expires_at - claims.issued_at == timedelta(minutes=5)
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        # The signature stays intact: the token's time is the verifier's next check (cards.verification).
        assert token_verify(token, keys=verification_keys()).expires_at == claims.expires_at


def test_activating_a_key_renders_the_credentials_issued_without_a_qr(django_capture_on_commit_callbacks):
    from tests.factories import issued_card

    card = issued_card(route="gold")
    # No key was active at 发卡: the credential kept the face rendered at 制卡, without a QR.
    Card.objects.filter(pk=card.pk).update(credential="cards/made.pdf", credential_rendered_at=card.produced_at)
    with django_capture_on_commit_callbacks(execute=True):
        signing_key_generate(activate=True)
    card.refresh_from_db()
    assert card.credential_rendered_at > card.issued_at


def test_the_keys_command_generates_lists_activates_and_retires(settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    output = StringIO()
    call_command("cards", "keys", "generate", stdout=output)
    first = output.getvalue().split()[0]
    call_command("cards", "keys", "activate", first, stdout=output)
    call_command("cards", "keys", "generate", stdout=output)
    second = output.getvalue().splitlines()[-1].split()[0]
    listing = StringIO()
    call_command("cards", "keys", "list", stdout=listing)
    rows = [line.split()[:2] for line in listing.getvalue().splitlines()]
    assert rows == [[first, "active"], [second, "ready"]]
    assert "private half here" in listing.getvalue()
    call_command("cards", "keys", "activate", second, stdout=output)
    call_command("cards", "keys", "retire", second, stdout=output)
    jwks = StringIO()
    call_command("cards", "keys", "jwks", stdout=jwks)
    assert {key["kid"]: key["status"] for key in json.loads(jwks.getvalue())["keys"]} == {
        first: "retired",
        second: "retired",
    }
    with pytest.raises(CommandError, match=f"The key {first} is retired"):
        call_command("cards", "keys", "activate", first, stdout=output)
    call_command("cards", "keys", "generate", stdout=output)
    third = output.getvalue().splitlines()[-1].split()[0]
    (settings.CARD_KEYS_DIR / f"{third}.pem").unlink()
    with pytest.raises(CommandError, match=f"The private key {third} is neither in"):
        call_command("cards", "keys", "activate", third, stdout=output)
    with pytest.raises(CommandError, match="No key"):
        call_command("cards", "keys", "retire", "nonesuch", stdout=output)
