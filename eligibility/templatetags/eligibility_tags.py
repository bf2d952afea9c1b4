"""Template helpers of the eligibility pages."""

from __future__ import annotations

from django import template

from baiyun_talent.i18n import in_active_language
from eligibility.selectors import policy_named

register = template.Library()


@register.filter
def policy_title(code: str) -> str:
    """A policy version named by its title in the active language, as people know it; its code if it is unknown."""
    found = policy_named(code) if code else None
    return in_active_language(found.title_zh, found.title_en) if found else code
