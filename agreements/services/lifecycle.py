"""What the agreement flow's steps do to an agreement (status, activation and quotas, withdrawal), quota use, and
termination."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role
from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementQuota,
    AgreementStatus,
)
from agreements.permissions import (
    can_terminate,
)
from agreements.terms import academic_years
from core.errors import (
    AgreementNotInForce,
    ErrorCode,
    field_error,
)

if TYPE_CHECKING:
    pass
from agreements.services.drafts import _current_terms, agreement_event_record

# --- steps of the agreement flow ---------------------------------------------------------------


def agreement_activate(*, agreement: Agreement) -> None:
    """Signed by both sides: active, with its quotas per academic year; a renewal supersedes its predecessor."""
    status_before = agreement.status
    agreement.status = AgreementStatus.ACTIVE
    agreement.save(update_fields=["status", "updated_at"])
    agreement_quotas_materialise(agreement=agreement)
    agreement_event_record(agreement=agreement, action=AgreementEvent.Action.ACTIVATED, status_before=status_before)
    predecessor = agreement.renewal_of
    if predecessor is not None and predecessor.status not in (AgreementStatus.SUPERSEDED, AgreementStatus.WITHDRAWN):
        before = predecessor.status
        predecessor.status = AgreementStatus.SUPERSEDED
        predecessor.save(update_fields=["status", "updated_at"])
        agreement_event_record(
            agreement=predecessor,
            action=AgreementEvent.Action.SUPERSEDED,
            status_before=before,
            data={"renewal": agreement.pk},
        )


def agreement_quotas_materialise(*, agreement: Agreement) -> None:
    """One quota row per academic year, direction and category of the current version's conditions."""
    for condition in _current_terms(agreement)["conditions"]:
        for year in academic_years(condition["first_academic_year"], condition["last_academic_year"]):
            quota, created = AgreementQuota.objects.get_or_create(
                agreement=agreement,
                academic_year=year,
                direction=condition["direction"],
                category=condition["category"],
                defaults={"places": condition["mobilities_per_year"]},
            )
            if not created and quota.places != condition["mobilities_per_year"]:
                # Never below what is already approved: the CHECK constraint would refuse it anyway.
                quota.places = max(condition["mobilities_per_year"], quota.used)
                quota.save(update_fields=["places"])


def agreement_withdraw(*, agreement: Agreement) -> None:
    agreement.status = AgreementStatus.WITHDRAWN
    agreement.save(update_fields=["status", "updated_at"])


def quota_consume_rollback_unsafe(*, quota_id: int) -> bool:
    """Take one place of a quota inside the caller's transaction (the caller holds the row lock);
    False when none is left or the agreement no longer offers places."""
    updated = AgreementQuota.objects.filter(
        pk=quota_id,
        used__lt=F("places"),
        agreement__status__in=[AgreementStatus.ACTIVE, AgreementStatus.EXPIRING],
    ).update(used=F("used") + 1)
    return bool(updated)


def quota_release_rollback_unsafe(*, quota_id: int) -> None:
    """Give back one place of a quota inside the caller's transaction (the caller holds the row lock): a place
    taken from it was given up (a selected applicant declined and nobody on the reserve list took it)."""
    AgreementQuota.objects.filter(pk=quota_id, used__gt=0).update(used=F("used") - 1)


@transaction.atomic
def agreement_terminate(*, agreement: Agreement, actor: User, reason: str) -> Agreement:
    """End an agreement in force before its end date: it offers no more places (approved mobilities stay)."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Give the reason for the termination."), ErrorCode.REASON_REQUIRED)
    agreement = Agreement.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=agreement.pk)
    if not can_terminate(actor, agreement):
        if has_role(actor, Role.PRORECTOR, Role.ADMIN):
            raise AgreementNotInForce()
        raise PermissionDenied(_("Only the prorector or an administrator can terminate an agreement."))
    status_before = agreement.status
    agreement.status = AgreementStatus.TERMINATED
    agreement.terminated_on = timezone.localdate()
    agreement.save(update_fields=["status", "terminated_on", "updated_at"])
    agreement_event_record(
        agreement=agreement,
        action=AgreementEvent.Action.TERMINATED,
        actor=actor,
        step="active",
        comment=reason,
        status_before=status_before,
    )
    return agreement
