import logging

from celery import shared_task
from django.db import OperationalError

logger = logging.getLogger(__name__)


# 第五条（五）: 制卡. Idempotent, so a retry after a lost worker (acks_late) makes no second card.
@shared_task(acks_late=True, autoretry_for=(OperationalError, OSError), retry_backoff=True, max_retries=8)
def produce_card(*, application_id: int) -> None:
    """Makes the card of an approved application and renders its electronic credential."""
    from cards.services import card_produce

    card_produce(application_id=application_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def render_credential(*, card_id: int) -> None:
    """Renders (again) the card's PDF credential, e.g. with its validity once it is issued."""
    _render(card_id)


def _render(card_id: int) -> None:
    from cards.credential import card_credential_render
    from cards.keys import SigningKeyError

    try:
        card_credential_render(card_id=card_id)
    except SigningKeyError as error:
        # The card stands without its PDF; its page tells the talent office, and activating a key renders it.
        logger.error("Card %s: credential not rendered: %s", card_id, error)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def card_issued(*, card_id: int) -> None:
    """After 发卡: the units' notices e-mailed (第五条（六）) and the credential rendered with its validity."""
    from cards.notices import card_notices_send

    card_notices_send(card_id=card_id)
    _render(card_id)


@shared_task
def expire_cards() -> int:
    """Each night: cards whose 5-year period ended are marked expired (verification compares dates itself)."""
    from cards.services import cards_expire

    return cards_expire()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8)
def publish_status_list() -> None:
    """After a termination or a supersession: the status list is signed again for offline verifiers."""
    _publish(only_if_stale=False)


@shared_task(acks_late=True)
def refresh_status_list() -> None:
    """Each hour: the status list is signed again if a change was missed or it is a day old."""
    _publish(only_if_stale=True)


def _publish(*, only_if_stale: bool) -> None:
    from cards.keys import SigningKeyError
    from cards.status_list import status_list_publish

    try:
        status_list_publish(only_if_stale=only_if_stale)
    except SigningKeyError as error:
        # Online verification reads the live status meanwhile; the hourly refresh publishes once a key is active.
        logger.error("Status list not published: %s", error)


@shared_task
def send_midterm_reminders() -> int:
    """Each morning: employers reminded of mid-term assessments due within a month or overdue (第六条)."""
    from cards.midterm import midterm_reminders_send

    return midterm_reminders_send()
