import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from baiyun_talent.celery import app
from rosters.models import Roster
from rosters.services import BATCH_ROWS, roster_upload
from tests.factories import EmployerFactory, UserFactory
from tests.integration.conftest import needs_postgres_and_redis, worker_environment
from tests.rosters.helpers import roster_bytes, staff_row

VENV_BIN = Path(sys.executable).parent


@needs_postgres_and_redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reads_a_large_roster_showing_its_progress(tmp_path):
    officer = UserFactory(roles=[Role.EMPLOYER])
    officer.employers.add(EmployerFactory())
    size = 3 * BATCH_ROWS
    content = roster_bytes([staff_row(serial) for serial in range(1, size + 1)])
    queue = f"test-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    output = log.open("wb")
    worker = subprocess.Popen(  # noqa: S603 - the venv's own celery with fixed arguments
        [str(VENV_BIN / "celery"), "-A", "baiyun_talent", "worker", "--pool=solo", "-Q", queue, "-l", "WARNING"],
        cwd=settings.BASE_DIR,
        env=worker_environment(var_dir=tmp_path),
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    previous = (app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url)
    app.conf.update(task_always_eager=False, task_default_queue=queue, broker_url=settings.REDIS_URL)
    seen: list[tuple[str, int]] = []
    try:
        # The request stores the file and queues the task: the roster is still being read when it returns.
        roster = roster_upload(
            actor=officer, employer_id=officer.employers.get().pk, file=SimpleUploadedFile("staff.xlsx", content)
        )
        assert Roster.objects.get(pk=roster.pk).status == "processing"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            status, done = Roster.objects.filter(pk=roster.pk).values_list("status", "rows_done").get()
            seen.append((status, done))
            if status != "processing":
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"the roster was not read; the worker said:\n{log.read_text()}")
    finally:
        app.conf.update(task_always_eager=previous[0], task_default_queue=previous[1], broker_url=previous[2])
        worker.terminate()
        worker.wait(timeout=20)
        output.close()
    roster.refresh_from_db()
    assert (roster.status, roster.rows_total, roster.rows_done) == ("draft", size, size)
    # Read while it was being read: the rows done, batch by batch.
    progress = {done for status, done in seen if status == "processing"} - {0}
    assert progress
    assert progress <= {BATCH_ROWS, 2 * BATCH_ROWS, 3 * BATCH_ROWS}
