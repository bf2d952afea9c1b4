"""Bar charts as the pages draw them (templates/includes/bar_chart.html): a row per bar with its label, a bar scaled
to the longest, and the value as text, so the labels keep their size on a phone. The figures are in a table beside."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    # Share of the longest bar, 0–100.
    percent: float
    display: str = ""


def bars_of(pairs: Iterable[tuple[str, float]], display: Callable[[float], str] | None = None) -> list[Bar]:
    """One bar per (label, value), the longest full; `display` writes a value (else as it is)."""
    pairs = list(pairs)
    largest = max((value for _label, value in pairs), default=0) or 1
    return [
        Bar(
            label=label,
            value=value,
            percent=round(100 * value / largest, 1),
            display=display(value) if display else str(value),
        )
        for label, value in pairs
    ]
