"""The self-check's question pages as server-rendered forms: nothing pre-filled, every question answered, what was
typed kept on an error; works without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eligibility.fields import profile_field
from eligibility.profile import BOOL, DATE, MONEY
from eligibility.selfcheck import (
    FOUNDED,
    HONOUR_KINDS,
    HONOUR_PREFIX,
    NO,
    NONE_CHOICE,
    NONE_KIND,
    UNSURE,
    YES,
    Page,
    honour_groups,
    money_to_yuan,
)

__all__ = ["ANSWERS", "UNIT_SUFFIX", "SelfCheckPageForm"]

ANSWERS = ((YES, _("Yes")), (NO, _("No")), (UNSURE, _("Not sure")))
UNIT_SUFFIX = "__unit"
UNITS = (("wan", _("万元 (ten thousand yuan)")), ("yuan", _("元 (yuan)")))
# Money in the profile is integer yuan; in 万元 four decimals are still whole yuan.
MONEY_DECIMALS = 4
CHOOSE_AN_ANSWER = _("Choose “Yes”, “No” or “Not sure”.")


class AnswerSelect(forms.RadioSelect):
    """Yes / no / not sure, laid out on one line."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "answer-choices", **(attrs or {})})


def _answer_field(label: Any, help_text: Any = "") -> forms.ChoiceField:
    """A yes/no question that may be answered "not sure"; unanswered is an error, never a silent "no"."""
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=ANSWERS,
        widget=AnswerSelect,
        error_messages={"required": CHOOSE_AN_ANSWER},
    )


def _registry_field(path: str) -> forms.Field:
    """The form field asking one profile field, worded as the registry words it."""
    field = profile_field(path)
    if field.kind == BOOL:
        return _answer_field(field.label, field.help)
    if field.kind == MONEY:
        return forms.DecimalField(
            label=field.label,
            help_text=field.help,
            min_value=0,
            max_digits=18,
            decimal_places=MONEY_DECIMALS,
            error_messages={
                "required": _("Give the amount; 0 if there is none."),
                "max_decimal_places": _("In 万元 give at most 4 decimals (whole yuan)."),
            },
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "class": "money-amount"}),
        )
    if field.kind == DATE:
        return forms.DateField(
            label=field.label,
            help_text=field.help,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"required": _("Give the date.")},
        )
    choices = list(field.choices) + ([(NONE_CHOICE, field.none_label)] if field.none_label else [])
    return forms.ChoiceField(
        label=field.label,
        help_text=field.help,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the answers.")},
    )


class SelfCheckPageForm(forms.Form):
    """The questions of one page of the self-check."""

    def __init__(self, *args: Any, page: Page, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.page = page
        self.money_names: list[str] = []
        for path in page.paths:
            if path == HONOUR_KINDS:
                groups = [(slug, title) for slug, title, members in honour_groups() if members]
                self.fields[HONOUR_KINDS] = forms.MultipleChoiceField(
                    label=_("Which of these do you hold, or might hold?"),
                    help_text=_("Tick every kind that applies, or “None of these”."),
                    choices=[*groups, (NONE_KIND, _("None of these"))],
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"required": _("Tick at least one, or “None of these”.")},
                )
            elif path == FOUNDED:
                self.fields[FOUNDED] = _answer_field(_("Did you found an enterprise in Baiyun District?"))
            else:
                name = path.replace(".", "__")
                self.fields[name] = _registry_field(path)
                if profile_field(path).kind == MONEY:
                    self.money_names.append(name)
                    self.fields[name + UNIT_SUFFIX] = forms.ChoiceField(
                        label=_("Unit of the amount"), choices=UNITS, initial="wan", widget=forms.Select
                    )
        if page.honour_group:
            members = next(members for slug, _title, members in honour_groups() if slug == page.honour_group)
            for code, label in members:
                self.fields[f"{HONOUR_PREFIX}{code}"] = _answer_field(label)

    def clean(self) -> dict[str, Any]:
        """Amounts in 万元 or 元 become integer yuan, as the profile counts money; "none" stands alone."""
        cleaned = super().clean()
        kinds = cleaned.get(HONOUR_KINDS)
        if kinds and NONE_KIND in kinds and len(kinds) > 1:
            self.add_error(HONOUR_KINDS, _("“None of these” cannot be ticked with another kind."))
        for name in self.money_names:
            if cleaned.get(name) is None or (name + UNIT_SUFFIX) not in cleaned:
                continue
            yuan = money_to_yuan(cleaned[name], cleaned[name + UNIT_SUFFIX])
            if yuan is None:
                self.add_error(name, _("The amount must come to a whole number of yuan."))
            else:
                cleaned[name] = yuan
        return cleaned

    def rows(self) -> list[dict[str, Any]]:
        """The questions as bound fields, money amounts paired with their unit."""
        return [
            {"field": self[name], "unit": self[name + UNIT_SUFFIX] if name in self.money_names else None}
            for name in self.fields
            if not name.endswith(UNIT_SUFFIX)
        ]

    def submitted(self, data: Any) -> dict[str, Any]:
        """This page's raw answers from the posted data, as the session keeps them."""
        out: dict[str, Any] = {}
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField):
                out[name] = data.getlist(name)
            elif name in data:
                out[name] = data[name]
        return out
