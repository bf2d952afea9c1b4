"""The keys that sign the cards' QR tokens (Ed25519). The database keeps each key's id, public half and state; the
private half lives in a file of CARD_KEYS_DIR (mode 0600) or in the environment as CARD_SIGNING_KEY_<KID> (PEM),
never in the database."""

import base64
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cards.models import SigningKey


class SigningKeyError(Exception):
    """A signing key that is missing or unusable; the message says which and where it was looked for."""


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
    private = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningKeyError(f"The private key {key.kid} is not an Ed25519 key.")
    if _b64(private.public_key().public_bytes_raw()) != key.public_key:
        raise SigningKeyError(f"The private key {key.kid} does not match its public key.")
    return private


def signing_key_generate(*, activate: bool = False) -> SigningKey:
    """A new key pair: the private half written to CARD_KEYS_DIR (0600), the public half recorded."""
    private = Ed25519PrivateKey.generate()
    kid = timezone.localdate().strftime("%Y%m") + "-" + secrets.token_hex(2)
    directory = keys_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"{kid}.pem"
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    key = SigningKey.objects.create(kid=kid, public_key=_b64(private.public_key().public_bytes_raw()))
    if activate:
        key = signing_key_activate(kid=kid)
    return key


@transaction.atomic
def signing_key_activate(*, kid: str) -> SigningKey:
    """Makes `kid` the key that signs from now on; the key it replaces is retired and still verifies."""
    key = SigningKey.objects.select_for_update().get(kid=kid)
    private_key_of(key)  # refuse to activate a key whose private half is not here
    now = timezone.now()
    SigningKey.objects.filter(state=SigningKey.State.ACTIVE).exclude(pk=key.pk).update(
        state=SigningKey.State.RETIRED, retired_at=now
    )
    if key.state != SigningKey.State.ACTIVE:
        key.state = SigningKey.State.ACTIVE
        key.activated_at = now
        key.retired_at = None
        key.save(update_fields=["state", "activated_at", "retired_at"])
    return key


def signing_key_retire(*, kid: str) -> SigningKey:
    """Stops a key signing; it keeps verifying the tokens it signed."""
    key = SigningKey.objects.get(kid=kid)
    if key.state != SigningKey.State.RETIRED:
        key.state = SigningKey.State.RETIRED
        key.retired_at = timezone.now()
        key.save(update_fields=["state", "retired_at"])
    return key


def signing_key_active() -> tuple[SigningKey, Ed25519PrivateKey]:
    """The key that signs now, with its private half."""
    key = SigningKey.objects.filter(state=SigningKey.State.ACTIVE).first()
    if key is None:
        raise SigningKeyError("No signing key is active: run `manage.py cards keys generate --activate`.")
    return key, private_key_of(key)


def verification_keys() -> dict[str, Ed25519PublicKey]:
    """Every key that verifies: the active one and the retired ones (they signed tokens still in use)."""
    keys = SigningKey.objects.filter(state__in=[SigningKey.State.ACTIVE, SigningKey.State.RETIRED])
    return {key.kid: public_key_of(key) for key in keys}
