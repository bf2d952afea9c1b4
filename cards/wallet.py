"""The wallet's live code (第六条 仅限本人使用): a QR whose token lasts a few minutes, so that a screenshot goes stale.

A code is signed and drawn once, then served from the cache to every request of its first half-life; after that a
request gets a new one, so a code on the screen always has at least half its life left.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from cards.credential import card_qr_content
from cards.models import Card
from cards.qr import qr_data_url

WALLET_TOKEN_LIFETIME = timedelta(minutes=5)


@dataclass(frozen=True)
class WalletCode:
    qr_url: str
    expires_at: datetime
    refresh_at: datetime


def _cache_key(card: Card) -> str:
    # The period is in the key: a card whose dates change never shows a code signed with the old ones.
    return f"cards:wallet:{card.pk}:{card.valid_from}:{card.valid_until}"


def wallet_code_for(*, card: Card) -> WalletCode:
    """The current code of an issued card, signed and drawn once per token."""
    code = cache.get(_cache_key(card))
    if code is not None:
        return code
    now = timezone.now()
    # The token ends with the card's period if that comes first (cards.tokens).
    period_end = datetime.combine(
        card.valid_until + timedelta(days=1), datetime.min.time(), tzinfo=timezone.get_current_timezone()
    )
    expires_at = min(now + WALLET_TOKEN_LIFETIME, period_end)
    code = WalletCode(
        qr_url=qr_data_url(card_qr_content(card=card, lifetime=WALLET_TOKEN_LIFETIME, now=now)),
        expires_at=expires_at,
        refresh_at=now + (expires_at - now) / 2,
    )
    cache.set(_cache_key(card), code, timeout=max(1, int((code.refresh_at - now).total_seconds())))
    return code
