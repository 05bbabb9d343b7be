"""Who may see and change agreements. Shared by selectors, pages, API and flow. The partner registry's
predicates (`can_read_partners`: one of the office's staff) are partners.permissions."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.permissions import seen_as_deputy
from accounts.roles import Role, has_role, user_department_ids
from agreements.models import Agreement, AgreementStatus, AgreementType

ALL_AGREEMENTS_ROLES = (Role.PRORECTOR, Role.AUDITOR, Role.ADMIN)
TERMS_EDITABLE = (AgreementStatus.DRAFT,)
CLOSED = (AgreementStatus.EXPIRED, AgreementStatus.SUPERSEDED, AgreementStatus.WITHDRAWN, AgreementStatus.TERMINATED)


def can_view_agreement(user: User | AnonymousUser, agreement: Agreement) -> bool:
    """Prorector, auditor and admin see every agreement; coordinators, heads and staff those of their departments."""
    if not user.is_authenticated:
        return False
    if has_role(user, *ALL_AGREEMENTS_ROLES):
        return True
    if has_role(user, Role.COORDINATOR, Role.HEAD, Role.STAFF) and agreement.department_id in user_department_ids(user):
        return True
    # A deputy sees what the approver they stand in for sees.
    return seen_as_deputy(user, lambda principal: can_view_agreement(principal, agreement))


def can_draft_agreement(user: User | AnonymousUser, department_id: int) -> bool:
    return has_role(user, Role.COORDINATOR) and department_id in user_department_ids(user)


def can_edit_terms(user: User | AnonymousUser, agreement: Agreement) -> bool:
    """A coordinator of the agreement's department, while it is a draft (new or sent back)."""
    return agreement.status in TERMS_EDITABLE and can_draft_agreement(user, agreement.department_id)


def can_edit_info(user: User | AnonymousUser, agreement: Agreement) -> bool:
    """General information (signatories) changes without re-approval, until the agreement is closed."""
    return agreement.status not in CLOSED and can_draft_agreement(user, agreement.department_id)


def can_terminate(user: User | AnonymousUser, agreement: Agreement) -> bool:
    """The prorector (who approves agreements) or an administrator ends an agreement in force early."""
    return (
        user.is_authenticated
        and has_role(user, Role.PRORECTOR, Role.ADMIN)
        and agreement.status in (AgreementStatus.ACTIVE, AgreementStatus.EXPIRING)
    )


def can_view_ewp(user: User | AnonymousUser, agreement: Agreement) -> bool:
    """The EWP view of an agreement (its IIA XML, iia-hash, the partner's copies): whoever sees an Erasmus+ one."""
    return agreement.type == AgreementType.ERASMUS_IIA and can_view_agreement(user, agreement)


def can_exchange_ewp(user: User | AnonymousUser, agreement: Agreement) -> bool:
    """Import the partner's copy or approval of an Erasmus+ IIA and approve the partner's copy: a coordinator of
    the agreement's department, the prorector or an administrator, until the agreement is withdrawn."""
    if agreement.type != AgreementType.ERASMUS_IIA or agreement.status == AgreementStatus.WITHDRAWN:
        return False
    if not user.is_authenticated:
        return False
    return has_role(user, Role.PRORECTOR, Role.ADMIN) or can_draft_agreement(user, agreement.department_id)
