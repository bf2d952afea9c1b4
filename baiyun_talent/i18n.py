"""The portal speaks Simplified Chinese by default and English on request; catalogue data carries both."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language

__all__ = ["chinese_active", "in_active_language"]


def chinese_active() -> bool:
    """Whether the active language is Chinese; with no active language the portal's default (Chinese) holds."""
    return (get_language() or settings.LANGUAGE_CODE).startswith("zh")


def in_active_language(zh: str, en: str) -> str:
    """The Chinese or the English text, by the active language."""
    return zh if chinese_active() else en
