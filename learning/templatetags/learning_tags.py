"""The learning agreement's slot on an application's page: its agreement, or the button that starts one."""

from django import template

from learning.models import LearningAgreement
from learning.permissions import can_start_la, can_view_la

register = template.Library()


@register.simple_tag(takes_context=True)
def application_learning_agreement(context, application) -> dict:
    user = context["request"].user
    agreement = LearningAgreement.objects.filter(application=application).select_related("current_version").first()
    if agreement is not None:
        return {"agreement": agreement if can_view_la(user, agreement) else None, "may_start": False}
    return {"agreement": None, "may_start": can_start_la(user, application)}
