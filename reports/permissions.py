"""Who may export what of the audit trail. A case's history goes to whoever may see the case (the kind's
`can_view`, through workflows.selectors.access_case); the audit events of a period, which span every case of
every department, only to the roles that read everything."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.roles import Role, has_role, user_department_ids
from workflows.kinds import CaseKind

# The roles that read every case of every department (applications.permissions.ALL_CASES_ROLES).
AUDIT_READER_ROLES = (Role.AUDITOR, Role.PRORECTOR, Role.ADMIN)


def can_export_audit_events(user: User | AnonymousUser) -> bool:
    """The audit events of a period, of every kind of case and department."""
    return bool(user.is_authenticated and has_role(user, *AUDIT_READER_ROLES))


# The office's roles: they export a case's history for the audit; an applicant reads their case on its page.
OFFICE_ROLES = (Role.COORDINATOR, Role.HEAD, Role.PRORECTOR, Role.AUDITOR, Role.ADMIN)


def can_export_case_history(user: User | AnonymousUser, kind: CaseKind, case: Any) -> bool:
    """A case's full history (with the notifications sent to the people who acted on it): the office's roles,
    for a case they may see (the kind's can_view: the auditor sees every case)."""
    return bool(user.is_authenticated and has_role(user, *OFFICE_ROLES) and kind.can_view(user, case))


# The activity register: the office's staff record it, the auditor and the heads read it.
REGISTER_WRITER_ROLES = (Role.COORDINATOR, Role.PRORECTOR, Role.ADMIN)
REGISTER_READER_ROLES = (*REGISTER_WRITER_ROLES, Role.HEAD, Role.AUDITOR)


def can_read_register(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and has_role(user, *REGISTER_READER_ROLES))


def can_edit_register(user: User | AnonymousUser) -> bool:
    """Record activities, change them and add their confirming documents."""
    return bool(user.is_authenticated and has_role(user, *REGISTER_WRITER_ROLES))


# Period reports: the office's staff prepare them (a coordinator, for a department of theirs); the department head
# and the prorector approve them through the flow (reports/flows.py); readers of the register read them.
def can_prepare_report(user: User | AnonymousUser, report: Any = None) -> bool:
    if not (user.is_authenticated and has_role(user, *REGISTER_WRITER_ROLES)):
        return False
    if report is None or has_role(user, Role.PRORECTOR, Role.ADMIN):
        return True
    return bool(report.department_id in user_department_ids(user))


def can_view_report(user: User | AnonymousUser, report: Any) -> bool:
    return can_read_register(user)


def can_edit_plan(user: User | AnonymousUser) -> bool:
    """The action plan (its goals, activities, indicators, targets): the office's staff who keep the register."""
    return bool(user.is_authenticated and has_role(user, *REGISTER_WRITER_ROLES))
