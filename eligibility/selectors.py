"""Reads of the policy for the whole portal: which version is in force on a date (第九条), every version that was
ever in force, and what the lapse of one means. Every caller reads the policy through these functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.cache import cache

from eligibility.catalogue import Catalogue, Policy, catalogue_build, catalogue_default, policy_parse
from eligibility.engine import evaluate_data, evaluate_under, result_to_dict
from eligibility.models import PolicyStatus, PolicyVersion
from eligibility.profile import parse_profile

__all__ = [
    "PUBLISHED_DIGEST_KEY",
    "Lapse",
    "catalogue_published",
    "evaluation_in_force",
    "evaluation_under",
    "policy_in_force",
    "policy_lapse",
    "policy_latest",
    "policy_named",
    "stored_policy_source",
]

# Names the published versions in the shared cache, so that each process compiles them again only when one is
# published (eligibility.services drops the key on commit).
PUBLISHED_DIGEST_KEY = "eligibility:published-policies"
_compiled: dict[str, Catalogue] = {}


def _published_token() -> str:
    """A digest of what is published: equal digests compile to equal catalogues."""
    token = cache.get(PUBLISHED_DIGEST_KEY)
    if token is None:
        rows = PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED).order_by("pk")
        digest = hashlib.sha256()
        for row in rows.values_list("pk", "code", "in_force_from", "in_force_until", "source"):
            digest.update(repr(row).encode())
        token = digest.hexdigest()
        cache.set(PUBLISHED_DIGEST_KEY, token, timeout=None)
    return token


def catalogue_published() -> Catalogue:
    """The shipped versions and those the district published, compiled once per process until the next publication."""
    token = _published_token()
    catalogue = _compiled.get(token)
    if catalogue is None:
        stored = [
            policy_parse(version.source, source=version.code)
            for version in PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED).only("code", "source")
        ]
        catalogue = catalogue_build([*catalogue_default().policies, *stored])
        _compiled.clear()
        _compiled[token] = catalogue
    return catalogue


def policy_in_force(*, on_date: date) -> Policy | None:
    """第九条: the version in force on on_date, or None while none is (the lapse after a version's end)."""
    return catalogue_published().policy_for(on_date)


def policy_latest(*, on_date: date) -> Policy | None:
    """The version in force on on_date, else the last one before it: its words (materials, services) still apply."""
    return catalogue_published().policy_latest(on_date)


def policy_named(code: str | None) -> Policy | None:
    """A version by the code a stored evaluation records, so that it is read against the version it used."""
    return catalogue_published().policy_named(code)


def stored_policy_source(code: str) -> str | None:
    """The text of a version as it was published or shipped, for anyone to read."""
    policy = policy_named(code)
    if policy is None:
        return None
    version = PolicyVersion.objects.filter(code=code, status=PolicyStatus.PUBLISHED).only("source").first()
    if version is not None:
        return version.source
    return Path(policy.source).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Lapse:
    """第九条: no version is in force. Which one expired and when, and the next one if it is already published."""

    lapsed: Policy
    next_policy: Policy | None

    @property
    def ended_on(self) -> date:
        return self.lapsed.in_force_until


def policy_lapse(*, on_date: date) -> Lapse | None:
    """The lapse on on_date, or None while a version is in force (or before the first one)."""
    catalogue = catalogue_published()
    if catalogue.policy_for(on_date) is not None:
        return None
    lapsed = next((policy for policy in reversed(catalogue.policies) if policy.in_force_until < on_date), None)
    if lapsed is None:
        return None
    upcoming = next((policy for policy in catalogue.policies if policy.in_force_from > on_date), None)
    return Lapse(lapsed=lapsed, next_policy=upcoming)


def evaluation_in_force(data: Mapping[str, object], *, today: date) -> dict[str, object]:
    """The spec's evaluation of untrusted profile data against the versions published (ProfileError if invalid)."""
    return evaluate_data(data, today=today, catalogue=catalogue_published())


@dataclass(frozen=True)
class Preview:
    """A draft compiled, the version it follows, and what differs between them."""

    version: PolicyVersion
    draft: Policy
    baseline: Policy | None
    differences: list


def policy_preview(*, version: PolicyVersion) -> Preview:
    """What the talent office reads before publishing: the draft against the version it follows."""
    from eligibility.preview import policy_baseline, policy_differences

    draft = policy_parse(version.source, source=version.code)
    others = [policy for policy in catalogue_published().policies if policy.code != draft.code]
    baseline = policy_baseline(draft=draft, published=others)
    return Preview(
        version=version, draft=draft, baseline=baseline, differences=policy_differences(before=baseline, after=draft)
    )


def policy_versions() -> list[dict[str, object]]:
    """Every version, shipped, published or draft, oldest first: what anyone may read, and what is pending."""
    stored = {version.code: version for version in PolicyVersion.objects.all()}
    rows: list[dict[str, object]] = []
    for policy in catalogue_published().policies:
        version = stored.pop(policy.code, None)
        rows.append(
            {"policy": policy, "version": version, "status": PolicyStatus.PUBLISHED, "shipped": version is None}
        )
    for version in stored.values():
        rows.append({"policy": None, "version": version, "status": version.status, "shipped": False})
    return rows


def evaluation_under(data: Mapping[str, object], *, today: date, policy: Policy) -> dict[str, object]:
    """The evaluation by one given version, whatever its dates: the version an application was submitted under."""
    catalogue = catalogue_published()
    profile = parse_profile(data, today=today, known_honours=catalogue.honour_codes)
    return result_to_dict(evaluate_under(profile, policy=policy))
