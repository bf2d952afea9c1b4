"""The services' catalogue file (benefits/catalogue/<policy>.yaml) loaded into the database, where the admin edits it.

Loading creates what is missing and leaves what exists alone, so an edit made in the admin survives a reload; it is
called by the catalogue's migration (with the migration's historical models) and by `manage.py benefits catalogue`.
"""

from functools import cache
from pathlib import Path

import yaml
from django.apps import apps as django_apps

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
POLICY = "baiyun-2021"
ITEM_KINDS = {"materials": "material", "steps": "step", "offers": "offer", "notes": "note"}


@cache
def catalogue_file(policy: str = POLICY) -> dict:
    """The catalogue of one policy version as written in its file."""
    with (CATALOGUE_DIR / f"{policy}.yaml").open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def catalogue_load(*, policy: str = POLICY, apps=django_apps, link_desks: bool = True) -> int:
    """Creates the services of `policy` that are not in the database yet and (with `link_desks`) links each to the
    desks of its 承办部门 that exist; returns the number of services created."""
    Service = apps.get_model("benefits", "Service")
    ServiceDepartment = apps.get_model("benefits", "ServiceDepartment")
    ServiceItem = apps.get_model("benefits", "ServiceItem")
    ServiceLine = apps.get_model("benefits", "ServiceLine")
    ServicePoint = apps.get_model("benefits", "ServicePoint")
    Quota = apps.get_model("benefits", "Quota")
    ServiceDesk = apps.get_model("accounts", "ServiceDesk")
    desks = {desk.code: desk for desk in ServiceDesk.objects.all()}
    created = 0
    for entry in catalogue_file(policy)["services"]:
        service, is_new = Service.objects.get_or_create(
            policy=policy,
            number=entry["number"],
            defaults={
                "zh": entry["zh"],
                "en": entry["en"],
                "content_zh": entry["content"]["zh"],
                "content_en": entry["content"]["en"],
                "details_zh": entry.get("details", {}).get("zh", ""),
                "details_en": entry.get("details", {}).get("en", ""),
            },
        )
        if is_new:
            created += 1
            for key, kind in ITEM_KINDS.items():
                ServiceItem.objects.bulk_create(
                    ServiceItem(service=service, kind=kind, position=position, zh=item["zh"], en=item["en"])
                    for position, item in enumerate(entry.get(key, []))
                )
            ServiceLine.objects.bulk_create(
                ServiceLine(service=service, position=position, zh=line["zh"], en=line["en"], phone=line["phone"])
                for position, line in enumerate(entry.get("lines", []))
            )
            points = {}
            for position, point in enumerate(entry.get("points", [])):
                points[point["code"]] = ServicePoint.objects.create(
                    service=service,
                    code=point["code"],
                    zh=point["zh"],
                    en=point["en"],
                    desk=desks.get(point["desk"]),
                    booked=point.get("booked", False),
                    position=position,
                )
            for quota in entry.get("quotas", []):
                Quota.objects.create(
                    service=service,
                    point=points.get(quota.get("point")),
                    period=quota["period"],
                    uses=quota["uses"],
                    minutes=quota.get("minutes"),
                    group=quota["group"],
                )
        for position, code in enumerate(entry.get("departments", [])):
            if link_desks and code in desks:
                ServiceDepartment.objects.get_or_create(
                    service=service, desk=desks[code], defaults={"position": position}
                )
        for point in entry.get("points", []):
            if point["desk"] in desks:
                ServicePoint.objects.filter(service=service, code=point["code"], desk__isnull=True).update(
                    desk=desks[point["desk"]]
                )
    return created
