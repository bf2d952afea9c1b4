"""第五条（六）: the text of the notice each unit receives when a card is issued, and its delivery by e-mail."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cards.models import Card, CardNotice
from cards.selectors import tier_benefits
from eligibility.catalogue import catalogue_default


def _services(tier: str) -> list[str]:
    names = {benefit.number: benefit.zh for benefit in catalogue_default().policies[-1].benefits}
    return [f"{number}. {names[number]}" for number in tier_benefits(tier) if number in names]


def card_notice_text(*, card: Card, recipient: str) -> tuple[str, str]:
    """Subject and body of a unit's notice, in the portal's language: units are district offices."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"card": card, "recipient": recipient, "services": _services(card.tier)}
        subject = render_to_string("cards/email/issued_subject.txt", context).strip()
        body = render_to_string("cards/email/issued_body.txt", context).strip()
    return subject, body


def card_notices_send(*, card_id: int) -> int:
    """E-mails each recorded notice of a card to the unit's people once; returns how many messages went out."""
    messages = []
    sent = []
    for notice in CardNotice.objects.filter(card_id=card_id, emailed_at__isnull=True).prefetch_related("users"):
        addresses = sorted({user.email for user in notice.users.all() if user.email})
        if addresses:
            messages.append((notice.subject, notice.body, None, addresses))
        sent.append(notice.pk)
    count = send_mass_mail(messages) if messages else 0
    CardNotice.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
    return count
