from collections.abc import Callable
from datetime import date

import pytest

from eligibility.engine import evaluate_data

# Inside the baiyun-2021 validity (2021-12-24 … 2026-12-24), so that date-independent tests stay independent.
IN_FORCE = date(2026, 6, 1)


@pytest.fixture
def judge() -> Callable[..., dict[str, object]]:
    """Evaluate a profile dict on a registered employer unless the test says otherwise."""

    def run(data: dict[str, object], *, today: date = IN_FORCE) -> dict[str, object]:
        return evaluate_data({"employer": {"registered_in_district": True}, **data}, today=today)

    return run
