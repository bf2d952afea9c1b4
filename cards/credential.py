"""The electronic credential (电子证照, 第五条（五）): the card face as a PDF, kept in private storage.

Everything the page needs is inlined (the photo and the QR as data: URLs, fonts from the system), and the URL fetcher
refuses every other URL, so a name or file can never make the renderer read the network or the disk.
"""

import base64
import io
import uuid

import qrcode
import qrcode.image.svg
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cards.models import Card, CardEvent
from cards.tokens import card_token_issue


def qr_svg(text: str) -> str:
    """The QR code of a token as an SVG drawing (medium error correction survives a scratched print)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def _data_url(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def _photo_url(card: Card) -> str:
    if card.photo is None:
        return ""
    with default_storage.open(card.photo.file.name, "rb") as file:
        return _data_url(card.photo.content_type, file.read())


def weasyprint_classes():
    """WeasyPrint's HTML and URLFetcher, imported on first use (it is slow to import). Importing it turns on Pillow's
    LOAD_TRUNCATED_IMAGES for the whole process, which would let truncated uploads pass their check: it is undone."""
    from PIL import ImageFile

    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    return HTML, URLFetcher


def card_credential_pdf(*, card: Card) -> bytes:
    """The card face as a PDF: name, photo, tier, number, validity and the QR of a signed token."""
    HTML, URLFetcher = weasyprint_classes()

    token = card_token_issue(card=card) if card.valid_from else ""
    context = {
        "card": card,
        "photo_url": _photo_url(card),
        "qr_url": _data_url("image/svg+xml", qr_svg(token).encode()) if token else "",
    }
    with translation.override("zh-hans"):
        html = render_to_string("cards/credential.html", context)
    output = io.BytesIO()
    HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)).write_pdf(output)
    return output.getvalue()


def card_credential_render(*, card_id: int) -> Card:
    """Renders the card's credential and keeps it in private storage, replacing an earlier rendering."""
    card = Card.objects.select_related("photo").get(pk=card_id)
    pdf = card_credential_pdf(card=card)
    old_name = card.credential.name
    name = default_storage.save(f"cards/{card.pk}/{uuid.uuid4().hex}.pdf", ContentFile(pdf))
    Card.objects.filter(pk=card.pk).update(credential=name, credential_rendered_at=timezone.now())
    CardEvent.objects.create(card=card, action=CardEvent.Action.CREDENTIAL)
    if old_name and old_name != name:
        default_storage.delete(old_name)
    card.credential.name = name
    return card
