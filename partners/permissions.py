"""Who may see and change the partner registry. Shared by selectors, services, pages and API; the
agreement pages use `can_read_partners` too, as "is one of the office's staff"."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.roles import Role, has_role

STAFF_ROLES = (Role.COORDINATOR, Role.HEAD, Role.PRORECTOR, Role.AUDITOR, Role.ADMIN, Role.STAFF)


def can_read_partners(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and has_role(user, *STAFF_ROLES)


def can_manage_partners(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and has_role(user, Role.COORDINATOR, Role.ADMIN)
