"""The self-check questionnaire as one server-rendered form: works without JavaScript, keeps what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eligibility.profile import BOOL, CHOICE, DATE, FIELDS, INTEGER, MONEY
from eligibility.selfcheck import HONOUR_PREFIX, NO, STEPS, UNSURE, YES, Question, honour_groups, money_to_yuan

__all__ = ["SelfCheckForm"]

ANSWERS = ((YES, _("Yes")), (NO, _("No")), (UNSURE, _("Not sure")))
UNIT_SUFFIX = "__unit"
UNITS = (("wan", _("万元 (ten thousand yuan)")), ("yuan", _("元 (yuan)")))
# Money in the profile is integer yuan; in 万元 four decimals are still whole yuan.
MONEY_DECIMALS = 4
NONE_LABELS = {
    "education.university": _("Not applicable"),
    "enterprise.incubator_level": _("No"),
    "enterprise.agri_leader_level": _("No"),
    "enterprise.contest_level": _("No"),
    "enterprise.contest_place": _("No prize"),
    "enterprise.core_technology_stage": _("Neither, or not applicable"),
}


class AnswerSelect(forms.RadioSelect):
    """Yes / no / not sure, laid out on one line."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "answer-choices", **(attrs or {})})


def _answer_field(label: Any, help_text: Any = "") -> forms.ChoiceField:
    """A yes/no question that may be answered "not sure"."""
    return forms.ChoiceField(label=label, help_text=help_text, choices=ANSWERS, initial=NO, widget=AnswerSelect)


def _question_field(question: Question) -> forms.Field:
    """The form field asking one question, by the kind of its profile field."""
    kind = FIELDS[question.path].kind
    if kind == BOOL:
        return _answer_field(question.label, question.help_text)
    if kind == MONEY:
        return forms.DecimalField(
            label=question.label,
            help_text=question.help_text,
            required=False,
            min_value=0,
            max_digits=18,
            decimal_places=MONEY_DECIMALS,
            error_messages={"max_decimal_places": _("In 万元 give at most 4 decimals (whole yuan).")},
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "class": "money-amount"}),
        )
    if kind == DATE:
        return forms.DateField(
            label=question.label,
            help_text=question.help_text,
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
    if kind in (CHOICE, INTEGER):
        none_label = NONE_LABELS.get(question.path)
        choices = ([("", none_label)] if none_label else []) + list(question.choices)
        return forms.ChoiceField(
            label=question.label,
            help_text=question.help_text,
            choices=choices,
            required=none_label is None,
            initial="" if none_label else "none",
            widget=forms.RadioSelect,
        )
    raise ValueError(kind)  # pragma: no cover - FIELDS knows no other kind


class SelfCheckForm(forms.Form):
    """Every question of the self-check; steps and honour groups are exposed for the template."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for step in STEPS:
            for question in step.questions:
                self.fields[question.name] = _question_field(question)
                if FIELDS[question.path].kind == MONEY:
                    self.fields[question.name + UNIT_SUFFIX] = forms.ChoiceField(
                        label=_("Unit"), choices=UNITS, initial="wan", widget=forms.Select
                    )
        self.honour_field_groups = []
        for title, members in honour_groups():
            names = []
            for code, label in members:
                name = f"{HONOUR_PREFIX}{code}"
                self.fields[name] = _answer_field(label)
                names.append(name)
            self.honour_field_groups.append((title, names))

    def clean(self) -> dict[str, Any]:
        """Amounts in 万元 or 元 become integer yuan, as the profile counts money."""
        cleaned = super().clean()
        for path, spec in FIELDS.items():
            if spec.kind != MONEY:
                continue
            name = path.replace(".", "__")
            if name not in cleaned or (name + UNIT_SUFFIX) not in cleaned:
                continue
            yuan = money_to_yuan(cleaned[name], cleaned[name + UNIT_SUFFIX])
            if yuan is None:
                self.add_error(name, _("The amount must come to a whole number of yuan."))
            else:
                cleaned[name] = yuan
        return cleaned

    def steps(self) -> list[dict[str, Any]]:
        """The questions of each step as bound fields, money amounts paired with their unit."""
        out = []
        for step in STEPS:
            rows = []
            for question in step.questions:
                unit = self[question.name + UNIT_SUFFIX] if question.name + UNIT_SUFFIX in self.fields else None
                rows.append({"field": self[question.name], "unit": unit})
            groups = []
            if step.slug == "honours":
                groups = [(title, [self[name] for name in names]) for title, names in self.honour_field_groups]
            out.append({"slug": step.slug, "title": step.title, "intro": step.intro, "rows": rows, "groups": groups})
        return out
