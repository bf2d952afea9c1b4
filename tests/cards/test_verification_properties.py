"""Whatever a QR code or a verifier holds, verification answers with a verdict: never an exception (a 500)."""

import zlib

import base45
import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cards.tokens import PREFIX
from cards.verification import Verdict, card_verify

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=200,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
REFUSED = {Verdict.UNKNOWN, Verdict.FORGED}


@PROPERTY_SETTINGS
@given(text=st.text(max_size=2000))
def test_any_text_gets_a_verdict(signing_key, text):
    assert card_verify(text=text).verdict in REFUSED


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=1500))
def test_any_bytes_in_the_token_framing_get_a_verdict(signing_key, data):
    token = PREFIX + base45.b45encode(zlib.compress(data)).decode("ascii")
    assert card_verify(text=token).verdict in REFUSED


cbor_items = st.recursive(
    st.none() | st.booleans() | st.integers() | st.binary(max_size=40) | st.text(max_size=40) | st.floats(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.integers() | st.text(max_size=5), children),
    max_leaves=20,
)


@PROPERTY_SETTINGS
@given(protected=cbor_items, unprotected=cbor_items, payload=cbor_items, signature=cbor_items)
def test_any_cose_shaped_structure_gets_a_verdict(signing_key, protected, unprotected, payload, signature):
    parts = [cbor2.dumps(protected), unprotected, cbor2.dumps(payload), signature]
    token = PREFIX + base45.b45encode(zlib.compress(cbor2.dumps(cbor2.CBORTag(18, parts)))).decode("ascii")
    assert card_verify(text=token).verdict in REFUSED
