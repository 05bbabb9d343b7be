"""The decision letter of the prorector's approval of an agreement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agreements.models import (
    Agreement,
    AgreementEvent,
)

if TYPE_CHECKING:
    from documents.models import Document
from agreements.services.drafts import agreement_event_record

# --- decision letter ------------------------------------------------------------------------------


def agreement_decision_letter_schedule(*, agreement: Agreement) -> None:
    """Called when the prorector approves: the letter is rendered by a worker once the decision commits."""
    from agreements.tasks import agreement_decision_letter_task
    from core.effects import on_commit_delay

    on_commit_delay(agreement_decision_letter_task, agreement.pk)


def agreement_decision_letter_generate(*, agreement_id: int) -> Document | None:
    """Render and store the letter of the prorector's approval, once (a retry returns the stored letter).
    It names the version of the terms (and its hash) the approval covered."""
    from documents.letters import DecisionLetter, LetterStep, render_decision_letter
    from documents.models import DocumentKind
    from documents.services import atomic_storing, case_documents, document_store_generated

    agreement = Agreement.objects.select_related("partner", "department").filter(pk=agreement_id).first()
    if agreement is None:
        return None
    existing = case_documents(agreement).filter(kind=DocumentKind.DECISION_LETTER).first()
    if existing is not None:
        return existing
    approval = (
        agreement.events.filter(action=AgreementEvent.Action.APPROVED, step="prorector_review")
        .select_related("version")
        .order_by("-created_at", "-pk")
        .first()
    )
    if approval is None:
        return None
    decisions = agreement.events.select_related("actor").filter(
        action__in=[AgreementEvent.Action.APPROVED, AgreementEvent.Action.CHANGES_REQUESTED],
        created_at__lte=approval.created_at,
    )
    letter = DecisionLetter(
        case_number=agreement.number or f"#{agreement.pk}",
        reference=f"AGR-{agreement.pk}",
        decision="approved",
        decided_at=approval.created_at,
        applicant=agreement.partner.name,
        call=agreement.title,
        department=agreement.department.name,
        steps=[
            LetterStep(
                step=event.step,
                actor=(event.actor.get_full_name() or event.actor.get_username()) if event.actor else "—",
                decided_at=event.created_at,
                decision=event.action,
                comment=event.comment,
            )
            for event in decisions.order_by("created_at", "pk")
        ],
        case_kind="agreement",
        terms_version=f"v{approval.version.number} · SHA-256 {approval.version_sha256}" if approval.version else "",
    )
    content = render_decision_letter(letter)
    with atomic_storing():
        document, created = document_store_generated(
            case=agreement,
            kind=DocumentKind.DECISION_LETTER,
            content=content,
            name=f"agreement-{agreement.pk}-letter.pdf",
        )
        if created:
            agreement_event_record(
                agreement=agreement,
                action=AgreementEvent.Action.DOCUMENT_UPLOADED,
                step=agreement.status,
                status_before=agreement.status,
                data={"kind": document.kind, "version": 1, "document_id": document.pk, "sha256": document.sha256},
            )
    return document
