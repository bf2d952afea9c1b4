"""The keys that sign the cards' QR tokens and the status list (Ed25519).

The database keeps each key's id, public half and state; the private half lives in a file of CARD_KEYS_DIR (mode
0600) or in the environment as CARD_SIGNING_KEY_<KID> (PEM), never in the database. A key is generated `ready` and
published at once, so that offline verifiers hold it before it signs; activating it retires the key it replaces. A
retired key keeps verifying what it signed before its retirement until the last of those tokens has expired, and is
published for as long.
"""

import base64
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cards.models import Card, CardState, SigningKey

# A token lasts at most to the end of its card's 5-year period (第六条), so a key retired today has signed nothing
# that is still in force after this long.
TOKEN_LIFETIME_MAX = timedelta(days=5 * 366 + 1)
# Each process keeps the verification keys in memory; it reads them again this often, or sooner when a token names a
# key it does not know (a key activated by another process), at most once per KEYS_RELOAD_MIN_SECONDS.
KEYS_REFRESH_SECONDS = 60
KEYS_RELOAD_MIN_SECONDS = 1.0


class SigningKeyError(Exception):
    """A signing key that is missing or unusable; the message says which and where it was looked for."""


@dataclass(frozen=True)
class VerificationKey:
    """A published public key; a retired one verifies only tokens issued before `retired_at`."""

    kid: str
    public_key: Ed25519PublicKey
    state: str
    retired_at: datetime | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def keys_dir() -> Path:
    return Path(settings.CARD_KEYS_DIR)


def _env_name(kid: str) -> str:
    return "CARD_SIGNING_KEY_" + kid.upper().replace("-", "_")


def public_key_of(key: SigningKey) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_unb64(key.public_key))


def private_key_of(key: SigningKey) -> Ed25519PrivateKey:
    """The private half: from the environment if set there, else from the key file."""
    pem = os.environ.get(_env_name(key.kid))
    path = keys_dir() / f"{key.kid}.pem"
    if pem is None:
        if not path.exists():
            raise SigningKeyError(f"The private key {key.kid} is neither in ${_env_name(key.kid)} nor in {path}.")
        pem = path.read_text()
    try:
        private = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise SigningKeyError(f"The private key {key.kid} is not a readable unencrypted PEM key.") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningKeyError(f"The private key {key.kid} is not an Ed25519 key.")
    if _b64(private.public_key().public_bytes_raw()) != key.public_key:
        raise SigningKeyError(f"The private key {key.kid} does not match its public key.")
    return private


def signing_key_generate(*, activate: bool = False) -> SigningKey:
    """A new key pair: the private half written to CARD_KEYS_DIR (0600), the public half recorded and published."""
    private = Ed25519PrivateKey.generate()
    kid = timezone.localdate().strftime("%Y%m") + "-" + secrets.token_hex(3)
    directory = keys_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(directory / f"{kid}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    key = SigningKey.objects.create(kid=kid, public_key=_b64(private.public_key().public_bytes_raw()))
    verification_keys_forget()
    if activate:
        key = signing_key_activate(kid=kid)
    return key


def signing_key_activate(*, kid: str) -> SigningKey:
    """Makes `kid` the key that signs from now on; the key it replaces is retired and still verifies. Valid cards
    whose credential lacks its QR (no key was active when they were issued) have it rendered."""
    from cards.tasks import render_credential

    with transaction.atomic():
        key = SigningKey.objects.select_for_update().get(kid=kid)
        if key.state == SigningKey.State.RETIRED:
            raise SigningKeyError(f"The key {kid} is retired: generate a new key instead of reusing it.")
        private_key_of(key)  # refuse to activate a key whose private half is not here
        now = timezone.now()
        SigningKey.objects.filter(state=SigningKey.State.ACTIVE).exclude(pk=key.pk).update(
            state=SigningKey.State.RETIRED, retired_at=now
        )
        if key.state != SigningKey.State.ACTIVE:
            key.state = SigningKey.State.ACTIVE
            key.activated_at = now
            key.save(update_fields=["state", "activated_at"])
        without_qr = (
            Q(credential="") | Q(credential_rendered_at__isnull=True) | Q(credential_rendered_at__lt=F("issued_at"))
        )
        waiting = list(Card.objects.filter(without_qr, state=CardState.ACTIVE).values_list("pk", flat=True))
        for card_id in waiting:
            transaction.on_commit(lambda card_id=card_id: render_credential.delay(card_id=card_id))
    verification_keys_forget()
    return key


def signing_key_retire(*, kid: str) -> SigningKey:
    """Stops a key signing; it keeps verifying what it signed until then."""
    key = SigningKey.objects.get(kid=kid)
    if key.state != SigningKey.State.RETIRED:
        key.state = SigningKey.State.RETIRED
        key.retired_at = timezone.now()
        key.save(update_fields=["state", "retired_at"])
    verification_keys_forget()
    return key


def signing_key_active() -> tuple[SigningKey, Ed25519PrivateKey]:
    """The key that signs now, with its private half."""
    key = SigningKey.objects.filter(state=SigningKey.State.ACTIVE).first()
    if key is None:
        raise SigningKeyError("No signing key is active: run `manage.py cards keys generate --activate`.")
    return key, private_key_of(key)


def signing_keys_published(*, now: datetime | None = None) -> list[SigningKey]:
    """The keys a verifier needs: ready (about to sign), active, and retired ones whose tokens may be in force."""
    now = now or timezone.now()
    return list(
        SigningKey.objects.filter(state__in=[SigningKey.State.READY, SigningKey.State.ACTIVE])
        | SigningKey.objects.filter(state=SigningKey.State.RETIRED, retired_at__gt=now - TOKEN_LIFETIME_MAX)
    )


def keys_jwks(*, now: datetime | None = None) -> dict:
    """The published keys as a JWK Set (RFC 7517; OKP Ed25519 keys, RFC 8037), with each key's state and, for a
    retired key, the time after which it signed nothing (`retired_at`, seconds since the epoch)."""
    keys = []
    for key in signing_keys_published(now=now):
        jwk = {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": key.public_key,
            "kid": key.kid,
            "alg": "EdDSA",
            "use": "sig",
            "key_ops": ["verify"],
            "status": key.state,
        }
        if key.retired_at is not None:
            jwk["retired_at"] = int(key.retired_at.timestamp())
        keys.append(jwk)
    return {"keys": keys}


def keys_from_jwks(data: object) -> dict[str, VerificationKey]:
    """The verification keys of a downloaded JWK Set (keys_jwks); ValueError names what is wrong with it."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise ValueError('not a JWK Set: expected {"keys": [...]}')
    keys = {}
    for jwk in data["keys"]:
        if not isinstance(jwk, dict) or (jwk.get("kty"), jwk.get("crv")) != ("OKP", "Ed25519"):
            raise ValueError("every key must be an Ed25519 key (kty OKP, crv Ed25519)")
        kid, x, retired = jwk.get("kid"), jwk.get("x"), jwk.get("retired_at")
        if not isinstance(kid, str) or not isinstance(x, str):
            raise ValueError("every key needs its kid and x")
        if retired is not None and not isinstance(retired, int):
            raise ValueError(f"key {kid}: retired_at must be seconds since the epoch")
        try:
            public_key = Ed25519PublicKey.from_public_bytes(_unb64(x))
        except ValueError:
            raise ValueError(f"key {kid}: x is not a 32-byte Ed25519 public key") from None
        keys[kid] = VerificationKey(
            kid=kid,
            public_key=public_key,
            state=str(jwk.get("status", "")),
            retired_at=datetime.fromtimestamp(retired, tz=UTC) if retired is not None else None,
        )
    return keys


# The verification keys of this process: loaded once, read again every KEYS_REFRESH_SECONDS (see above).
_loaded: dict = {"keys": None, "at": 0.0}


def verification_keys(*, reload: bool = False) -> dict[str, VerificationKey]:
    """Every key that verifies (as published), kept in this process's memory."""
    now = time.monotonic()
    if reload or _loaded["keys"] is None or now - _loaded["at"] > KEYS_REFRESH_SECONDS:
        _loaded["keys"] = {
            key.kid: VerificationKey(
                kid=key.kid, public_key=public_key_of(key), state=key.state, retired_at=key.retired_at
            )
            for key in signing_keys_published()
        }
        _loaded["at"] = now
    return _loaded["keys"]


def verification_keys_reload() -> bool:
    """A token named a key this process does not know: read the keys again unless done a moment ago."""
    if time.monotonic() - _loaded["at"] < KEYS_RELOAD_MIN_SECONDS:
        return False
    verification_keys(reload=True)
    return True


def verification_keys_forget() -> None:
    """This process changed the keys: read them again on next use."""
    _loaded["keys"] = None
    _loaded["at"] = 0.0
