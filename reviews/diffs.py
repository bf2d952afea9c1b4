"""What changed between two submitted versions of an application: its fields and, per item, its files."""

import json
from dataclasses import dataclass

from accounts.models import Employer
from applications.identity import DocumentType, mask_identity_number
from applications.models import Application, Kind, Material, Submission, Tier
from applications.services import material_label


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class MaterialChange:
    item: str
    label: str
    added: tuple[Material, ...]
    removed: tuple[Material, ...]

    @property
    def replaced(self) -> bool:
        return bool(self.added and self.removed)


@dataclass(frozen=True)
class SubmissionChanges:
    previous: Submission
    current: Submission
    fields: list[FieldChange]
    materials: list[MaterialChange]


def _display(field_name: str, value, employers: dict[int, Employer]) -> str:
    from django.utils.translation import gettext

    if value is None or value == "":
        return "—"
    if field_name == "document_number":
        return mask_identity_number(value)  # the full number never reaches a page
    if field_name == "employer_id":
        employer = employers.get(value)
        return employer.display_name if employer else str(value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    choices = {"document_type": DocumentType, "requested_tier": Tier, "kind": Kind}
    if field_name in choices:
        try:
            return str(choices[field_name](value).label)
        except ValueError:
            return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _field_label(field_name: str) -> str:
    name = "employer" if field_name == "employer_id" else field_name
    try:
        return str(Application._meta.get_field(name).verbose_name)
    except Exception:
        return field_name


def submission_changes(*, previous: Submission, current: Submission) -> SubmissionChanges:
    """What changed between two submitted versions: the fields, and per checklist item the files added or removed."""
    keys = [
        key for key in dict.fromkeys([*previous.data, *current.data]) if previous.data.get(key) != current.data.get(key)
    ]
    employer_ids = {
        value
        for key in keys
        if key == "employer_id"
        for value in (previous.data.get(key), current.data.get(key))
        if value
    }
    employers = Employer.objects.in_bulk(employer_ids) if employer_ids else {}
    fields = [
        FieldChange(
            field=key,
            label=_field_label(key),
            before=_display(key, previous.data.get(key), employers),
            after=_display(key, current.data.get(key), employers),
        )
        for key in keys
    ]
    before: dict[str, set[Material]] = {}
    after: dict[str, set[Material]] = {}
    for material in previous.materials.all():
        before.setdefault(material.item, set()).add(material)
    for material in current.materials.all():
        after.setdefault(material.item, set()).add(material)
    materials = []
    for item in sorted(set(before) | set(after)):
        added = after.get(item, set()) - before.get(item, set())
        removed = before.get(item, set()) - after.get(item, set())
        if added or removed:
            materials.append(
                MaterialChange(
                    item=item,
                    label=material_label(item)[0],
                    added=tuple(sorted(added, key=lambda material: material.pk)),
                    removed=tuple(sorted(removed, key=lambda material: material.pk)),
                )
            )
    return SubmissionChanges(previous=previous, current=current, fields=fields, materials=materials)
