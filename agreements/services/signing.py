"""Checks on the signed copy of an agreement: a side cannot have signed a version before the prorector approved it."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementEvent
from core.errors import ErrorCode


def agreement_approved_on(*, agreement: Agreement) -> date | None:
    """The day the prorector approved the agreement's current version (the latest such approval), if any."""
    approval = (
        agreement.events.filter(
            action=AgreementEvent.Action.APPROVED, step="prorector_review", version_id=agreement.current_version_id
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    return timezone.localdate(approval.created_at) if approval is not None else None


def agreement_signing_dates_check(*, agreement: Agreement, our_signed_on: date, partner_signed_on: date) -> None:
    """Refuse signing dates earlier than the prorector's approval of the version being signed (field errors)."""
    approved_on = agreement_approved_on(agreement=agreement)
    if approved_on is None:
        return
    errors: dict[str, list[ValidationError]] = {}
    for field, value in (("our_signed_on", our_signed_on), ("partner_signed_on", partner_signed_on)):
        if value < approved_on:
            errors[field] = [
                ValidationError(
                    _(
                        "The signing date cannot be earlier than the prorector's approval of version %(version)s "
                        "on %(date)s."
                    ),
                    code=ErrorCode.SIGNED_BEFORE_APPROVAL,
                    params={
                        "version": agreement.current_version.number if agreement.current_version else "",
                        "date": date_format(approved_on, "j F Y"),
                    },
                )
            ]
    if errors:
        raise ValidationError(errors)
