"""What the application side needs to know of a person's card, asked through a registry the cards app fills in.

The cards app depends on applications, not the reverse (README: Architecture), so the rules of 第六条 and 第八条 that
depend on a card (only a holder upgrades, a former holder is reviewed first) ask for the card through this port.
"""

from collections.abc import Callable
from datetime import date
from typing import Protocol

from accounts.models import User


class HeldCard(Protocol):
    tier: str
    state: str
    termination_reason: str
    valid_from: date | None
    valid_until: date | None

    def valid_on(self, day: date) -> bool: ...


CardFinder = Callable[..., HeldCard | None]
_finders: list[CardFinder] = []


def card_finder_register(finder: CardFinder) -> None:
    """Called once by the cards app when it is ready: `finder(user=..., today=...)` answers latest_card_of."""
    if finder not in _finders:
        _finders.append(finder)


def latest_card_of(*, user: User, today: date) -> HeldCard | None:
    """The person's latest card that has been issued (valid or ended), or None if they never held one."""
    for finder in _finders:
        card = finder(user=user, today=today)
        if card is not None:
            return card
    return None
