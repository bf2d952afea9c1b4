"""The backup and restore of docs/deploy.md, done: pg_dump of the database and a copy of the bucket, both restored
into empty ones, and the portal run on them finds the applications and every file."""

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import pytest
from django.conf import settings as django_settings
from django.db import connection

from applications.models import Application
from tests.factories import application_with_materials
from tests.integration.conftest import worker_environment

VENV_BIN = Path(sys.executable).parent
# PostgreSQL's client programs, from PATH (Debian's postgresql-client, as in CI).
PG = {name: shutil.which(name) or name for name in ("createdb", "dropdb", "pg_dump", "pg_restore")}

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL (DATABASE_URL, as in CI)"),
    pytest.mark.django_db(transaction=True),
]


def s3_options(endpoint: str, bucket: str) -> dict:
    return {
        "bucket_name": bucket,
        "access_key": "test",
        "secret_key": "test",
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }


def bucket_copy(client, *, source: str, target: str) -> int:
    """What `mc mirror` or `aws s3 sync` does: every object of one bucket into another."""
    copied = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=source):
        for item in page.get("Contents", []):
            client.copy_object(Bucket=target, Key=item["Key"], CopySource={"Bucket": source, "Key": item["Key"]})
            copied += 1
    return copied


def bucket_empty(client, bucket: str) -> None:
    for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
        client.delete_object(Bucket=bucket, Key=item["Key"])


@pytest.fixture
def restore_database():
    database = connection.settings_dict
    name = f"{database['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    server = ["-h", database["HOST"] or "127.0.0.1", "-p", str(database["PORT"] or 5432), "-U", database["USER"]]
    subprocess.run([PG["createdb"], *server, name], check=True)  # noqa: S603 - PostgreSQL's client, fixed arguments
    try:
        yield name, server
    finally:
        subprocess.run([PG["dropdb"], *server, "--if-exists", name], check=True)  # noqa: S603


def test_a_dump_and_a_bucket_copy_restore_the_applications_and_their_files(
    settings, s3_endpoint, restore_database, tmp_path
):
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    for bucket in ("live", "backup"):
        client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options(s3_endpoint, "live")},
    }
    submitted = application_with_materials(route="gold", submit=True)
    draft = application_with_materials(route="silver")
    files = submitted.materials.count() + draft.materials.count()

    # Back up: the database first, then the bucket, so every file a dumped record names is in the copy.
    database = connection.settings_dict
    restore_name, server = restore_database
    dump = tmp_path / "baiyun.dump"
    subprocess.run(  # noqa: S603 - PostgreSQL's client with fixed arguments
        [PG["pg_dump"], *server, "--format=custom", "--no-owner", f"--file={dump}", database["NAME"]], check=True
    )
    assert bucket_copy(client, source="live", target="backup") == files

    # The disaster: the live bucket loses its files. Restore into the empty database and the emptied bucket.
    bucket_empty(client, "live")
    subprocess.run(  # noqa: S603
        [PG["pg_restore"], *server, "--no-owner", "--exit-on-error", f"--dbname={restore_name}", str(dump)],
        check=True,
    )
    assert bucket_copy(client, source="backup", target="live") == files

    restored = {
        **worker_environment(var_dir=tmp_path / "var"),
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{restore_name}"
        ),
        "STORAGE": "s3",
        "S3_BUCKET": "live",
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1",
    }

    def manage(*arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - this project's manage.py with fixed arguments
            [str(VENV_BIN / "python"), "manage.py", *arguments],
            cwd=django_settings.BASE_DIR,
            env=restored,
            capture_output=True,
            text=True,
        )

    numbers = manage(
        "shell",
        "--no-imports",
        "-c",
        "from applications.models import Application; "
        "print(sorted((a.number, a.state) for a in Application.objects.all()))",
    )
    assert numbers.stdout.strip() == str(sorted([(submitted.number, "submitted"), (draft.number, "draft")]))
    check = manage("materials_check")
    assert (check.returncode, check.stdout) == (
        0,
        f"materials: {files} stored, 0 missing, 0 altered; 0 deleted by retention or the applicant\n",
    )
    assert manage("migrate", "--check").returncode == 0

    # The check fails loudly when the bucket copy is incomplete.
    client.delete_object(Bucket="live", Key=submitted.materials.order_by("pk").first().file.name)
    incomplete = manage("materials_check")
    assert incomplete.returncode == 1
    assert f"missing: [{submitted.materials.order_by('pk').first().pk}]" in incomplete.stderr
    assert Application.objects.count() == 2
