"""The template tag of the includes other apps' pages carry: the incoming counts of an agreement or a partner
(incoming/_counts.html), read through the selector and shown only to whom the predicate allows."""

from django import template
from django.utils.translation import gettext_lazy as _

from incoming.models import IncomingTerm, Level
from incoming.permissions import can_list_incoming
from incoming.selectors import incoming_counts

register = template.Library()

LABELS = {
    "partner": _("Partner"),
    "country": _("Country"),
    "department": _("Department"),
    "level": _("Level"),
    "term": _("Term"),
}


@register.simple_tag(takes_context=True)
def incoming_counts_for(context, agreement=None, partner=None) -> list:
    """[(group, label, rows)], or [] when the user may not read the counts or there is nothing to count."""
    user = context.get("user")
    if user is None or not can_list_incoming(user) or (agreement is None and partner is None):
        return []
    counts = incoming_counts(
        agreement_id=agreement.pk if agreement is not None else None,
        partner_id=partner.pk if partner is not None else None,
    )
    if not counts["partner"]:
        return []
    shown = {"level": dict(Level.choices), "term": dict(IncomingTerm.choices)}
    result = []
    for group, label in LABELS.items():
        names = shown.get(group, {})
        rows = [{**row, "value": names.get(row["value"], row["value"])} for row in counts[group]]
        result.append((group, label, rows))
    return result
