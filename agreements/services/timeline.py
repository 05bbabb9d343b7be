"""The timeline line every agreement service writes (AgreementEvent), with the version of the terms it concerned.
Its own module so that every writer of agreements (drafts, lifecycle, EWP) imports it without importing the others."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from agreements.models import Agreement, AgreementEvent


def agreement_event_record(
    *,
    agreement: Agreement,
    action: str,
    actor: User | None = None,
    step: str = "",
    comment: str = "",
    status_before: str = "",
    status_after: str | None = None,
    data: dict[str, Any] | None = None,
) -> AgreementEvent:
    version = agreement.current_version
    return AgreementEvent.objects.create(
        agreement=agreement,
        actor=actor,
        action=action,
        step=step,
        comment=comment,
        version=version,
        version_sha256=version.sha256 if version else "",
        status_before=status_before,
        status_after=agreement.status if status_after is None else status_after,
        data=data or {},
    )
