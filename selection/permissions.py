"""Who may see and do what in a call's competitive selection: one predicate per rule, shared by selectors, pages,
API, services and the kind's registration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.roles import Role, has_role, user_department_ids
from applications.models import Application, ApplicationStatus, Call, SelectionMode
from applications.permissions import ALL_CASES_ROLES, DEPARTMENT_ROLES, can_edit_call

if TYPE_CHECKING:
    from selection.models import Appeal, Offer, Selection, SelectionSettings


def can_configure_selection(user: User | AnonymousUser, call: Call) -> bool:
    """The selection rules of a competitive call: whoever manages the call (its departments' coordinators, the
    prorector's office). Whether the deadline has passed is the services' check (a conflict, not a refusal)."""
    return call.selection_mode == SelectionMode.COMPETITIVE and can_edit_call(user, call)


def is_committee_member(user: User | AnonymousUser, settings: SelectionSettings | None) -> bool:
    """Committee members enter scores. `settings.committee` is read (prefetch it for lists)."""
    if settings is None or not user.is_authenticated:
        return False
    return any(member.pk == user.pk for member in settings.committee.all())


def can_view_scores(user: User | AnonymousUser, call: Call, settings: SelectionSettings | None) -> bool:
    """The score sheet and the selection's working pages: the committee, whoever manages the call, and those who
    read every case."""
    if not user.is_authenticated:
        return False
    return is_committee_member(user, settings) or can_edit_call(user, call) or has_role(user, *ALL_CASES_ROLES)


def can_view_selection(user: User | AnonymousUser, selection: Selection) -> bool:
    """A selection result (a case): the office's staff of its department, everyone who reads every case, the
    committee and whoever manages the call."""
    if not user.is_authenticated:
        return False
    if has_role(user, *ALL_CASES_ROLES):
        return True
    if has_role(user, *DEPARTMENT_ROLES) and selection.department_id in user_department_ids(user):
        return True
    settings = getattr(selection.call, "selection_settings", None)
    return is_committee_member(user, settings) or can_edit_call(user, selection.call)


def can_answer_offer(user: User | AnonymousUser, offer: Offer) -> bool:
    """Only the applicant accepts or declines the place offered to them."""
    return user.is_authenticated and offer.application.applicant_id == user.pk


def can_record_bonus(user: User | AnonymousUser, call: Call) -> bool:
    """The bonus flags (first mobility, fewer opportunities) are the coordinator's record: whoever manages the
    call, but not the committee as such."""
    return can_edit_call(user, call) and has_role(user, Role.COORDINATOR, Role.PRORECTOR, Role.ADMIN)


def can_view_appeal(user: User | AnonymousUser, appeal: Appeal) -> bool:
    """An appeal: the appellant, the office's staff of its department, and those who read every case."""
    if not user.is_authenticated:
        return False
    if appeal.applicant_id == user.pk or has_role(user, *ALL_CASES_ROLES):
        return True
    return has_role(user, *DEPARTMENT_ROLES) and appeal.department_id in user_department_ids(user)


def can_appeal(user: User | AnonymousUser, application: Application) -> bool:
    """The applicant of an application on the reserve list or not selected (the window is the services' check)."""
    return (
        user.is_authenticated
        and application.applicant_id == user.pk
        and application.status in (ApplicationStatus.RESERVE, ApplicationStatus.NOT_SELECTED)
    )
