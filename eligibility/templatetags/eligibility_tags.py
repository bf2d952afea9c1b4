"""Template helpers of the eligibility pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from baiyun_talent.i18n import in_active_language
from eligibility.selectors import policy_named

register = template.Library()


@register.filter
def policy_title(code: str) -> str:
    """A policy version named by its title in the active language, as people know it; its code if it is unknown."""
    found = policy_named(code) if code else None
    return in_active_language(found.title_zh, found.title_en) if found else code


@register.simple_tag
def error_line(label: object, error: object) -> str:
    """A line of the error summary: the question and what is wrong, with a colon only where no ？ ends the label."""
    label, error = str(label), str(error)
    if label.endswith(("？", "?")):
        return f"{label} {error}"
    return (_("%(label)s: %(error)s") % {"label": label, "error": error}) if label else error
