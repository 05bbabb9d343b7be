"""`{% selection_rules call as published %}`: a competitive call's published rules and criteria, for the call
pages' include (selection/_call_criteria.html), read through the selection's selectors."""

from django import template

from applications.models import SelectionMode
from selection.selectors import call_criteria, selection_settings_of

register = template.Library()


@register.simple_tag
def selection_rules(call) -> dict:
    if call is None or getattr(call, "selection_mode", "") != SelectionMode.COMPETITIVE:
        return {"settings": None, "criteria": []}
    return {"settings": selection_settings_of(call=call), "criteria": call_criteria(call=call)}


@register.simple_tag(takes_context=True)
def application_selection_of(context, application) -> dict | None:
    """The selection outcome of an application for its page (selection/_application.html): the last selection
    line with its reasons, the live offer, the appeal, and whether the viewer may appeal now."""
    from selection.results import explanation_texts
    from selection.selectors import application_selection

    user = context.get("user")
    found = application_selection(application=application, user=user) if application is not None else None
    if found is not None:
        found["reasons"] = explanation_texts({"explanations": found["event"].data.get("reasons", [])})
    return found
