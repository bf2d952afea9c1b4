"""`manage.py policy load FILE | list | show CODE | diff CODE | impact CODE [--csv FILE] | publish CODE
[--from DATE] | extend CODE --code NEW --from DATE --years N`: the talent office's policy admin, for scripts.
"""

from __future__ import annotations

import collections
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from eligibility.catalogue import CatalogueError
from eligibility.dates import date_parse_iso
from eligibility.models import PolicyVersion
from eligibility.preview import IMPACTS, impact_csv_lines, policy_impact, policy_impact_counts
from eligibility.selectors import policy_preview, policy_versions, stored_policy_source
from eligibility.services import policy_version_extend, policy_version_load, policy_version_publish

# Exit status of refused input, as argparse uses for bad usage.
CLIENT_ERROR = 2


def _day(text: str):
    parsed = date_parse_iso(text)
    if parsed is None:
        raise CommandError(f"{text}: expected a date YYYY-MM-DD", returncode=CLIENT_ERROR)
    return parsed


class Command(BaseCommand):
    help = "Load, preview, publish or extend policy versions (第九条); a loaded file stays a draft until published."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        load = commands.add_parser("load", help="Validate a policy file (YAML) and keep it as a draft.")
        load.add_argument("file", metavar="FILE")
        commands.add_parser("list", help="Every version: shipped, published and drafts.")
        show = commands.add_parser("show", help="Print a version's policy file.")
        show.add_argument("code")
        diff = commands.add_parser("diff", help="A draft's differences from the version it follows.")
        diff.add_argument("code")
        impact = commands.add_parser("impact", help="A draft's impact on every stored profile.")
        impact.add_argument("code")
        impact.add_argument("--csv", metavar="FILE", help="also write the profiles whose result changes")
        publish = commands.add_parser("publish", help="Put a draft in force.")
        publish.add_argument("code")
        publish.add_argument("--from", dest="start", metavar="DATE", help="first day in force (default: the file's)")
        extend = commands.add_parser("extend", help="A successor with the same criteria and new dates, as a draft.")
        extend.add_argument("code")
        extend.add_argument("--code", dest="new_code", required=True)
        extend.add_argument("--from", dest="start", required=True, metavar="DATE")
        extend.add_argument("--years", type=int, required=True)
        extend.add_argument("--document-number", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except CatalogueError as error:
            self.stderr.write(str(error))
            raise SystemExit(CLIENT_ERROR) from None
        except PolicyVersion.DoesNotExist:
            raise CommandError(f"no draft version {options.get('code')}", returncode=CLIENT_ERROR) from None

    def _draft(self, code: str) -> PolicyVersion:
        return PolicyVersion.objects.get(code=code)

    def _load(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            text = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror})", returncode=CLIENT_ERROR) from None
        version = policy_version_load(text=text, file_name=path.name, actor=None)
        self.stdout.write(
            f"{version.code}: draft, in force {version.in_force_from} to {version.in_force_until} once published"
        )

    def _list(self, options: dict[str, Any]) -> None:
        for row in policy_versions():
            policy, version = row["policy"], row["version"]
            code = policy.code if policy else version.code
            start = policy.in_force_from if policy else version.in_force_from
            until = policy.in_force_until if policy else version.in_force_until
            origin = "shipped" if row["shipped"] else str(row["status"])
            self.stdout.write(f"{code}\t{origin}\t{start}\t{until}")

    def _show(self, options: dict[str, Any]) -> None:
        text = stored_policy_source(options["code"])
        if text is None:
            text = self._draft(options["code"]).source
        self.stdout.write(text)

    def _diff(self, options: dict[str, Any]) -> None:
        preview = policy_preview(version=self._draft(options["code"]))
        baseline = preview.baseline.code if preview.baseline else "-"
        self.stdout.write(f"{preview.draft.code} against {baseline}: {len(preview.differences)} difference(s)")
        for difference in preview.differences:
            self.stdout.write(
                f"{difference.section}\t{difference.code}\t{difference.change}\t{difference.before}\t{difference.after}"
            )

    def _impact(self, options: dict[str, Any]) -> None:
        preview = policy_preview(version=self._draft(options["code"]))
        rows = policy_impact(before=preview.baseline, after=preview.draft, on_date=preview.draft.in_force_from)
        if options["csv"]:
            counted: collections.Counter[str] = collections.Counter()
            with Path(options["csv"]).open("w", encoding="utf-8", newline="") as out:
                out.writelines(impact_csv_lines(_counting(rows, counted)))
            counts = {impact: counted[impact] for impact in IMPACTS}
        else:
            counts = policy_impact_counts(rows)
        for impact, count in counts.items():
            self.stdout.write(f"{impact}\t{count}")

    def _publish(self, options: dict[str, Any]) -> None:
        start = _day(options["start"]) if options["start"] else None
        version = policy_version_publish(version_id=self._draft(options["code"]).pk, actor=None, in_force_from=start)
        self.stdout.write(f"{version.code}: published, in force {version.in_force_from} to {version.in_force_until}")

    def _extend(self, options: dict[str, Any]) -> None:
        version = policy_version_extend(
            code=options["code"],
            new_code=options["new_code"],
            in_force_from=_day(options["start"]),
            validity_years=options["years"],
            actor=None,
            document_number=options["document_number"],
        )
        self.stdout.write(
            f"{version.code}: draft, in force {version.in_force_from} to {version.in_force_until} once published"
        )


def _counting(rows, counted: collections.Counter[str]):
    """Pass rows through, counting each one's impact (the CSV keeps only the changed ones)."""
    for row in rows:
        counted[row.impact] += 1
        yield row
