"""Who may see, edit and sign a learning agreement. Shared by selectors, pages, API and services."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import seen_as_deputy
from accounts.roles import Role, has_role, user_department_ids
from applications.models import Application
from learning.models import LAStatus, LearningAgreement

ALL_CASES_ROLES = (Role.PRORECTOR, Role.AUDITOR, Role.ADMIN)
# Statuses in which the content may change by a new version (a final one changes by a change proposal).
EDITABLE = (LAStatus.DRAFT, LAStatus.SIGNING, LAStatus.REJECTED)
# Statuses that start a mobility's agreement: approved, or nominated / place accepted (the selection's chain).
STARTABLE_APPLICATION_STATUSES = ("approved", "accepted", "nominated")


def can_view_la(user: User | AnonymousUser, agreement: LearningAgreement) -> bool:
    """The participant; coordinators and heads of its department; prorector, auditor, admin; their deputies."""
    if not user.is_authenticated:
        return False
    if agreement.participant_id == user.pk or has_role(user, *ALL_CASES_ROLES):
        return True
    if has_role(user, Role.COORDINATOR, Role.HEAD) and agreement.department_id in user_department_ids(user):
        return True
    return seen_as_deputy(user, lambda principal: can_view_la(principal, agreement))


def is_sending_coordinator(user: User | AnonymousUser, agreement: LearningAgreement) -> bool:
    """A coordinator of the participant's department signs for the sending institution — never their own
    agreement (separation of duties)."""
    return (
        user.is_authenticated
        and has_role(user, Role.COORDINATOR)
        and agreement.department_id in user_department_ids(user)
        and agreement.participant_id != user.pk
    )


def can_edit_la(user: User | AnonymousUser, agreement: LearningAgreement) -> bool:
    """The participant or a sending coordinator, until a version is final (then a change is proposed, always from
    the final version: its removals and additions carry EWP reason codes)."""
    if agreement.status not in EDITABLE or agreement.final_version_id is not None:
        return False
    return agreement.participant_id == getattr(user, "pk", None) or is_sending_coordinator(user, agreement)


def can_propose_change(user: User | AnonymousUser, agreement: LearningAgreement) -> bool:
    if agreement.final_version_id is None or agreement.status == LAStatus.RECOGNISED:
        return False
    return agreement.participant_id == getattr(user, "pk", None) or is_sending_coordinator(user, agreement)


def can_manage_links(user: User | AnonymousUser, agreement: LearningAgreement) -> bool:
    return is_sending_coordinator(user, agreement) or has_role(user, Role.ADMIN)


def can_record_results(user: User | AnonymousUser, agreement: LearningAgreement) -> bool:
    """The home (sending) coordinator records the host's transcript and the recognition, once a version is final."""
    return agreement.final_version_id is not None and is_sending_coordinator(user, agreement)


def can_start_la(user: User | AnonymousUser, application: Application) -> bool:
    return (
        user.is_authenticated
        and application.applicant_id == user.pk
        and application.status in STARTABLE_APPLICATION_STATUSES
        and application.nominated_place_id is not None
    )
