"""The holder's guide as a PDF (A4, fonts embedded, a table of contents, page numbers, the holder's name and card
number on the cover): exactly the services the tier grants, each with the holder's remaining quota and what to bring.

Everything is in the HTML; the URL fetcher refuses every URL, so nothing in a name can make the renderer read the
network or the disk.
"""

import io
from datetime import date

from django.template.loader import render_to_string
from django.utils import translation

from benefits.selectors import holder_guide
from cards.credential import weasyprint_classes
from cards.models import Card


def guide_pdf(*, card: Card, today: date, language: str) -> bytes:
    """The guide of the card's services as a PDF in `language`."""
    HTML, URLFetcher = weasyprint_classes()
    with translation.override(language):
        html = render_to_string(
            "benefits/guide_pdf.html",
            {"card": card, "guide": holder_guide(card=card, today=today), "today": today, "language": language},
        )
    output = io.BytesIO()
    HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=set(), fail_on_errors=True)).write_pdf(output)
    return output.getvalue()
