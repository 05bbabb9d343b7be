"""Template tags of the includes other apps' pages carry: a partner's or an agreement's nominations
(grants/_nominations.html) and an application's grant (grants/_application.html), read through the selectors and
shown only to whom the predicates allow."""

from django import template

from grants.permissions import can_view_grant, can_view_nominations
from grants.selectors import grant_of, nominations_of_agreement, nominations_of_partner

register = template.Library()


@register.simple_tag(takes_context=True)
def partner_nominations(context, partner) -> list:
    user = context.get("user")
    if partner is None or user is None or not can_view_nominations(user):
        return []
    return list(nominations_of_partner(partner=partner))


@register.simple_tag(takes_context=True)
def agreement_nominations(context, agreement) -> list:
    user = context.get("user")
    if agreement is None or user is None or not can_view_nominations(user):
        return []
    return list(nominations_of_agreement(agreement=agreement))


@register.simple_tag(takes_context=True)
def application_grant(context, application):
    user = context.get("user")
    if application is None or user is None or not can_view_grant(user, application):
        return None
    return grant_of(application=application)
