"""What an "updated" timeline line records and shows: each changed field with its old and new value, as text
(the line is append-only, so it keeps the values as they read when the change was made)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst


def change_value(value: Any) -> str:
    """A field's value as the timeline keeps it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(change_value(v) for v in value)
    return str(value)


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """{field: {"old": …, "new": …}} for each field whose value differs (compared as the timeline shows them)."""
    changes = {}
    for name, new in after.items():
        old_text, new_text = change_value(before.get(name)), change_value(new)
        if old_text != new_text:
            changes[name] = {"old": old_text, "new": new_text}
    return changes


def change_rows(
    model: type[models.Model], data: Mapping[str, Any], labels: Mapping[str, Any] | None = None
) -> list[dict[str, str]]:
    """The changes an event's data records, for a page: [{"field", "label", "old", "new"}] (label: the field's name
    in the reader's language)."""
    rows = []
    changes: Iterable[tuple[str, Mapping[str, str]]] = (data.get("changes") or {}).items()
    for name, change in changes:
        if labels and name in labels:
            label = str(labels[name])
        else:
            try:
                label = str(capfirst(model._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:
                label = name
        rows.append({"field": name, "label": label, "old": change.get("old", ""), "new": change.get("new", "")})
    return rows
