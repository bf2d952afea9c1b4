"""Prints the workflow as implemented, read from the state machine itself (not from the table it was built from)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django_fsm import RETURN_VALUE

from applications.models import Application
from applications.workflow import TRANSITIONS, State


def workflow_rows() -> list[dict]:
    """One object per row of the spec's table: name, sources, target and roles, from django-fsm's transitions.

    A transition whose target depends on the decision (record_group_decision) has the allowed states joined by
    "|" as its target, e.g. "approved|rejected".
    """
    rows: dict[int, dict] = {}
    order: list[int] = []
    for transition in Application._meta.get_field("state").get_all_transitions(Application):
        spec = transition.custom["spec"]
        key = id(spec)
        if key not in rows:
            target = transition.target
            if isinstance(target, RETURN_VALUE):
                target = "|".join(str(state) for state in target.allowed_states)
            rows[key] = {
                "name": transition.name,
                "sources": [],
                "target": str(target),
                "roles": [role.value for role in spec.roles],
            }
            order.append(key)
        rows[key]["sources"].append(str(transition.source))
    state_order = list(State.values)
    for row in rows.values():
        row["sources"] = sorted(set(row["sources"]), key=state_order.index)
    # In the order of the spec's table, which TRANSITIONS follows.
    position = {id(spec): index for index, spec in enumerate(TRANSITIONS)}
    return [rows[key] for key in sorted(order, key=lambda key: position.get(key, len(position)))]


def workflow_dot(rows: list[dict]) -> str:
    """The workflow as a Graphviz digraph: every state a node, every transition an edge labelled with its roles."""
    lines = ["digraph workflow {", "  rankdir=LR;", '  node [shape=box, style=rounded, fontname="sans-serif"];']
    for state in State:
        lines.append(f'  {state.value} [label="{state.value}"];')
    for row in rows:
        for source in row["sources"]:
            for target in row["target"].split("|"):
                label = f"{row['name']}\\n({', '.join(row['roles'])})"
                lines.append(f'  {source} -> {target} [label="{label}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Prints the application workflow as implemented: --json (the transition table) or --dot (Graphviz)."

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--json", action="store_true", help="the transition table as a JSON array")
        group.add_argument("--dot", action="store_true", help="the state machine as a Graphviz DOT graph")

    def handle(self, *args, **options) -> None:
        rows = workflow_rows()
        if options["dot"]:
            self.stdout.write(workflow_dot(rows), ending="")
        elif options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            raise CommandError("Choose --json or --dot.")
