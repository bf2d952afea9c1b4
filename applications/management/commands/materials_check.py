"""`manage.py materials_check`: every stored material's file is present and has the digest recorded at upload.

Run after a restore (docs/deploy.md): the database and the object storage were copied apart, and this shows they
match. Exits with status 1 when a file is missing or altered, naming the materials.
"""

import hashlib

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from applications.models import Material

CHUNK_BYTES = 1024 * 1024


class Command(BaseCommand):
    help = "Checks that every stored material's file is present in the storage and unchanged since its upload."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--presence-only", action="store_true", help="check presence, not the digests")

    def handle(self, *args, presence_only: bool = False, **options) -> None:
        missing, altered, checked = [], [], 0
        stored = Material.objects.filter(content_deleted_at__isnull=True).order_by("pk")
        for pk, name, sha256 in stored.values_list("pk", "file", "sha256").iterator(chunk_size=500):
            checked += 1
            if not default_storage.exists(name):
                missing.append(pk)
            elif not presence_only and _digest(name) != sha256:
                altered.append(pk)
        deleted = Material.objects.filter(content_deleted_at__isnull=False).count()
        self.stdout.write(
            f"materials: {checked} stored, {len(missing)} missing, {len(altered)} altered; "
            f"{deleted} deleted by retention or the applicant"
        )
        if missing or altered:
            raise CommandError(f"missing: {missing or '-'}; altered: {altered or '-'}")


def _digest(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()
