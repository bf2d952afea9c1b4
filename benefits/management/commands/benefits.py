from django.core.management.base import BaseCommand

from benefits.catalogue import catalogue_load


class Command(BaseCommand):
    help = (
        "catalogue: loads the services of the 服务指南 that are missing and links each to the desks of its 承办部门 "
        "(idempotent; an edit made in the admin is kept)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["catalogue"])

    def handle(self, *args, action: str, **options) -> None:
        created = catalogue_load()
        if options["verbosity"] > 0:
            self.stdout.write(f"Services created: {created}; desks linked to their services.")
