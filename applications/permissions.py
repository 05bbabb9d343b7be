"""Who may see and change a mobility application. Shared by selectors, views, API and flow."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.roles import Role, has_role, user_department_ids
from applications.models import Application

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
        return application.status != "draft" and application.department_id in user_department_ids(user)
    return False


def can_edit_application(user: User | AnonymousUser, application: Application) -> bool:
    """Only the applicant, and only while the case is a draft or sent back to them."""
    return user.is_authenticated and application.applicant_id == user.pk and application.is_editable


def can_apply(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.STUDENT, Role.STAFF)
