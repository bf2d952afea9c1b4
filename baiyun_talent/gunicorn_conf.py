"""gunicorn's settings for the portal (`gunicorn -c python:baiyun_talent.gunicorn_conf ...`).

Workers come from WEB_CONCURRENCY (gunicorn reads it itself). Each request is logged by the portal, as JSON with its
request id (baiyun_talent.middleware), so gunicorn's own access log stays off. With PROMETHEUS_MULTIPROC_DIR the
workers' metrics are kept in files there: emptied when the server starts, a worker's forgotten when it exits.
"""

import os
from pathlib import Path

accesslog = None
# Uploads are decoded in the worker (applications.uploads); a slow client must not hold it while sending.
timeout = 60


def on_starting(server) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
