"""Where a person stands in the self-check: the pages their answers lead through, the first one still to answer,
the cleaned answers of the pages that count, and the rows of the check-your-answers page.

Answers live in the session as posted (no personal data in URLs); answers of a page that has left the sequence
(an honour kind unticked, a role changed) are kept but no longer count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eligibility.engine import evaluate as engine_evaluate
from eligibility.forms import UNIT_SUFFIX, UNITS, SelfCheckPageForm
from eligibility.profile import parse_profile
from eligibility.selectors import catalogue_published
from eligibility.selfcheck import (
    CASE_BY_CASE_PAGE,
    HONOUR_PREFIX,
    NO,
    Page,
    selfcheck_blocked,
    selfcheck_pages,
    selfcheck_profile,
)

__all__ = ["Progress", "questionnaire_progress", "questionnaire_rows"]


@dataclass
class Progress:
    """The pages in order, the first page not yet answered validly (None: all answered), and the cleaned answers."""

    pages: list[Page]
    incomplete: Page | None
    cleaned: dict[str, Any] = field(default_factory=dict)
    forms: dict[str, SelfCheckPageForm] = field(default_factory=dict)

    def page(self, slug: str) -> Page | None:
        return next((page for page in self.pages if page.slug == slug), None)

    def previous(self, slug: str) -> Page | None:
        slugs = [page.slug for page in self.pages]
        index = slugs.index(slug) if slug in slugs else 0
        return self.pages[index - 1] if index > 0 else None


def _certain_tier(cleaned: dict[str, Any], *, today: date) -> str | None:
    """The tier the answers give for certain ("not sure" counted as no)."""
    catalogue = catalogue_published()
    profile, _unknown = selfcheck_profile(cleaned)
    parsed = parse_profile(profile, today=today, known_honours=catalogue.honour_codes)
    return engine_evaluate(parsed, catalogue=catalogue).tier


def questionnaire_progress(answers: dict[str, Any], *, today: date) -> Progress:
    """Validate the stored answers page by page along the sequence they lead through.

    Case by case (第三条（四）) is asked last, and only when no card is certain: for anyone else it cannot matter.
    """
    progress = Progress(pages=selfcheck_pages(answers), incomplete=None)
    for page in list(progress.pages):
        if not _check_page(progress, page, answers):
            return progress
    if not selfcheck_blocked(answers) and _certain_tier(progress.cleaned, today=today) is None:
        progress.pages.append(CASE_BY_CASE_PAGE)
        _check_page(progress, CASE_BY_CASE_PAGE, answers)
    return progress


def _check_page(progress: Progress, page: Page, answers: dict[str, Any]) -> bool:
    form = SelfCheckPageForm(answers, page=page)
    progress.forms[page.slug] = form
    if not form.is_valid():
        progress.incomplete = page
        return False
    progress.cleaned.update(form.cleaned_data)
    return True


def _answer_text(form: SelfCheckPageForm, name: str, answers: dict[str, Any]) -> str:
    """One answer as the person chose or typed it."""
    bound = form[name]
    value = answers.get(name)
    if name in form.money_names:
        return f"{value} {dict(UNITS).get(answers.get(name + UNIT_SUFFIX), '')}".strip()
    if isinstance(bound.field, forms.MultipleChoiceField):
        labels = dict(bound.field.choices)
        return "、".join(str(labels[item]) for item in value or [] if item in labels)
    if isinstance(bound.field, forms.ChoiceField):
        return str(dict(bound.field.choices).get(value, value))
    return str(value)


def questionnaire_rows(progress: Progress, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The check-your-answers page: each page's questions and answers; an honour list shows what is not "no"."""
    sections = []
    for page in progress.pages:
        form = progress.forms[page.slug]
        rows = []
        for name in form.fields:
            if name.endswith(UNIT_SUFFIX):
                continue
            if name.startswith(HONOUR_PREFIX) and answers.get(name) == NO:
                continue
            rows.append({"question": form[name].label, "answer": _answer_text(form, name, answers)})
        if page.honour_group and not rows:
            rows.append({"question": _("Honours in this list"), "answer": _("None held")})
        sections.append({"page": page, "rows": rows})
    return sections
