"""The demo ends with an issued gold card and an issued diamond card whose QR codes verify (核验 out of the box)."""

import pytest
from django.core.management import call_command

from cards.keys import verification_keys
from cards.models import Card, CardState, SigningKey
from cards.tokens import token_from_qr_text, token_verify
from tests.cards.pdf_checks import pdf_qr_texts
from tests.cards.test_credential import stored_pdf

pytestmark = pytest.mark.django_db


def test_the_demo_ends_with_an_issued_gold_and_diamond_card_that_verify(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=None)
    assert SigningKey.objects.filter(state=SigningKey.State.ACTIVE).count() == 1
    cards = list(Card.objects.order_by("tier"))
    assert [(card.tier, card.state, card.holder.username) for card in cards] == [
        ("diamond", CardState.ACTIVE, "demo-lin"),
        ("gold", CardState.ACTIVE, "demo-chen"),
    ]
    for card in cards:
        [qr] = pdf_qr_texts(stored_pdf(card))
        assert token_verify(token_from_qr_text(qr), keys=verification_keys()).number == card.number
    call_command("seed_demo", stdout=None)
    assert Card.objects.count() == 2
    assert SigningKey.objects.count() == 1
