"""`manage.py cards keys generate|list|activate|retire` and `manage.py cards verify TOKEN [--offline ...]`.

`verify --offline --keys keys.json --status status-list.json` reads nothing but the two files downloaded from
/cards/keys.json and /cards/status-list.json: it proves that a desk without a network can verify a card.
"""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cards.keys import (
    SigningKeyError,
    keys_from_jwks,
    keys_jwks,
    private_key_of,
    signing_key_activate,
    signing_key_generate,
    signing_key_retire,
)
from cards.models import SigningKey
from cards.status_list import status_list_read
from cards.tokens import TokenError
from cards.verification import (
    IDENTITY_CHECK,
    Verdict,
    Verification,
    card_verify,
    card_verify_offline,
    verification_json,
)

# Exit status: 0 valid, 1 any other verdict, 2 the command could not verify (unreadable files, a broken list).
NOT_VALID = 1
CANNOT_VERIFY = 2


class Command(BaseCommand):
    help = "Manage the keys that sign the cards' QR codes, and verify a card's QR code online or offline."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="{keys,verify}")
        keys = commands.add_parser("keys", help="Generate, list, activate or retire signing keys.")
        key_actions = keys.add_subparsers(dest="key_action", required=True, metavar="{generate,list,activate,retire}")
        generate = key_actions.add_parser(
            "generate", help="A new key pair; the private half goes to CARD_KEYS_DIR, the public half is published."
        )
        generate.add_argument("--activate", action="store_true", help="sign with it at once (first key, tests)")
        key_actions.add_parser("list", help="Every key, its state and whether its private half is here.")
        activate = key_actions.add_parser(
            "activate", help="Sign with this key from now on; the active key is retired and keeps verifying."
        )
        activate.add_argument("kid", metavar="KID")
        retire = key_actions.add_parser("retire", help="Stop a key signing; it keeps verifying what it signed.")
        retire.add_argument("kid", metavar="KID")
        key_actions.add_parser("jwks", help="Print the published keys (as /cards/keys.json serves them).")

        verify = commands.add_parser("verify", help="Verify the text of a card's QR code or its token.")
        verify.add_argument("token", metavar="TOKEN", help="the QR code's text (its address) or the token BYTC1:...")
        verify.add_argument("--offline", action="store_true", help="use only the files below: no database, no network")
        verify.add_argument("--keys", metavar="FILE", help="the public keys, downloaded from /cards/keys.json")
        verify.add_argument("--status", metavar="FILE", help="the status list, downloaded from /cards/status-list.json")
        verify.add_argument("--json", action="store_true", help="print the answer as the API gives it")
        verify.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default=settings.LANGUAGE_CODE
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            with translation.override(options["language"]):
                self._verify(options)
            return
        try:
            self._keys(options)
        except SigningKeyError as error:
            raise CommandError(str(error)) from None
        except SigningKey.DoesNotExist:
            raise CommandError(f"No key {options['kid']}: `manage.py cards keys list` shows them.") from None

    def _keys(self, options: dict[str, Any]) -> None:
        action = options["key_action"]
        if action == "generate":
            key = signing_key_generate(activate=options["activate"])
            self.stdout.write(f"{key.kid} {key.state}: private half in {settings.CARD_KEYS_DIR}/{key.kid}.pem")
        elif action == "activate":
            key = signing_key_activate(kid=options["kid"])
            self.stdout.write(f"{key.kid} active; credentials lacking a QR code are being rendered.")
        elif action == "retire":
            key = signing_key_retire(kid=options["kid"])
            self.stdout.write(f"{key.kid} retired: it verifies what it signed until those tokens expire.")
        elif action == "jwks":
            self.stdout.write(json.dumps(keys_jwks(), indent=1))
        else:
            for key in SigningKey.objects.order_by("created_at", "id"):
                try:
                    private_key_of(key)
                    private = "private half here"
                except SigningKeyError:
                    private = "private half MISSING"
                dates = " ".join(
                    f"{label} {timezone.localtime(value):%Y-%m-%d %H:%M}"
                    for label, value in (
                        ("generated", key.created_at),
                        ("activated", key.activated_at),
                        ("retired", key.retired_at),
                    )
                    if value
                )
                self.stdout.write(f"{key.kid}  {key.state:<8} {dates}  {private}")

    def _verify(self, options: dict[str, Any]) -> None:
        if options["offline"]:
            if not options["keys"] or not options["status"]:
                raise CommandError(_("--offline needs --keys FILE and --status FILE."), returncode=CANNOT_VERIFY)
            keys = self._read(options["keys"], keys_from_jwks)
            status_list = self._read(options["status"], lambda data: status_list_read(data, keys=keys))
            result = card_verify_offline(text=options["token"], keys=keys, status_list=status_list)
        else:
            status_list = None
            result = card_verify(text=options["token"])
        if options["json"]:
            self.stdout.write(
                json.dumps(verification_json(result, language=options["language"]), ensure_ascii=False, indent=2)
            )
        else:
            self._print(result, status_list=status_list, offline=options["offline"])
        if result.verdict != Verdict.VALID:
            raise SystemExit(NOT_VALID)

    def _read(self, name: str, parse):
        """A downloaded JSON file, parsed; anything wrong with it stops the command (exit 2) saying what."""
        try:
            data = json.loads(Path(name).read_bytes())
        except OSError as error:
            message = _("%(file)s cannot be read: %(error)s") % {"file": name, "error": error.strerror}
            raise CommandError(message, returncode=CANNOT_VERIFY) from None
        except ValueError:
            raise CommandError(_("%(file)s is not JSON.") % {"file": name}, returncode=CANNOT_VERIFY) from None
        try:
            return parse(data)
        except TokenError:
            raise CommandError(
                _(
                    "The signature of %(file)s does not verify with the published keys: it was altered, or it is "
                    "newer than the keys file. Download both again."
                )
                % {"file": name},
                returncode=CANNOT_VERIFY,
            ) from None
        except ValueError as error:
            message = _("%(file)s is not usable: %(error)s") % {"file": name, "error": error}
            raise CommandError(message, returncode=CANNOT_VERIFY) from None

    def _print(self, result: Verification, *, status_list, offline: bool) -> None:
        self.stdout.write(f"{result.verdict_label} ({result.verdict})")
        self.stdout.write(result.message())
        for face, title in ((result.card, _("Card")), (result.newest, _("The card that replaced it"))):
            if face is not None:
                self.stdout.write(
                    f"{title}: {face.number} · {face.tier_label} · {face.masked_name} · "
                    f"{face.valid_from:%Y-%m-%d} – {face.valid_until:%Y-%m-%d}"
                )
        if offline and result.detail == "unknown_key":
            self.stdout.write(_("If the keys file is older than the card, download the keys again."))
        if status_list is not None:
            self.stdout.write(
                _("Status list of %(date)s, signed by key %(kid)s.")
                % {"date": f"{timezone.localtime(status_list.valid_from):%Y-%m-%d %H:%M}", "kid": status_list.kid}
            )
        self.stdout.write(str(IDENTITY_CHECK))
