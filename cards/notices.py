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


def card_notice_text(*, card: Card, recipient: str, language: str = settings.LANGUAGE_CODE) -> tuple[str, str]:
    """Subject and body of a unit's notice: recorded in the portal's language, e-mailed in each person's."""
    with translation.override(language):
        context = {"card": card, "recipient": recipient, "services": _services(card.tier)}
        subject = render_to_string("cards/email/issued_subject.txt", context).strip()
        body = render_to_string("cards/email/issued_body.txt", context).strip()
    return subject, body


def card_notices_send(*, card_id: int) -> int:
    """E-mails each recorded notice of a card to the unit's people once, each in their language; the messages sent."""
    messages = []
    sent = []
    notices = CardNotice.objects.filter(card_id=card_id, emailed_at__isnull=True)
    for notice in notices.select_related("card").prefetch_related("users"):
        by_language: dict[str, set[str]] = {}
        for user in notice.users.all():
            if user.email:
                by_language.setdefault(user.language, set()).add(user.email)
        for language, addresses in sorted(by_language.items()):
            if language == settings.LANGUAGE_CODE:
                subject, body = notice.subject, notice.body
            else:
                subject, body = card_notice_text(card=notice.card, recipient=notice.recipient, language=language)
            messages.append((subject, body, None, sorted(addresses)))
        sent.append(notice.pk)
    count = send_mass_mail(messages) if messages else 0
    CardNotice.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
    return count
