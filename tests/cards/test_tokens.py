from urllib.parse import urlsplit

import pytest

from cards.keys import verification_keys
from cards.tokens import PREFIX, card_qr_text, card_token_issue, token_from_qr_text, token_verify
from tests.factories import issued_card

pytestmark = pytest.mark.django_db


def test_the_qr_opens_the_verification_page_with_the_token_out_of_the_address_sent(signing_key, settings):
    settings.PUBLIC_BASE_URL = "https://talent.example.gov.cn"
    card = issued_card(route="gold")
    token = card_token_issue(card=card)
    text = card_qr_text(token)
    parts = urlsplit(text)
    assert (parts.scheme, parts.netloc, parts.path, parts.query) == (
        "https",
        "talent.example.gov.cn",
        "/cards/verify/",
        "",
    )
    assert " " not in text
    assert token_from_qr_text(text) == token
    assert token_from_qr_text(f"  {token}\n") == token
    claims = token_verify(text, keys=verification_keys())
    assert (claims.number, claims.status_index) == (card.number, card.pk)
    assert token.startswith(PREFIX)
