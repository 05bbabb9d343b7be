"""Text kept in both languages (the action plan's fields `<name>_az` and `<name>_en`): the one of the language in
use, or the other when it is empty."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def in_language(obj: Any, name: str, language: str | None = None) -> str:
    code = (language or get_language() or "en")[:2]
    first, second = ("az", "en") if code == "az" else ("en", "az")
    return str(getattr(obj, f"{name}_{first}", "") or getattr(obj, f"{name}_{second}", "") or "")
