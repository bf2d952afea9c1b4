"""What the industry departments' lists say of an employer, asked through a registry the rosters app fills in.

The rosters app keeps the lists and depends on applications, not the reverse; an application's evaluation reads the
lists through this port, so that a fact a list decides (G12: 纳入行业主管部门名单) comes from the list, not from the
applicant's word, and the reviewer's file can say which list confirmed it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class ListFacts:
    """Profile fields the lists decide (path → value) and the lists that confirmed them, for one employer and year.

    `confirmations` are dicts with the list's kind, year and department (zh, en); `investment_recommended` is None
    while no recommendation list is kept for the year.
    """

    profile: dict[str, bool] = field(default_factory=dict)
    confirmations: tuple[dict, ...] = ()
    investment_recommended: bool | None = None


ListFactsFinder = Callable[..., ListFacts]
_finders: list[ListFactsFinder] = []


def list_facts_register(finder: ListFactsFinder) -> None:
    """Called once by the rosters app when it is ready: `finder(employer_id=..., on_date=...)` answers list_facts."""
    if finder not in _finders:
        _finders.append(finder)


def list_facts(*, employer_id: int | None, on_date: date) -> ListFacts:
    """What the lists in force for on_date's year say of the employer; nothing when no list is kept or no employer
    is named yet."""
    if employer_id is None:
        return ListFacts()
    for finder in _finders:
        return finder(employer_id=employer_id, on_date=on_date)
    return ListFacts()


def profile_with_lists(profile: dict, *, employer_id: int | None, on_date: date) -> tuple[dict, ListFacts]:
    """The profile with the fields the lists decide set from them (a copy), and what the lists said."""
    facts = list_facts(employer_id=employer_id, on_date=on_date)
    return profile_apply(profile, facts=facts), facts


def profile_apply(profile: dict, *, facts: ListFacts) -> dict:
    """The profile with the fields the lists decide set from `facts` (a copy when any is)."""
    if not facts.profile:
        return profile
    updated = {**profile}
    for path, value in facts.profile.items():
        section, _, name = path.partition(".")
        updated[section] = {**(updated.get(section) or {}), name: value}
    return updated
