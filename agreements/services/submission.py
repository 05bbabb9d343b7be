"""Submitting a draft (the drafter's part; workflows.services.case_submit starts the flow) and its documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementStatus,
)
from agreements.permissions import (
    can_draft_agreement,
    can_edit_info,
)
from core.errors import (
    AgreementAlreadySubmitted,
    ErrorCode,
    field_error,
)

if TYPE_CHECKING:
    from django.core.files.base import File

    from documents.models import Document
from agreements.services.drafts import _current_terms, agreement_event_record

# --- submission and who adds documents -------------------------------------------------------------------

AGREEMENT_UPLOAD_KINDS = ("agreement_draft", "other")


def agreement_submit(*, agreement: Agreement, actor: User) -> Agreement:
    """The drafter's part of submitting a draft for approval, or resubmitting one that was sent back: check it.
    Runs inside workflows.services.case_submit, which then starts the agreement flow or completes its revision
    step, and records the submission (agreement_submitted_record)."""
    agreement = Agreement.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=agreement.pk)
    if not can_draft_agreement(actor, agreement.department_id):
        raise PermissionDenied(_("Only a coordinator of this department can submit this agreement."))
    if agreement.status != AgreementStatus.DRAFT:
        raise AgreementAlreadySubmitted()
    if not _current_terms(agreement)["conditions"] and agreement.type != "mou":
        raise field_error("conditions", _("Add at least one cooperation condition."), ErrorCode.NO_CONDITIONS)
    return agreement


def agreement_submitted_record(
    *, agreement: Agreement, actor: User, status_before: str, resubmitted: bool
) -> AgreementEvent:
    action = AgreementEvent.Action.RESUBMITTED if resubmitted else AgreementEvent.Action.SUBMITTED
    return agreement_event_record(
        agreement=agreement, action=action, actor=actor, step="draft", status_before=status_before
    )


def agreement_document_attach_check(actor: User, agreement: Agreement) -> None:
    """Who may add a draft text or supporting file to an agreement (the kind's `documents.attach_check`; the shared
    workflows.services.case_document_attach stores it): coordinators of its department, until it closes."""
    if not can_edit_info(actor, agreement):
        raise PermissionDenied(_("Only a coordinator of this department can add documents to this agreement."))


def agreement_signed_copy_store(*, agreement: Agreement, actor: User, file: File[bytes]) -> Document:
    """Store the copy signed by both sides; called by the flow's upload step inside its transaction."""
    from documents.services import document_store

    return document_store(
        case=agreement, kind="signed_agreement", file=file, actor=actor, allowed_kinds=["signed_agreement"]
    )
