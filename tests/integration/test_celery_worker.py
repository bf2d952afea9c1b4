import email
import email.policy
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from applications.models import Notice
from applications.services import application_transition
from baiyun_talent.celery import app
from tests.factories import application_with_materials
from tests.integration.conftest import needs_postgres_and_redis, worker_environment

VENV_BIN = Path(sys.executable).parent


@needs_postgres_and_redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_notice_of_a_submission(tmp_path):
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
    try:
        application = application_with_materials(route="gold")
        application.applicant.language = "en"
        application.applicant.save(update_fields=["language"])
        application_transition(application_id=application.pk, name="submit", actor=application.applicant)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            notice = Notice.objects.filter(application=application, emailed_at__isnull=False).first()
            if notice is not None:
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"no notice was sent; the worker said:\n{log.read_text()}")
    finally:
        app.conf.update(task_always_eager=previous[0], task_default_queue=previous[1], broker_url=previous[2])
        worker.terminate()
        worker.wait(timeout=20)
        output.close()
    assert notice.recipient == application.applicant
    assert notice.emailed_to == application.email
    mails = list((tmp_path / "mail").iterdir())
    assert len(mails) == 1
    mail = email.message_from_string(mails[0].read_text(), policy=email.policy.default)
    assert mail["Subject"].strip() == notice.subject
    assert notice.subject == f"Application {application.number}: Awaiting initial review"
