"""Form helpers every page shares: a service's ValidationError shown on the form, a page's POST that calls one
service, and the rows of a formset to keep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from core.errors import Conflict


def add_service_errors(form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has it
    (or an alias of it), otherwise at the top of the form."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, texts in error.message_dict.items():
        field = aliases.get(field, field)
        form.add_error(field if field in form.fields and field != NON_FIELD_ERRORS else None, texts)


def service_post(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[], Any],
    *,
    back: Any,
    success: str | Callable[[Any], str],
    done: Any = None,
    aliases: dict[str, str] | None = None,
) -> HttpResponse | None:
    """A page's POST of `form` that calls one service (`action()`, when the form is valid): done → its success
    message (a text, or made from the service's result) and a redirect to `done` (default `back`); a Conflict
    (decided meanwhile, a closed case...) → its message and back to `back`, nothing lost but the stale form. None
    when the form or the service refused the input (its ValidationError is put on the form): the caller renders
    the page again with the form, status 400."""
    if not form.is_valid():
        return None
    try:
        result = action()
    except ValidationError as error:
        add_service_errors(form, error, aliases)
        return None
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return redirect(back)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(done if done is not None else back)


def kept_forms(formset: forms.BaseFormSet) -> list[forms.Form]:
    """The rows to keep, in order: existing ones not marked for removal, and new ones that were filled in."""
    return [
        form
        for index, form in enumerate(formset.forms)
        if not formset._should_delete_form(form) and (index < formset.initial_form_count() or form.has_changed())
    ]
