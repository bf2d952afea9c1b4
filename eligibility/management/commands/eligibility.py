"""`manage.py eligibility evaluate FILE|-` and `manage.py eligibility criteria [--on DATE]`: the engine for scripts."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand

from eligibility.api import BoundaryError, criteria_listing, error_body, evaluation_run, json_parse, on_date_parse
from eligibility.profile import ProfileError

# Exit status of a client error (invalid profile, malformed JSON, unreadable file), as argparse uses for bad usage.
CLIENT_ERROR = 2


class Command(BaseCommand):
    help = "Evaluate talent profiles against the policy in force, or list the criteria catalogue, as JSON."
    # call_command(..., stdin=io.StringIO(...)) feeds `-` in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="{evaluate,criteria}")
        evaluate = commands.add_parser(
            "evaluate", help="Evaluate one JSON profile, or a JSON array of profiles, read from FILE or stdin (-)."
        )
        evaluate.add_argument("file", metavar="FILE", help="a JSON file, or - for standard input")
        criteria = commands.add_parser("criteria", help="List the criteria catalogue in force on a date.")
        criteria.add_argument("--on", dest="on", metavar="DATE", default=None, help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "criteria":
                self._print(criteria_listing(on_date=on_date_parse(options["on"], field="--on")))
            else:
                self._evaluate(self._read(options["file"], stdin=options.get("stdin") or sys.stdin))
        except (BoundaryError, ProfileError) as error:
            self._fail(error)

    def _read(self, name: str, *, stdin: TextIO) -> Any:
        """The parsed JSON of FILE or of standard input."""
        if name == "-":
            # The bytes when there are any, so that input which is not UTF-8 is refused like a file's.
            source = getattr(stdin, "buffer", stdin)
            return json_parse(source.read(), field="stdin")
        try:
            raw = Path(name).read_bytes()
        except OSError as error:
            raise BoundaryError(field=name, code="unreadable_file", name=name) from error
        return json_parse(raw, field=name)

    def _evaluate(self, data: Any) -> None:
        """One result for one profile; for an array, one result or error per element, exit 2 if any was invalid."""
        if not isinstance(data, list):
            self._print(evaluation_run(data))
            return
        results: list[dict[str, object]] = []
        invalid = False
        for element in data:
            try:
                results.append(evaluation_run(element))
            except ProfileError as error:
                invalid = True
                results.append(error_body(error))
        self._print(results)
        if invalid:
            raise SystemExit(CLIENT_ERROR)

    def _print(self, data: object) -> None:
        """Readable JSON; Chinese stays Chinese."""
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _fail(self, error: ProfileError | BoundaryError) -> None:
        """The error body on stderr, then exit 2."""
        self.stderr.write(json.dumps(error_body(error), ensure_ascii=False, indent=2))
        raise SystemExit(CLIENT_ERROR)
