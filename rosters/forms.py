"""Forms of the roster pages: the upload, the confirmation, the invitee's consent with corrections, the lists."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from applications.forms import DateInput
from eligibility.catalogue import Policy
from eligibility.profile import BOOL, CHOICE, DATE, INTEGER, MONEY
from rosters.columns import COLUMNS, HONOURS, Column
from rosters.models import ListKind

# The person's fields an invitee may correct; the identity number is checked on the application's identity step.
CORRECTABLE_PERSON = ("full_name", "mobile", "email", "job_title")


def _english() -> bool:
    return (get_language() or "").startswith("en")


class RosterUploadForm(forms.Form):
    employer = forms.ModelChoiceField(queryset=None, label=_("Employer"), empty_label=None)
    file = forms.FileField(
        label=_("Roster (.xlsx, filled in from the template)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, employers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not (file.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("Upload the roster as an Excel workbook (.xlsx) made from the template."), code="not_xlsx"
            )
        return file


class DepartmentListForm(forms.Form):
    department = forms.ModelChoiceField(queryset=None, label=_("Industry department"), empty_label=None)
    kind = forms.ChoiceField(label=_("List"), choices=ListKind.choices)
    year = forms.IntegerField(label=_("The year the list holds for"), min_value=2021, max_value=2100)
    file = forms.FileField(label=_("List (.xlsx or .csv; column A 统一社会信用代码, column B 企业名称)"))

    def __init__(self, *args, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["year"].initial = timezone.localdate().year


def _yes_no_field(column: Column) -> forms.Field:
    return forms.TypedChoiceField(
        label=column.heading(english=_english()),
        required=False,
        choices=[("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))],
    )


def _column_field(column: Column, *, policy: Policy | None) -> forms.Field:
    label = column.heading(english=_english())
    if column.kind == BOOL:
        return _yes_no_field(column)
    if column.kind == CHOICE:
        english = _english()
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", _("Not known")), *[(value, en if english else zh) for value, zh, en in column.choices]],
        )
    if column.kind == MONEY:
        return forms.IntegerField(label=label, required=False, min_value=0)
    if column.kind == INTEGER:
        return forms.IntegerField(label=label, required=False, min_value=1, max_value=3)
    if column.kind == DATE:
        return forms.DateField(label=label, required=False, widget=DateInput())
    if column.kind == HONOURS:
        english = _english()
        honours = [(honour.code, honour.en if english else honour.zh) for honour in policy.honours] if policy else []
        return forms.MultipleChoiceField(
            label=label, required=False, choices=honours, widget=forms.CheckboxSelectMultiple
        )
    return forms.CharField(label=label, required=column.required, max_length=100)


def field_name(key: str) -> str:
    return key.replace(".", "__")


class ConsentForm(forms.Form):
    """The employer's statement, correctable, and the consent to its use (PIPL 第十四条: informed, explicit)."""

    consent = forms.BooleanField(
        label=_("I consent to the use of this information for my application, as described above."), required=True
    )

    def __init__(self, *args, statement: dict, policy: Policy | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.columns: list[Column] = []
        initial: dict[str, object] = {}
        for column in COLUMNS:
            if column.key == "document_number":
                continue
            if not column.is_profile and column.key not in CORRECTABLE_PERSON:
                continue
            name = field_name(column.key)
            field = _column_field(column, policy=policy)
            if column.key in ("mobile", "email"):
                field = forms.CharField(label=field.label, required=False, max_length=254)
            self.fields[name] = field
            self.columns.append(column)
            initial[name] = _initial(column, statement)
        # The consent comes last.
        self.fields["consent"] = self.fields.pop("consent")
        self.initial = {**initial, **self.initial}

    def profile_fields(self):
        return [self[field_name(column.key)] for column in self.columns if column.is_profile]

    def person_fields(self):
        return [self[field_name(column.key)] for column in self.columns if not column.is_profile]

    def statement(self) -> dict:
        """The corrected statement, shaped as rosters.services.invitation_statement returns it."""
        person: dict[str, str] = {}
        profile: dict = {}
        for column in self.columns:
            value = self.cleaned_data.get(field_name(column.key))
            if not column.is_profile:
                person[column.key] = value or ""
                continue
            if column.key == HONOURS:
                profile["honours"] = list(value or [])
                continue
            if value in (None, ""):
                continue
            if column.kind == BOOL:
                value = value == "yes"
            elif column.kind == DATE and isinstance(value, date):
                value = value.isoformat()
            section, _dot, name = column.key.rpartition(".")
            if section:
                profile.setdefault(section, {})[name] = value
            else:
                profile[name] = value
        return {"person": person, "profile": profile}


def _initial(column: Column, statement: dict) -> object:
    if not column.is_profile:
        return statement["person"].get(column.key, "")
    profile = statement["profile"]
    if column.key == HONOURS:
        return list(profile.get("honours", []))
    section, _dot, name = column.key.rpartition(".")
    value = (profile.get(section) or {}).get(name) if section else profile.get(name)
    if column.kind == BOOL:
        return "" if value is None else ("yes" if value else "no")
    return "" if value is None else value
