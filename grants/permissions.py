"""Who may nominate, read nominations and grants, and manage the rate tables."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.roles import Role, has_role
from applications.models import Application, Call
from applications.permissions import can_edit_call, can_view_application, can_view_calls


def can_nominate(user: User | AnonymousUser, call: Call) -> bool:
    """Nominate a call's participants to its partners: whoever manages the call."""
    return can_edit_call(user, call)


def can_view_nominations(user: User | AnonymousUser) -> bool:
    """A call's, a partner's or an agreement's nominations: the office's staff who read calls."""
    return can_view_calls(user)


def can_manage_rates(user: User | AnonymousUser) -> bool:
    """The grant rate tables and country groups: the prorector's office and the administrators."""
    return user.is_authenticated and has_role(user, Role.PRORECTOR, Role.ADMIN)


def can_view_grant(user: User | AnonymousUser, application: Application) -> bool:
    """An application's grant: whoever may see the application (the participant included)."""
    return can_view_application(user, application)
