"""Who may see and do what with incoming students and staff: one predicate per rule, shared by selectors, pages,
API, the flow's kind (who sees a case, who may attach) and the document downloads.

Personal data — the passport number and its dates, the date of birth, the passport scan, the photo and the visa
invitation letter (it carries the passport number) — is for the office roles that need it: the receiving
department's IRO coordinator, the prorector's office (prorector, administrator), and the nominee themselves while
they prepare the application. Not for department heads, not for auditors, never for the partner (the partner's
page shows names and statuses only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import seen_as_deputy
from accounts.roles import Role, has_role, user_department_ids
from documents.models import DocumentKind
from incoming.models import IncomingApplication, IncomingStatus

if TYPE_CHECKING:
    from agreements.models import Agreement
    from documents.models import Document

# Roles that read every incoming case.
ALL_CASES_ROLES = (Role.PRORECTOR, Role.AUDITOR, Role.ADMIN)
# Roles that read their own departments' incoming cases.
DEPARTMENT_ROLES = (Role.COORDINATOR, Role.HEAD)
# The office's roles that manage partner invitations for any agreement.
OFFICE_ROLES = (Role.PRORECTOR, Role.ADMIN)
# The document kinds that are personal data (shown only with can_see_personal_data).
PERSONAL_DOCUMENT_KINDS = frozenset(
    {DocumentKind.PASSPORT_COPY, DocumentKind.PHOTO, DocumentKind.VISA_INVITATION_LETTER}
)


def can_view_incoming(user: User | AnonymousUser, application: IncomingApplication) -> bool:
    """The nominee's own application; the receiving department's coordinators (also while the nominee completes
    it) and heads (once submitted); the prorector, auditors and administrators; a deputy what the approver they
    stand in for sees."""
    if not user.is_authenticated:
        return False
    if application.applicant_id == user.pk:
        return True
    if has_role(user, *ALL_CASES_ROLES):
        return True
    if has_role(user, *DEPARTMENT_ROLES) and application.department_id in user_department_ids(user):
        # A draft is a partner's nomination the nominee is completing: the department's coordinators follow it
        # (send the link again, withdraw it); the head sees the case once submitted.
        if application.status != IncomingStatus.DRAFT or has_role(user, Role.COORDINATOR):
            return True
    return seen_as_deputy(user, lambda principal: can_view_incoming(principal, application))


def can_see_personal_data(user: User | AnonymousUser, application: IncomingApplication) -> bool:
    """Passport number, dates of birth and passport, passport scan, photo, visa letter: the one rule, used by the
    pages, the API and the document downloads."""
    if not user.is_authenticated or application.personal_data_erased_at is not None:
        return False
    if application.applicant_id == user.pk:
        return True
    if has_role(user, *OFFICE_ROLES):
        return True
    return (
        has_role(user, Role.COORDINATOR)
        and application.status != IncomingStatus.DRAFT
        and application.department_id in user_department_ids(user)
    )


def can_see_document(user: User | AnonymousUser, application: IncomingApplication, document: Document) -> bool:
    """A document of a case the user sees; a personal one only with can_see_personal_data."""
    if not can_view_incoming(user, application):
        return False
    return document.kind not in PERSONAL_DOCUMENT_KINDS or can_see_personal_data(user, application)


def can_edit_incoming(user: User | AnonymousUser, application: IncomingApplication) -> bool:
    """Only the nominee, and only while it is a draft or sent back to them."""
    return user.is_authenticated and application.applicant_id == user.pk and application.is_editable


def can_list_incoming(user: User | AnonymousUser) -> bool:
    """The office's list of incoming applications and the counts."""
    return user.is_authenticated and has_role(user, *ALL_CASES_ROLES, *DEPARTMENT_ROLES)


def can_manage_invitations(user: User | AnonymousUser, agreement: Agreement) -> bool:
    """Invite a partner's coordinator to nominate, send the link again, revoke it: the prorector's office for any
    agreement, a coordinator for their department's agreements."""
    if not user.is_authenticated:
        return False
    if has_role(user, *OFFICE_ROLES):
        return True
    return has_role(user, Role.COORDINATOR) and agreement.department_id in user_department_ids(user)


def can_view_invitations(user: User | AnonymousUser) -> bool:
    """The list of partner invitations (and their timelines): the office's staff."""
    return user.is_authenticated and has_role(user, Role.COORDINATOR, Role.HEAD, *ALL_CASES_ROLES)
