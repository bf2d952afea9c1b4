"""The holder's e-mail when a booking is filed, confirmed, changed or cancelled, in the holder's language."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from benefits.models import BookingEvent


def _render(event: BookingEvent, language: str) -> tuple[str, str]:
    with translation.override(language):
        context = {"event": event, "booking": event.booking}
        subject = render_to_string("benefits/email/booking_subject.txt", context).strip()
        body = render_to_string("benefits/email/booking_body.txt", context).strip()
    return subject, body


def booking_notice_send(*, booking_event_id: int) -> BookingEvent:
    """E-mails the holder once per booking event; the sending is recorded on the event."""
    event = BookingEvent.objects.select_related("booking__holder", "booking__service", "booking__point").get(
        pk=booking_event_id
    )
    address = event.booking.holder.email
    if event.emailed_at is None and address:
        subject, body = _render(event, event.booking.holder.language)
        send_mail(subject, body, None, [address])
        BookingEvent.objects.filter(pk=event.pk).update(emailed_at=timezone.now())
    return event
