"""Form helpers every page shares: a service's ValidationError shown on the form, a page's POST that calls one
service, the rows of a formset to keep, and the form renderer (selects written without a template per option)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

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


# Django's own templates of a select and of its options, which FormRenderer writes in Python.
SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


class FormRenderer(DjangoTemplates):
    """Django's form renderer (settings.FORM_RENDERER), except that a select drawn with Django's own templates is
    written here, byte for byte what those templates write: they render a template per option, and the filters of
    the inbox and of the case lists, with their hundreds of calls and partners, spent about 8 ms of a page on it."""

    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            html = select_html(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)


def _html_attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _plain_text(value: Any) -> bool:
    """A label the template would print as it is (a number or a date would be localized: left to the template)."""
    return isinstance(value, str | Promise)


def select_html(widget: dict[str, Any]) -> SafeString | None:
    """A select widget's context (Select.get_context()["widget"]) as Django's select.html and select_option.html
    write it; None when an option uses another template or a label is not text (the template then renders it)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_html_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            if not _plain_text(group_name):
                return None
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE or not _plain_text(option["label"]):
                return None
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_html_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))
