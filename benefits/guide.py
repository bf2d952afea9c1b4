"""The holder's guide as a PDF (A4, fonts embedded, a table of contents, page numbers, the holder's name and card
number on the cover): exactly the services the tier grants, each with the holder's remaining quota and what to bring.

Laying out a dozen pages of Chinese text costs WeasyPrint the better part of a second, and all of it but the cover's
name, number and date is the same for every holder of a tier with the same quotas left. So the guide is rendered in
two parts: the shared pages, kept in the cache under the hash of their HTML (a change of the catalogue, the quotas,
the month or the language is a new HTML, hence a new key), and the holder's lines, rendered on a page of their own
and laid over the cover.

Everything is in the HTML; the URL fetcher refuses every URL, so nothing in a name can make the renderer read the
network or the disk.
"""

import hashlib
import io
from datetime import date

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from benefits.selectors import holder_guide
from cards.credential import weasyprint_classes
from cards.models import Card

CACHE_SECONDS = 24 * 3600


def _pdf(html: str) -> bytes:
    HTML, _css, _fonts, URLFetcher = weasyprint_classes()
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=set(), fail_on_errors=True)).write_pdf()


def _shared_pages(html: str) -> bytes:
    """The pages every holder with this HTML shares, rendered once and then read from the cache."""
    key = "benefits:guide:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = _pdf(html)
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def guide_pdf(*, card: Card, today: date, language: str) -> bytes:
    """The guide of the card's services as a PDF in `language`, the holder's lines on its cover."""
    import pikepdf  # imported on first use, as WeasyPrint is: the portal's other pages do not need it

    with translation.override(language):
        context = {"card": card, "today": today, "language": language, "tier_label": card.get_tier_display()}
        shared = render_to_string("benefits/guide_pdf.html", {**context, "guide": holder_guide(card=card, today=today)})
        cover = render_to_string("benefits/guide_cover.html", context)
    output = io.BytesIO()
    with (
        pikepdf.open(io.BytesIO(_shared_pages(shared))) as pdf,
        pikepdf.open(io.BytesIO(_pdf(cover))) as holder_lines,
    ):
        pikepdf.Page(pdf.pages[0]).add_overlay(holder_lines.pages[0])
        pdf.docinfo["/Title"] = f"{pdf.docinfo.get('/Title', '')} · {card.number}"
        pdf.save(output)
    return output.getvalue()
