"""Writes on policy versions (第九条: revised when they expire): load a file as a draft, publish, extend."""

from __future__ import annotations

import json
import re
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from eligibility.catalogue import CatalogueError, Policy, catalogue_build, policy_parse
from eligibility.dates import date_add_years
from eligibility.models import PolicyStatus, PolicyVersion
from eligibility.policyfile import Problem
from eligibility.selectors import PUBLISHED_DIGEST_KEY, catalogue_published, stored_policy_source

__all__ = ["policy_source_with", "policy_version_extend", "policy_version_load", "policy_version_publish"]

# Top-level scalars an extension or a publication rewrites in the text, so that the stored file keeps its comments.
_REWRITABLE = ("code", "document_number", "issued_on", "validity_years", "in_force_from", "in_force_until")


def _refusal(source: str, where: str, message, **params) -> CatalogueError:
    return CatalogueError(source, [Problem(line=None, where=where, message=message, params=params)])


def _line_of(text: str, key: str) -> int | None:
    """The line where a top-level key is written."""
    match = re.search(rf"^{key}:", text, flags=re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _overlap_check(policy: Policy, *, text: str, source: str) -> None:
    """第九条: one version in force on any day; the draft may not overlap a shipped or published version."""
    others = [other for other in catalogue_published().policies if other.code != policy.code]
    try:
        catalogue_build([*others, policy])
    except CatalogueError:
        clash = next(
            other
            for other in others
            if other.in_force_from <= policy.in_force_until and policy.in_force_from <= other.in_force_until
        )
        raise CatalogueError(
            source,
            [
                Problem(
                    line=_line_of(text, "in_force_from"),
                    where="in_force_from",
                    message=_("in force %(start)s to %(until)s, overlapping %(other)s (in force %(from)s to %(to)s)"),
                    params={
                        "start": policy.in_force_from,
                        "until": policy.in_force_until,
                        "other": clash.code,
                        "from": clash.in_force_from,
                        "to": clash.in_force_until,
                    },
                )
            ],
        ) from None


def policy_version_load(*, text: str | bytes, file_name: str, actor: User | None) -> PolicyVersion:
    """Validates a policy file and keeps it as a draft (replacing a draft of the same code); nothing else changes.

    Raises CatalogueError naming the line and the reason of every problem.
    """
    source = file_name or "policy.yaml"
    policy = policy_parse(text, source=source)
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    if policy.code in {published.code for published in catalogue_published().policies}:
        raise CatalogueError(
            source,
            [
                Problem(
                    line=_line_of(text, "code"),
                    where="code",
                    message=_("version “%(code)s” is already published: give the new version its own code"),
                    params={"code": policy.code},
                )
            ],
        )
    _overlap_check(policy, text=text, source=source)
    with transaction.atomic():
        version, _created = PolicyVersion.objects.select_for_update().get_or_create(
            code=policy.code,
            defaults={"in_force_from": policy.in_force_from, "in_force_until": policy.in_force_until},
        )
        if version.is_published:
            raise _refusal(source, "code", _("version “%(code)s” is already published"), code=policy.code)
        version.title = policy.title_zh
        version.document_number = policy.document_number
        version.source = text
        version.file_name = file_name
        version.in_force_from = policy.in_force_from
        version.in_force_until = policy.in_force_until
        version.created_by = actor
        version.created_at = timezone.now()
        version.save()
    return version


def _scalar(value: object) -> str:
    """A YAML scalar that reads back as written (JSON strings are YAML strings)."""
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def policy_source_with(text: str, **changes: object) -> str:
    """The policy text with top-level scalars replaced, comments and layout kept."""
    for key, value in changes.items():
        if key not in _REWRITABLE:
            raise ValueError(f"{key} cannot be rewritten")
        text, count = re.subn(rf"^{key}:.*$", f"{key}: {_scalar(value)}", text, count=1, flags=re.MULTILINE)
        if count != 1:
            raise _refusal("policy", key, _("the file does not write “%(name)s” on one line"), name=key)
    return text


@transaction.atomic
def policy_version_publish(*, version_id: int, actor: User | None, in_force_from: date | None = None) -> PolicyVersion:
    """Puts a draft in force from its start date (or the one given, the end following its validity years).

    Refuses a start before today and any overlap with a version in force (第九条); drops the compiled catalogue of
    every process on commit, so that evaluations use the version from its first day.
    """
    # Every version row is locked: two publications at once are checked one after the other.
    versions = {version.pk: version for version in PolicyVersion.objects.select_for_update().order_by("pk")}
    version = versions.get(version_id)
    if version is None:
        raise PolicyVersion.DoesNotExist
    if version.is_published:
        raise _refusal(version.code, "status", _("version “%(code)s” is already published"), code=version.code)
    text = version.source
    policy = policy_parse(text, source=version.code)
    if in_force_from is not None and in_force_from != policy.in_force_from:
        until = date_add_years(in_force_from, years=policy.validity_years)
        changes: dict[str, object] = {"in_force_from": in_force_from.isoformat(), "in_force_until": until.isoformat()}
        if policy.issued_on > in_force_from:
            changes["issued_on"] = in_force_from.isoformat()
        text = policy_source_with(text, **changes)
        policy = policy_parse(text, source=version.code)
    today = timezone.localdate()
    if policy.in_force_from < today:
        raise _refusal(
            version.code,
            "in_force_from",
            _("a version cannot come into force before the day it is published (%(start)s is before %(today)s)"),
            start=policy.in_force_from,
            today=today,
        )
    _overlap_check(policy, text=text, source=version.code)
    version.source = text
    version.in_force_from = policy.in_force_from
    version.in_force_until = policy.in_force_until
    version.status = PolicyStatus.PUBLISHED
    version.published_by = actor
    version.published_at = timezone.now()
    version.save()
    # Now for this transaction's own reads, and again on commit: another process may have cached the digest meanwhile.
    cache.delete(PUBLISHED_DIGEST_KEY)
    transaction.on_commit(lambda: cache.delete(PUBLISHED_DIGEST_KEY))
    return version


def policy_version_extend(
    *,
    code: str,
    new_code: str,
    in_force_from: date,
    validity_years: int,
    actor: User | None,
    document_number: str = "",
) -> PolicyVersion:
    """A successor with the same criteria and new dates (an extension), kept as a draft for preview and publication."""
    text = stored_policy_source(code)
    if text is None:
        raise _refusal(code, "code", _("no published version “%(code)s”"), code=code)
    if validity_years < 1:
        raise _refusal(new_code, "validity_years", _("the validity must be at least one year"))
    changes: dict[str, object] = {
        "code": new_code,
        "validity_years": validity_years,
        "in_force_from": in_force_from.isoformat(),
        "in_force_until": date_add_years(in_force_from, years=validity_years).isoformat(),
    }
    if document_number:
        changes["document_number"] = document_number
    policy = policy_parse(text, source=code)
    if policy.issued_on > in_force_from:
        changes["issued_on"] = in_force_from.isoformat()
    return policy_version_load(text=policy_source_with(text, **changes), file_name=f"{new_code}.yaml", actor=actor)
