import json
import re
from io import StringIO

from django.conf import settings
from django.core.management import call_command

from accounts.roles import Role
from applications.workflow import State

# How the spec's "who" column names each role.
ROLE_WORDS = {
    "applicant": Role.APPLICANT,
    "department reviewer": Role.DEPARTMENT_REVIEWER,
    "hr_reviewer": Role.HR_REVIEWER,
    "talent_office": Role.TALENT_OFFICE,
}


def spec_table() -> list[dict]:
    """The rows of the transition table of ../shared/spec/workflow.md, in its vocabulary."""
    text = (settings.SHARED_DIR / "spec" / "workflow.md").read_text(encoding="utf-8")
    rows = []
    # "the reviewer of that stage" (reject): 复审 is the HR bureau's, 审定 the HR bureau's or the talent office's.
    stage_reviewers = [Role.HR_REVIEWER.value, Role.TALENT_OFFICE.value]
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or "→" not in cells[1] or cells[0] == "transition":
            continue
        name = re.match(r"[a-z_]+", cells[0]).group(0)
        sources, targets = (part.strip() for part in cells[1].split("→"))
        who = cells[2]
        rows.append(
            {
                "name": name,
                "sources": [source.strip() for source in sources.split(",")],
                "target": "|".join(target.strip() for target in targets.split("/")),
                "roles": [role.value for word, role in ROLE_WORDS.items() if word in who]
                or (stage_reviewers if "reviewer of that stage" in who else []),
            }
        )
    return rows


def test_workflow_json_equals_the_spec_table():
    output = StringIO()
    call_command("workflow", "--json", stdout=output)
    implemented = json.loads(output.getvalue())
    spec = spec_table()
    assert len(spec) == 13
    key = lambda row: (row["name"], tuple(row["sources"]))  # noqa: E731 - a sort key
    assert sorted([{**row, "roles": sorted(row["roles"])} for row in implemented], key=key) == sorted(
        [{**row, "roles": sorted(row["roles"])} for row in spec], key=key
    )


def test_workflow_json_lists_return_for_supplement_twice():
    output = StringIO()
    call_command("workflow", "--json", stdout=output)
    rows = [row for row in json.loads(output.getvalue()) if row["name"] == "return_for_supplement"]
    assert rows == [
        {
            "name": "return_for_supplement",
            "sources": ["submitted"],
            "target": "returned",
            "roles": ["department_reviewer"],
        },
        {
            "name": "return_for_supplement",
            "sources": ["initial_passed"],
            "target": "returned",
            "roles": ["hr_reviewer"],
        },
    ]


def test_workflow_dot_contains_every_state_and_edge():
    output = StringIO()
    call_command("workflow", "--dot", stdout=output)
    dot = output.getvalue()
    assert dot.startswith("digraph workflow {")
    for state in State:
        assert f'  {state.value} [label="{state.value}"];' in dot.splitlines()
    assert '  leading_group -> rejected [label="record_group_decision\\n(talent_office)"];' in dot.splitlines()
