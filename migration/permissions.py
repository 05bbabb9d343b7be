"""Who may do what with migration advice. One predicate per rule, shared by pages, API, downloads and services.

Migration advice is the office's own work: the IRO coordinators and administrators run it (open cases, mark steps,
edit the checklist). The foreigner sees their own case. The prorector and the auditor read cases and timelines.
Residence documents (passport scans, visas, permits) and passport numbers are seen only by the foreigner, the
coordinators and the administrators — never by department heads, the prorector or the auditor."""

from __future__ import annotations

from typing import Any

from accounts.roles import Role, has_role

OFFICE_ROLES = (Role.COORDINATOR, Role.ADMIN)


def can_manage_migration(user: Any) -> bool:
    """Open cases by hand, mark steps, change dates, close cases, edit the checklist."""
    return bool(user.is_authenticated) and has_role(user, *OFFICE_ROLES)


def can_list_cases(user: Any) -> bool:
    """See the office's list of cases and the overdue list."""
    return bool(user.is_authenticated) and has_role(user, Role.COORDINATOR, Role.ADMIN, Role.PRORECTOR, Role.AUDITOR)


def can_view_case(user: Any, case: Any) -> bool:
    """The case, its checklist and its timeline: the foreigner's own, or the office's and its readers'."""
    if not user.is_authenticated:
        return False
    return case.person_id == user.pk or can_list_cases(user)


def can_view_personal_data(user: Any, case: Any) -> bool:
    """The case's residence documents and passport number: the foreigner and the office roles that need them."""
    if not user.is_authenticated:
        return False
    return case.person_id == user.pk or has_role(user, *OFFICE_ROLES)


def can_add_document(user: Any, case: Any) -> bool:
    """Upload a residence document to the case: the foreigner or the office."""
    return case.person_id == user.pk or can_manage_migration(user)
