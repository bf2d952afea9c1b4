"""A process's start: a worker's first response imports none of the libraries that only some requests need."""

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.startup import FIRST_RESPONSE, HEAVY, PORTAL_PATH

ROOT = Path(__file__).resolve().parents[1]


def heavy_imported(script: str, var_dir: Path) -> list[str]:
    """The watched libraries a new process running `script` (bench/startup.py's first response) had imported."""
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "baiyun_talent.settings",
        "DEBUG": "true",
        "SECRET_KEY": "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "VAR_DIR": str(var_dir),
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(  # noqa: S603 - this interpreter with a fixed script
        [sys.executable, "-c", script, PORTAL_PATH, ",".join(HEAVY)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"].startswith("200")
    return answer["heavy"]


def test_the_first_response_of_a_new_process_loads_no_library_that_only_some_requests_need(tmp_path):
    assert heavy_imported(FIRST_RESPONSE, tmp_path) == []


def test_a_process_that_reads_the_policy_has_loaded_its_schema(tmp_path):
    """The watch list sees what is imported: evaluating eligibility loads the policy schema's library (pydantic)."""
    reading = 'b"".join(response)\nfrom eligibility.catalogue import catalogue_default\ncatalogue_default()'
    assert heavy_imported(FIRST_RESPONSE.replace('b"".join(response)', reading), tmp_path) == ["pydantic"]
