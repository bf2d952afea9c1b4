"""Which service desks provide which of the 第四条 services, asked through a registry the benefits app fills in.

The benefits app depends on cards, not the reverse (README: Architecture), so the notice of a card's issue to each
desk whose services the tier grants (第五条（六）) asks for those desks through this port.
"""

from collections.abc import Callable, Iterable

from accounts.models import ServiceDesk

DeskFinder = Callable[..., Iterable[ServiceDesk]]
_finders: list[DeskFinder] = []


def desk_finder_register(finder: DeskFinder) -> None:
    """Called once by the benefits app when it is ready: `finder(numbers=...)` answers desks_providing."""
    if finder not in _finders:
        _finders.append(finder)


def desks_providing(*, numbers: Iterable[int]) -> list[ServiceDesk]:
    """The desks that provide any of the services numbered, each once, ordered by code."""
    numbers = tuple(numbers)
    desks = {desk.pk: desk for finder in _finders for desk in finder(numbers=numbers)}
    return sorted(desks.values(), key=lambda desk: desk.code)
