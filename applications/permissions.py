"""Who may see and change a mobility application. Shared by selectors, views, API and flow."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import seen_as_deputy
from accounts.roles import Role, has_role, user_department_ids
from applications.models import Application, Call

# Roles that read every case in every department.
ALL_CASES_ROLES = (Role.PRORECTOR, Role.AUDITOR, Role.ADMIN)
# Roles that read the cases of their own departments.
DEPARTMENT_ROLES = (Role.COORDINATOR, Role.HEAD)


def can_view_application(user: User | AnonymousUser, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    if application.applicant_id == user.pk:
        return True
    if has_role(user, *ALL_CASES_ROLES):
        return True
    if has_role(user, *DEPARTMENT_ROLES):
        # Drafts are the applicant's own until submitted.
        if application.status != "draft" and application.department_id in user_department_ids(user):
            return True
    # A deputy sees what the approver they stand in for sees.
    return seen_as_deputy(user, lambda principal: can_view_application(principal, application))


def can_edit_application(user: User | AnonymousUser, application: Application) -> bool:
    """Only the applicant, and only while the case is a draft or sent back to them."""
    return user.is_authenticated and application.applicant_id == user.pk and application.is_editable


def can_apply(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.STUDENT, Role.STAFF)


# --- calls ---------------------------------------------------------------------------------------
# The office's staff read every call; coordinators manage their departments' calls, the prorector's office all.
CALL_READER_ROLES = (Role.COORDINATOR, Role.HEAD, Role.PRORECTOR, Role.AUDITOR, Role.ADMIN)
CALL_OFFICE_ROLES = (Role.PRORECTOR, Role.ADMIN)


def can_view_calls(user: User | AnonymousUser) -> bool:
    """The calls' pages (every call, open or not, with its places and audit trail): the office's staff."""
    return user.is_authenticated and has_role(user, *CALL_READER_ROLES)


def can_create_call(user: User | AnonymousUser) -> bool:
    """The prorector's office, or a coordinator with a department to create it for."""
    if not user.is_authenticated:
        return False
    return has_role(user, *CALL_OFFICE_ROLES) or (has_role(user, Role.COORDINATOR) and bool(user_department_ids(user)))


def can_manage_call_for(user: User | AnonymousUser, department_ids: Iterable[int]) -> bool:
    """A call owned by these departments (none: university-wide): the prorector's office for any; a coordinator
    only when every one of them is theirs, so a call shared with another department stays out of their reach."""
    if not user.is_authenticated:
        return False
    if has_role(user, *CALL_OFFICE_ROLES):
        return True
    owners = set(department_ids)
    return has_role(user, Role.COORDINATOR) and bool(owners) and owners <= user_department_ids(user)


def can_edit_call(user: User | AnonymousUser, call: Call) -> bool:
    """Change a call, its places and its rules. `call.departments` is read (prefetch it for lists)."""
    return can_manage_call_for(user, [d.pk for d in call.departments.all()])
