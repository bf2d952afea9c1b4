import io
import json
import os
import subprocess
import sys
from datetime import date

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from eligibility.engine import evaluate_data
from eligibility.profile import ProfileError

# The API and the command read the versions the district published.
pytestmark = pytest.mark.django_db

CASES = yaml.safe_load((settings.SHARED_DIR / "acceptance" / "eligibility_cases.yaml").read_text(encoding="utf-8"))
VALID = [case for case in CASES if not case["expect"].get("error")]
INVALID = [case for case in CASES if case["expect"].get("error")]
DIAMOND = {
    "on_date": "2026-06-01",
    "employer": {"registered_in_district": True},
    "honours": ["senior_professional_title"],
}


def run(*args, stdin=None):
    """The command's (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    options = {"stdout": out, "stderr": err}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    try:
        # The portal's language, whatever an earlier test of this worker left active.
        with translation.override(settings.LANGUAGE_CODE):
            call_command("eligibility", *args, **options)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue(), err.getvalue()


def refused_field(profile):
    """The field the engine names when refusing profile."""
    with pytest.raises(ProfileError) as refused:
        evaluate_data(profile, today=date(2026, 6, 1))
    return refused.value


@pytest.fixture
def write(tmp_path):
    def write_json(data, name="profile.json"):
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write_json


@pytest.mark.parametrize("case", VALID, ids=lambda case: case["name"])
def test_cli_evaluate_answers_each_acceptance_case(case, write):
    status, out, err = run("evaluate", write(case["profile"]))
    result = json.loads(out)
    assert (status, err) == (0, "")
    assert {key: result[key] for key in case["expect"]} == case["expect"]


@pytest.mark.parametrize("case", INVALID, ids=lambda case: case["name"])
def test_cli_evaluate_invalid_acceptance_case_exits_2_naming_the_field(case, write):
    expected = refused_field(case["profile"])
    status, out, err = run("evaluate", write(case["profile"]))
    assert (status, out) == (2, "")
    assert json.loads(err) == {
        "error": {
            "field": expected.field,
            "code": expected.code,
            "message": expected.zh,
            "zh": expected.zh,
            "en": expected.en,
        }
    }


def test_cli_evaluate_array_gives_an_array_with_an_error_in_place_of_the_invalid_element(write):
    invalid = {"on_date": "2026-06-01", "enterprise": {"district_tax_yuan": -5}}
    status, out, err = run("evaluate", write([DIAMOND, invalid, DIAMOND]))
    results = json.loads(out)
    assert (status, err) == (2, "")
    assert [result.get("tier") for result in results] == ["diamond", None, "diamond"]
    assert results[1] == {
        "error": {
            "field": "enterprise.district_tax_yuan",
            "code": "negative_amount",
            "message": "enterprise.district_tax_yuan：金额不能为负数",
            "zh": "enterprise.district_tax_yuan：金额不能为负数",
            "en": "enterprise.district_tax_yuan: an amount cannot be negative",
        }
    }


def test_cli_evaluate_array_of_valid_profiles_exits_0(write):
    status, out, _err = run("evaluate", write([DIAMOND, {**DIAMOND, "retired": True}]))
    assert status == 0
    assert [result["blockers"] for result in json.loads(out)] == [[], ["E03"]]


def test_cli_evaluate_reads_standard_input():
    status, out, err = run("evaluate", "-", stdin=json.dumps(DIAMOND))
    assert (status, err) == (0, "")
    assert json.loads(out)["criteria"] == ["D11"]


def test_cli_evaluate_refuses_invalid_json_naming_line_and_column():
    status, out, err = run("evaluate", "-", stdin='{\n  "honours": [,]\n}')
    assert (status, out) == (2, "")
    assert json.loads(err)["error"] == {
        "field": "stdin",
        "code": "invalid_json",
        "message": "输入内容不是有效的 JSON（第 2 行，第 15 列）。",
        "zh": "输入内容不是有效的 JSON（第 2 行，第 15 列）。",
        "en": "The input is not valid JSON (line 2, column 15).",
    }


def test_cli_evaluate_refuses_an_unreadable_file(tmp_path):
    missing = str(tmp_path / "missing.json")
    status, out, err = run("evaluate", missing)
    assert (status, out) == (2, "")
    assert json.loads(err)["error"]["code"] == "unreadable_file"
    assert json.loads(err)["error"]["en"] == f"The file {missing} cannot be read."


def test_cli_evaluate_refuses_a_json_value_that_is_not_a_profile():
    status, _out, err = run("evaluate", "-", stdin='"diamond"')
    assert status == 2
    assert json.loads(err)["error"]["field"] == "profile"
    assert json.loads(err)["error"]["code"] == "not_an_object"


def test_cli_criteria_lists_the_policy_in_force():
    status, out, _err = run("criteria", "--on", "2021-12-24")
    listing = json.loads(out)
    assert status == 0
    assert (listing["in_force"], listing["policy"]["code"]) == (True, "baiyun-2021")
    assert [criterion["code"] for criterion in listing["criteria"]][:3] == ["D01", "D02", "D03"]
    assert len(listing["criteria"]) == 39
    assert listing["criteria"][10]["citation"] == {"zh": "第三条（一）第11项", "en": "Art. 3(1) item 11"}
    assert [tier["code"] for tier in listing["tiers"]] == ["diamond", "gold", "silver"]
    assert [blocker["code"] for blocker in listing["blockers"]] == ["E01", "E02", "E03", "E04"]


@pytest.mark.parametrize("on", ["2021-12-23", "2026-12-25"])
def test_cli_criteria_outside_the_policy_lists_nothing_and_says_why(on):
    status, out, _err = run("criteria", "--on", on)
    listing = json.loads(out)
    assert status == 0
    assert (listing["on_date"], listing["in_force"], listing["policy"], listing["criteria"]) == (on, False, None, [])
    assert [blocker["code"] for blocker in listing["blockers"]] == ["E04"]


def test_cli_criteria_refuses_a_bad_date():
    status, out, err = run("criteria", "--on", "2026-02-30")
    assert (status, out) == (2, "")
    assert json.loads(err)["error"]["field"] == "--on"
    assert json.loads(err)["error"]["en"] == "--on: must be a real date (YYYY-MM-DD)."


def test_cli_exit_status_is_2_from_the_shell(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[1, ", encoding="utf-8")
    environment = {"PATH": os.environ["PATH"], "DEBUG": "true", "SECRET_KEY": settings.SECRET_KEY}
    completed = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "eligibility", "evaluate", str(path)],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (completed.returncode, completed.stdout) == (2, "")
    assert json.loads(completed.stderr)["error"]["code"] == "invalid_json"


@pytest.mark.parametrize(
    ("stdin", "code"),
    [
        ("[" * 100_000, "too_deep"),
        ('{"enterprise": {"district_tax_yuan": ' + "9" * 5000 + "}}", "number_too_long"),
        ('{"enterprise": {"role": "\\ud800"}}', "invalid_unicode"),
        ('{"\\ud800": true}', "invalid_unicode"),
    ],
    ids=["deep", "long-number", "surrogate-value", "surrogate-key"],
)
def test_cli_evaluate_refuses_hostile_json_with_exit_2(stdin, code):
    status, out, err = run("evaluate", "-", stdin=stdin)
    assert (status, out) == (2, "")
    assert json.loads(err)["error"]["code"] == code


@pytest.mark.parametrize(
    ("stdin", "code"),
    [(b"[" * 100_000, "too_deep"), (b'{"\\ud800": 1}', "invalid_unicode"), (b'{"x": "\xff"}', "invalid_encoding")],
    ids=["deep", "surrogate", "not-utf8"],
)
def test_cli_evaluate_from_a_shell_pipe_exits_2_without_a_traceback(stdin, code):
    environment = {"PATH": os.environ["PATH"], "DEBUG": "true", "SECRET_KEY": settings.SECRET_KEY}
    completed = subprocess.run(
        [sys.executable, "manage.py", "eligibility", "evaluate", "-"],
        cwd=settings.BASE_DIR,
        env=environment,
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert (completed.returncode, completed.stdout) == (2, b"")
    assert json.loads(completed.stderr)["error"]["code"] == code
