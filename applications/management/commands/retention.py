"""`manage.py retention`: delete the uploads whose retention period has run out (Celery beat runs it nightly)."""

from django.core.management.base import BaseCommand

from applications.retention import materials_retention_delete, materials_retention_due, retention_rules


class Command(BaseCommand):
    help = (
        "Deletes the uploaded files of rejected and withdrawn applications and of drafts never submitted, once "
        "their periods (RETENTION_*_DAYS) have run out; the applications, their history and the files' records stay."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count the files due without deleting them")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        for rule in retention_rules():
            self.stdout.write(f"{rule.state.value}: {rule.days} days")
        if dry_run:
            self.stdout.write(f"due: {materials_retention_due().count()} files")
            return
        deleted = materials_retention_delete()
        summary = ", ".join(f"{state} {count}" for state, count in sorted(deleted.items())) or "none"
        self.stdout.write(f"deleted: {sum(deleted.values())} files ({summary})")
