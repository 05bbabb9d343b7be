"""Who may change what about people: an approver names their own deputy, an administrator names one for anyone
(when the approver is ill); only approvers are deputised and only approvers stand in."""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.roles import APPROVER_ROLES, Role, has_role
from accounts.selectors import absent_principals


def is_approver(user: User | AnonymousUser) -> bool:
    """Holds a role that decides steps of cases (coordinator, head, prorector)."""
    return user.is_authenticated and user.is_active and has_role(user, *APPROVER_ROLES)


def can_manage_deputies(actor: User | AnonymousUser, principal: User) -> bool:
    """May `actor` name or end deputies of `principal`? The approver themselves, or an administrator."""
    if not actor.is_authenticated or not is_approver(principal):
        return False
    return actor.pk == principal.pk or has_role(actor, Role.ADMIN) or bool(actor.is_superuser)


def seen_as_deputy(user: User | AnonymousUser, sees: Callable[[User], bool]) -> bool:
    """Does an approver this user stands in for today see it (`sees(approver)`, by the approver's own rights)? A
    deputy sees what they act on. The approvers come with no deputyships of their own loaded, so `sees` never
    reaches further down a chain."""
    return any(sees(principal) for principal in absent_principals(deputy=user))
