"""The electronic credential: its text, its fonts (every name renders), its QR, and what its renderer may read."""

import io
import logging
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from cards.credential import URLRefused, card_credential_render, pdf_from_html, url_check
from cards.fonts import FAMILY, STYLES, card_fonts_build, font_path, gb2312_characters
from cards.keys import verification_keys
from cards.models import Card, CardEvent
from cards.services import card_produce
from cards.tokens import token_from_qr_text, token_verify
from tests.cards.pdf_checks import pdf_drawn_glyphs, pdf_fonts, pdf_qr_texts, pdf_text
from tests.cards.test_verification import terminate, verdicts
from tests.factories import approved_application, issued_card

pytestmark = pytest.mark.django_db

CUT_FONTS = {"Baiyun-Card-Sans", "Baiyun-Card-Sans-Bold"}


def stored_pdf(card: Card) -> bytes:
    card.refresh_from_db()
    with default_storage.open(card.credential.name, "rb") as file:
        return file.read()


def flat(text: str) -> str:
    return "".join(text.split())


def test_the_issued_cards_pdf_shows_its_face_and_a_qr_that_verifies(rendered_card, signing_key):
    card = rendered_card(route="gold")
    pdf = stored_pdf(card)
    assert pdf.startswith(b"%PDF-")
    text = flat(pdf_text(pdf))
    for expected in (
        "白云区云聚英才卡",
        "金卡",
        card.holder_name,
        card.number,
        f"{card.valid_from:%Y.%m.%d}–{card.valid_until:%Y.%m.%d}",
        "仅限本人使用（第六条）",
        "核验时须同时查验持卡人身份证件。",
    ):
        assert expected in text
    [qr] = pdf_qr_texts(pdf)
    assert qr.startswith(f"{settings.PUBLIC_BASE_URL}/cards/verify/#BYTC1:")
    claims = token_verify(token_from_qr_text(qr), keys=verification_keys())
    assert (claims.kid, claims.number, claims.tier) == (signing_key.kid, card.number, "gold")
    assert (claims.valid_from, claims.valid_until) == (card.valid_from, card.valid_until)
    assert claims.masked_name == card.masked_holder_name
    # Dated from the card's issue: rendering the same card again gives the same token and the same QR.
    assert claims.issued_at == card.issued_at.replace(microsecond=0)
    assert claims.expires_at == timezone.make_aware(datetime.combine(card.valid_until + timedelta(days=1), time()))


def test_the_pdfs_qr_verifies_valid_and_then_terminated_once_the_card_ends(
    rendered_card, client, tmp_path, django_capture_on_commit_callbacks
):
    card = rendered_card(route="gold")
    [qr] = pdf_qr_texts(stored_pdf(card))
    assert verdicts(client, qr, tmp_path) == ("valid", "valid", "valid")
    terminate(card, django_capture_on_commit_callbacks)
    # The old PDF still carries its QR: verification answers from the card's live status.
    assert verdicts(client, qr, tmp_path) == ("terminated", "terminated", "terminated")


def test_the_produced_cards_pdf_waits_for_its_issue(signing_key, django_capture_on_commit_callbacks):
    application = approved_application(route="silver")
    with django_capture_on_commit_callbacks(execute=True):
        card = card_produce(application_id=application.pk)
    pdf = stored_pdf(card)
    text = flat(pdf_text(pdf))
    assert "自发卡之日起5年" in text
    assert "发卡后生成二维码" in text
    assert pdf_qr_texts(pdf) == []


def test_the_cards_photo_is_the_applications_id_photo(rendered_card):
    card = rendered_card(route="gold")
    assert card.photo.item == "photo"
    with default_storage.open(card.photo.file.name, "rb") as file:
        photo = file.read()
    images = PdfReader(io.BytesIO(stored_pdf(card))).pages[0].images
    assert [image.data for image in images if image.data == photo] == [photo]


def test_a_common_name_needs_only_the_cut_font_and_every_font_is_embedded(rendered_card):
    pdf = stored_pdf(rendered_card(route="diamond"))
    fonts = pdf_fonts(pdf)
    assert {font["name"] for font in fonts.values()} == CUT_FONTS
    assert all(font["embedded"] for font in fonts.values())


NAMES = {
    "kun": "王堃",
    "zhe": "陶喆",
    "extension_b": "张𠮷",
    "extension_c": "赵孟𫖯",
    # Beyond Noto Sans CJK: HanaMin draws these (Extension B's 𪚥, Extension F's 𬺰).
    "extension_b_hanamin": "王𪚥",
    "extension_f": "张𬺰",
    "uyghur": "ئابدۇرېھىم ئابدۇكېرىم",
    "tibetan": "བསྟན་འཛིན་རྡོ་རྗེ",
}


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_every_character_of_a_name_renders(signing_key, name, caplog):
    card = issued_card(route="gold")
    Card.objects.filter(pk=card.pk).update(holder_name=name)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        card_credential_render(card_id=card.pk)
    pdf = stored_pdf(card)
    assert flat(name) in flat(pdf_text(pdf))
    glyphs = pdf_drawn_glyphs(pdf)
    # No .notdef, no glyph missing from the font that draws it, no empty outline where a character should be.
    assert [glyph for glyph in glyphs if not glyph.in_font] == []
    assert [glyph for glyph in glyphs if not glyph.has_outline and not glyph.text.isspace()] == []
    drawn_characters = {character for glyph in glyphs for character in glyph.text}
    assert set(flat(name)) <= drawn_characters
    assert [record.message for record in caplog.records if ".notdef" in record.message] == []
    assert all(font["embedded"] for font in pdf_fonts(pdf).values())


def test_the_glyph_check_catches_a_character_no_font_has(signing_key):
    card = issued_card(route="gold")
    Card.objects.filter(pk=card.pk).update(holder_name="王\ue000")
    card_credential_render(card_id=card.pk)
    missing = [glyph for glyph in pdf_drawn_glyphs(stored_pdf(card)) if not glyph.in_font]
    assert [glyph.text for glyph in missing] == ["\ue000"]


def test_rendering_again_replaces_the_stored_pdf(rendered_card):
    card = rendered_card(route="gold")
    card.refresh_from_db()
    old_name = card.credential.name
    renderings = CardEvent.objects.filter(card=card, action="credential").count()
    rendered = card_credential_render(card_id=card.pk)
    assert rendered.credential.name != old_name
    assert not default_storage.exists(old_name)
    assert CardEvent.objects.filter(card=card, action="credential").count() == renderings + 1


# The cut font ---------------------------------------------------------------------------------------------------


def test_the_cut_font_holds_gb2312_under_its_own_name():
    card_fonts_build()
    for style in STYLES:
        font = TTFont(font_path(style))
        assert font["name"].getDebugName(1) == FAMILY
        assert gb2312_characters() <= set(font.getBestCmap())
    assert card_fonts_build() == []  # up to date: not built again


# What the renderer may read --------------------------------------------------------------------------------------


def test_the_fetcher_reads_data_urls_and_the_projects_own_files():
    url_check("data:image/png;base64,iVBORw0KGgo=")
    url_check((Path(settings.BASE_DIR) / "static" / "img" / "emblem.svg").as_uri())
    url_check(font_path("Regular").resolve().as_uri())
    url_check((Path(default_storage.location) / "cards" / "1" / "x.pdf").as_uri())


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/photo.jpg",
        "https://example.org/font.otf",
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        "file://attacker.example/share/x.png",
        "relative/photo.jpg",
    ],
)
def test_the_fetcher_refuses_remote_urls_and_other_files(url):
    with pytest.raises(URLRefused):
        url_check(url)


def test_the_fetcher_refuses_the_projects_code_and_a_way_out_of_static():
    with pytest.raises(URLRefused):
        url_check((Path(settings.BASE_DIR) / "baiyun_talent" / "settings.py").as_uri())
    with pytest.raises(URLRefused):
        url_check((Path(settings.BASE_DIR) / "static" / ".." / "manage.py").as_uri())


@pytest.mark.parametrize("source", ["http://127.0.0.1:9/x.png", "file:///etc/hostname"])
def test_a_refused_url_stops_the_rendering(source):
    with pytest.raises(URLRefused):
        pdf_from_html(f'<p>x</p><img src="{source}">')
    # Rendering imported WeasyPrint, which turns on Pillow's LOAD_TRUNCATED_IMAGES: it is turned off again.
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
