"""Form helpers every page shares: a service's ValidationError shown on the form, and the rows of a
formset to keep."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has it
    (or an alias of it), otherwise at the top of the form."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        field = aliases.get(field, field)
        form.add_error(field if field in form.fields and field != NON_FIELD_ERRORS else None, messages)


def kept_forms(formset: forms.BaseFormSet) -> list[forms.Form]:
    """The rows to keep, in order: existing ones not marked for removal, and new ones that were filled in."""
    return [
        form
        for index, form in enumerate(formset.forms)
        if not formset._should_delete_form(form) and (index < formset.initial_form_count() or form.has_changed())
    ]
