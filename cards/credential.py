"""The electronic credential (电子证照, 第五条（五）): the card face as a PDF, kept in private storage.

The photo and the QR are inlined as data: URLs; the emblem comes from the project's static files and the fonts from
the cut built at install time (cards.fonts). The URL fetcher refuses every other URL — any remote one, and any file
outside the project's static files, its private files and its fonts — so neither a name nor a file can make the
renderer read the network or the disk. The stylesheet and the fonts are loaded once per process: a warm process
renders a card in a few tens of milliseconds (bench/card_pdf.py).
"""

import atexit
import functools
import io
import logging
import unicodedata
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cards.fonts import FALLBACK_FAMILIES, FAMILY, STYLES, font_path, fonts_ready
from cards.models import Card, CardEvent
from cards.qr import data_url, qr_data_url
from cards.tokens import card_qr_text, card_token_issue

logger = logging.getLogger(__name__)
STYLESHEET = Path(__file__).with_name("credential.css")
EMBLEM = "img/emblem.svg"


class URLRefused(Exception):
    """A URL the credential may not read."""


def weasyprint_classes():
    """WeasyPrint's HTML, CSS, FontConfiguration and URLFetcher, imported on first use (it is slow to import).
    Importing it turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process, which would let truncated uploads
    pass their check: it is undone."""
    from PIL import ImageFile

    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return HTML, CSS, FontConfiguration, URLFetcher


def allowed_roots() -> list[Path]:
    """The directories whose files the credential may read: static files, private files (local storage), fonts."""
    roots = [Path(entry[1] if isinstance(entry, tuple | list) else entry) for entry in settings.STATICFILES_DIRS]
    roots += [Path(settings.STATIC_ROOT), Path(settings.CARD_FONTS_DIR)]
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        roots.append(Path(storage.location))
    return [root.resolve() for root in roots]


def url_check(url: str) -> None:
    """Raises URLRefused unless `url` is a data: URL or a local file inside one of the allowed roots."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise URLRefused(f"the credential reads no {parts.scheme or 'relative'} URL: {url[:80]}")
    path = Path(url2pathname(parts.path)).resolve()
    if not any(path.is_relative_to(root) for root in allowed_roots()):
        raise URLRefused(f"the credential reads no file outside the project's own: {path}")


@functools.cache
def _fetcher_class():
    _HTML, _CSS, _FontConfiguration, URLFetcher = weasyprint_classes()
    from weasyprint.urls import FatalURLFetchingError

    class CredentialURLFetcher(URLFetcher):
        """WeasyPrint's fetcher, limited to data: URLs and the project's own files; a refused URL stops the
        rendering (the template asks for none, so one is a fault to see, not an image to leave out)."""

        def fetch(self, url, headers=None):
            try:
                url_check(url)
            except URLRefused as error:
                raise FatalURLFetchingError(str(error)) from None
            return super().fetch(url, headers)

    return CredentialURLFetcher


def url_fetcher():
    return _fetcher_class()(allowed_protocols={"data", "file"}, allow_redirects=False, fail_on_errors=True)


def _font_face_rules() -> str:
    if not fonts_ready():
        logger.warning("The card fonts are not built (manage.py card_fonts): the credential uses the full fonts.")
        return ""
    weights = {"Regular": "normal", "Bold": "bold"}
    return "".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weights[style]}; '
        f"src: url({font_path(style).resolve().as_uri()}); }}\n"
        for style in STYLES
    )


@functools.cache
def _stylesheet():
    """The stylesheet and its fonts, loaded once per process."""
    _HTML, CSS, FontConfiguration, _URLFetcher = weasyprint_classes()
    families = ", ".join(f'"{family}"' for family in (FAMILY, *FALLBACK_FAMILIES))
    css = _font_face_rules() + f"html {{ font-family: {families}, sans-serif; }}\n" + STYLESHEET.read_text()
    font_config = FontConfiguration()
    # Its temporary font folder is removed while the interpreter can still do it.
    atexit.register(_stylesheet.cache_clear)
    return CSS(string=css, font_config=font_config, url_fetcher=url_fetcher()), font_config


def pdf_from_html(html: str) -> bytes:
    """A PDF of the credential's HTML with the card stylesheet and fonts, read through the restricted fetcher;
    URLRefused if the HTML asks for any other URL."""
    HTML, _CSS, _FontConfiguration, _URLFetcher = weasyprint_classes()
    from weasyprint.urls import FatalURLFetchingError

    stylesheet, font_config = _stylesheet()
    output = io.BytesIO()
    try:
        HTML(string=html, url_fetcher=url_fetcher()).write_pdf(
            output, stylesheets=[stylesheet], font_config=font_config
        )
    except FatalURLFetchingError as error:
        raise URLRefused(str(error)) from None
    return output.getvalue()


def _photo_url(card: Card) -> str:
    if card.photo is None:
        return ""
    with default_storage.open(card.photo.file.name, "rb") as file:
        return data_url(card.photo.content_type, file.read())


def _emblem_url() -> str:
    path = finders.find(EMBLEM)
    return Path(path).resolve().as_uri() if path else ""


def name_class(name: str) -> str:
    """A smaller size for a long name, so that it keeps to two lines (a CJK character counts twice a letter)."""
    width = sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in name)
    if width > 28:
        return "name-very-long"
    if width > 12:
        return "name-long"
    return ""


def card_qr_content(*, card: Card, lifetime: timedelta | None = None, now: datetime | None = None) -> str:
    """What the QR of an issued card holds: the verification page's address with its signed token."""
    return card_qr_text(card_token_issue(card=card, lifetime=lifetime, now=now))


def card_credential_pdf(*, card: Card) -> bytes:
    """The card face as a PDF: name, photo, tier, number, validity and the QR of a signed token. The token is dated
    from the card's issue, so rendering the same card again with the same key gives the same token (Ed25519 is
    deterministic) and the same QR, drawn once."""
    context = {
        "card": card,
        "photo_url": _photo_url(card),
        "emblem_url": _emblem_url(),
        "qr_url": qr_data_url(card_qr_content(card=card, now=card.issued_at)) if card.valid_from else "",
        "name_class": name_class(card.holder_name),
    }
    with translation.override("zh-hans"):
        html = render_to_string("cards/credential.html", context)
    return pdf_from_html(html)


def card_credential_render(*, card_id: int) -> Card:
    """Renders the card's credential and keeps it in private storage, replacing an earlier rendering."""
    card = Card.objects.select_related("photo").get(pk=card_id)
    pdf = card_credential_pdf(card=card)
    old_name = card.credential.name
    name = default_storage.save(f"cards/{card.pk}/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    rendered_at = timezone.now()
    Card.objects.filter(pk=card.pk).update(credential=name, credential_rendered_at=rendered_at)
    CardEvent.objects.create(card=card, action=CardEvent.Action.CREDENTIAL)
    if old_name and old_name != name:
        default_storage.delete(old_name)
    card.credential.name = name
    card.credential_rendered_at = rendered_at
    return card
