"""Verification of a card's QR code through the public page, the API and the offline command: every verdict, the
lifecycle flipping it, and what is never shown."""

import json
import zlib
from datetime import datetime, timedelta
from io import StringIO

import base45
import cbor2
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.roles import Role
from applications.models import Kind
from cards import keys as card_keys
from cards.keys import signing_key_generate, verification_keys
from cards.models import CardState, TerminationReason
from cards.services import card_terminate
from cards.tokens import card_qr_text, card_token_issue
from tests.factories import UserFactory, issued_card

pytestmark = pytest.mark.django_db

API = "/api/v1/cards/verify"
PAGE = "/cards/verify/"


def api(client, text: str):
    return client.post(API, {"token": text}, content_type="application/json")


def offline(text: str, tmp_path, client) -> dict:
    """`manage.py cards verify --offline` with the keys and status list downloaded from their public URLs."""
    keys_file, status_file = tmp_path / "keys.json", tmp_path / "status-list.json"
    keys_file.write_bytes(client.get("/cards/keys.json").content)
    status_file.write_bytes(client.get("/cards/status-list.json").content)
    output = StringIO()
    arguments = ["verify", text, "--offline", "--keys", str(keys_file), "--status", str(status_file), "--json"]
    try:
        call_command("cards", *arguments, stdout=output)
    except SystemExit as exit_status:
        assert exit_status.code == 1
    return json.loads(output.getvalue())


def verdicts(client, text: str, tmp_path) -> tuple[str, str, str]:
    """The verdict of the page, the API and the offline command."""
    page = client.post(PAGE, {"token": text}).context["result"].verdict
    return page, api(client, text).json()["status"], offline(text, tmp_path, client)["status"]


def terminate(card, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        card_terminate(card_id=card.pk, actor=UserFactory(roles=[Role.HR_REVIEWER]), reason=TerminationReason.FRAUD)


def test_an_issued_card_verifies_valid_through_the_page_the_api_and_the_offline_command(client, signing_key, tmp_path):
    card = issued_card(route="gold")
    text = card_qr_text(card_token_issue(card=card))
    assert verdicts(client, text, tmp_path) == ("valid", "valid", "valid")
    body = api(client, text).json()
    assert body == {
        "status": "valid",
        "detail": "in_force",
        "message": "此卡有效。",
        "messages": {"zh": "此卡有效。", "en": "This card is valid."},
        "check_identity": body["check_identity"],
        "card": {
            "number": card.number,
            "tier": "gold",
            "tier_name": {"zh": "金卡", "en": "Gold card"},
            "holder": card.masked_holder_name,
            "valid_from": "2026-06-01",
            "valid_until": "2031-06-01",
        },
        "newest_card": None,
        "checked_at": body["checked_at"],
    }
    assert body["check_identity"]["en"].startswith("The card is for its holder's own use only (Art. 6)")
    assert body["checked_at"].startswith("2026-06-01T10:")


def test_the_bare_token_verifies_as_the_qr_text_does(client, signing_key):
    card = issued_card(route="silver")
    assert api(client, card_token_issue(card=card)).json()["status"] == "valid"


def test_termination_flips_every_verifier_and_the_reason_never_shows(
    client, signing_key, tmp_path, django_capture_on_commit_callbacks
):
    card = issued_card(route="gold")
    # The printed credential's token, made before the termination.
    text = card_qr_text(card_token_issue(card=card))
    assert offline(text, tmp_path, client)["status"] == "valid"
    terminate(card, django_capture_on_commit_callbacks)
    assert verdicts(client, text, tmp_path) == ("terminated", "terminated", "terminated")
    page = client.post(PAGE, {"token": text}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    answer = api(client, text).content.decode()
    for hidden in ("fraud", "false materials", "虚假", card.holder_name):
        assert hidden not in page and hidden not in answer


def test_expiry_flips_verification_on_the_day_after_the_period_without_the_expiry_task(client, signing_key, tmp_path):
    card = issued_card(route="gold")
    text = card_qr_text(card_token_issue(card=card))
    last_day = datetime.combine(card.valid_until, datetime.min.time(), tzinfo=timezone.get_default_timezone())
    with time_machine.travel(last_day + timedelta(hours=23, minutes=50)):
        assert verdicts(client, text, tmp_path) == ("valid", "valid", "valid")
    with time_machine.travel(last_day + timedelta(days=1, hours=9)):
        assert verdicts(client, text, tmp_path) == ("expired", "expired", "expired")
        body = api(client, text).json()
    card.refresh_from_db()
    assert card.state == CardState.ACTIVE  # the nightly task has not run: verification compared the dates itself
    assert (body["detail"], body["messages"]["en"]) == (
        "period_ended",
        "This card's 5-year management period ended on 2031-06-01 (Art. 6).",
    )


def test_an_upgrade_flips_the_old_card_to_superseded_and_shows_the_newest(client, signing_key, tmp_path):
    old = issued_card(route="gold")
    text = card_qr_text(card_token_issue(card=old))
    new = issued_card(route="diamond", applicant=old.holder, kind=Kind.UPGRADE)
    assert verdicts(client, text, tmp_path) == ("superseded", "superseded", "superseded")
    body = api(client, text).json()
    assert body["newest_card"] == {
        "number": new.number,
        "tier": "diamond",
        "tier_name": {"zh": "钻石卡", "en": "Diamond card"},
        "holder": new.masked_holder_name,
        "valid_from": "2026-06-01",
        "valid_until": "2031-06-01",
        "status": "valid",
    }
    page = client.post(PAGE, {"token": text}).content.decode()
    assert new.number in page
    assert api(client, card_qr_text(card_token_issue(card=new))).json()["status"] == "valid"


def test_a_lapsed_wallet_token_answers_expired_and_says_it_is_a_stale_screenshot(client, signing_key, tmp_path):
    card = issued_card(route="gold")
    text = card_qr_text(card_token_issue(card=card, lifetime=timedelta(minutes=5)))
    assert api(client, text).json()["status"] == "valid"
    with time_machine.travel(timezone.now() + timedelta(minutes=8)):
        assert verdicts(client, text, tmp_path) == ("expired", "expired", "expired")
        body = api(client, text).json()
    assert body["detail"] == "token_lapsed"
    assert "screenshot" in body["messages"]["en"] and "截图" in body["messages"]["zh"]


def test_a_token_dated_in_the_future_is_not_yet_valid(client, signing_key, tmp_path):
    card = issued_card(route="gold")
    text = card_qr_text(card_token_issue(card=card, now=timezone.now() + timedelta(hours=1)))
    assert verdicts(client, text, tmp_path) == ("not_yet_valid", "not_yet_valid", "not_yet_valid")


def test_forged_and_unreadable_tokens_answer_forged_and_unknown_without_a_card(client, signing_key, tmp_path):
    card = issued_card(route="gold")
    cose = zlib.decompress(base45.b45decode(card_token_issue(card=card).removeprefix("BYTC1:")))
    protected, unprotected, payload, signature = cbor2.loads(cose).value
    diamond = payload.replace(card.number.encode(), card.number.replace("-G-", "-D-").encode())
    tampered = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, diamond, signature]))
    forged = card_qr_text("BYTC1:" + base45.b45encode(zlib.compress(tampered)).decode("ascii"))
    assert verdicts(client, forged, tmp_path) == ("forged", "forged", "forged")
    body = api(client, forged).json()
    assert (body["detail"], body["card"], body["messages"]["zh"]) == (
        "signature",
        None,
        "此二维码不是真实的：已被篡改或并非由本平台签发，请勿受理。",
    )
    assert verdicts(client, "https://example.com/another/qr", tmp_path) == ("unknown", "unknown", "unknown")
    body = api(client, "BYTC1:" + "Z" * 5000).json()
    assert (body["status"], body["detail"], body["card"]) == ("unknown", "size", None)


def test_a_card_unknown_to_the_records_answers_unknown(client, signing_key):
    card = issued_card(route="gold")
    token = card_token_issue(card=card)
    card.number = "BY-G-2026-999999"
    assert api(client, card_token_issue(card=card)).json()["status"] == "unknown"
    assert api(client, token).json()["status"] == "valid"


def test_a_key_activated_by_another_process_verifies_at_once(client, signing_key):
    card = issued_card(route="gold")
    stale = dict(verification_keys())
    successor = signing_key_generate(activate=True)
    # This process still holds the keys it read before the new key existed, as another process would.
    card_keys._loaded.update(keys=stale, at=card_keys.time.monotonic() - 2)
    assert successor.kid not in card_keys._loaded["keys"]
    assert api(client, card_token_issue(card=card)).json()["status"] == "valid"


def test_verifying_a_valid_card_reads_one_row(client, signing_key, django_assert_max_num_queries):
    card = issued_card(route="gold")
    text = card_qr_text(card_token_issue(card=card))
    api(client, text)
    with django_assert_max_num_queries(1):
        assert api(client, text).json()["status"] == "valid"


def test_the_offline_command_reads_no_database(client, signing_key, tmp_path, django_assert_num_queries):
    card = issued_card(route="gold")
    text = card_qr_text(card_token_issue(card=card))
    offline(text, tmp_path, client)
    output = StringIO()
    with django_assert_num_queries(0):
        call_command(
            "cards",
            "verify",
            text,
            "--offline",
            "--keys",
            str(tmp_path / "keys.json"),
            "--status",
            str(tmp_path / "status-list.json"),
            "--language",
            "en",
            stdout=output,
        )
    lines = output.getvalue().splitlines()
    assert lines[:2] == ["Valid (valid)", "This card is valid."]
    assert lines[2] == f"Card: {card.number} · Gold card · {card.masked_holder_name} · 2026-06-01 – 2031-06-01"
    assert lines[-1].startswith("The card is for its holder's own use only (Art. 6)")


def test_a_status_list_with_a_broken_signature_stops_the_offline_command(client, signing_key, tmp_path):
    card = issued_card(route="gold")
    text = card_qr_text(card_token_issue(card=card))
    offline(text, tmp_path, client)
    published = json.loads((tmp_path / "status-list.json").read_text())
    signed = published["signed"]
    published["signed"] = signed[:-10] + ("A" if signed[-10] != "A" else "B") + signed[-9:]
    (tmp_path / "status-list.json").write_text(json.dumps(published))
    with pytest.raises(CommandError) as caught:
        call_command(
            "cards",
            "verify",
            text,
            "--offline",
            "--keys",
            str(tmp_path / "keys.json"),
            "--status",
            str(tmp_path / "status-list.json"),
            stdout=StringIO(),
        )
    assert caught.value.returncode == 2
    assert str(caught.value) == (
        f"{tmp_path / 'status-list.json'} 的签名无法用公布的公钥验证："
        "文件被改动过，或比公钥文件新。请重新下载这两个文件。"
    )


def test_the_online_command_answers_as_the_api(signing_key):
    card = issued_card(route="gold")
    output = StringIO()
    call_command("cards", "verify", card_token_issue(card=card), "--json", stdout=output)
    assert json.loads(output.getvalue())["status"] == "valid"
    with pytest.raises(SystemExit) as caught:
        call_command("cards", "verify", "BYTC1:nonsense", stdout=StringIO())
    assert caught.value.code == 1
