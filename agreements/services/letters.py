"""The letter of the prorector's approval of an agreement: what it says (partner, agreement, period of validity,
the version of the terms approved and its hash, the decisions that led there) and how its issue is recorded.
Registered with the one letter pipeline (documents.letters, documents.services.letter_generate), which numbers,
lays out and stores it; the flow schedules it with `documents.services.letter_schedule`."""

from __future__ import annotations

from agreements.models import Agreement, AgreementEvent
from agreements.services.drafts import agreement_event_record
from documents.letters import (
    LetterBuilder,
    LetterContent,
    LetterFact,
    letter_period,
    register_letter,
    steps_from_events,
)
from documents.models import DocumentKind, Letter

AGREEMENT_APPROVAL = "agreement_approval"


def agreement_approval_load(agreement_id: int) -> Agreement | None:
    return Agreement.objects.select_related("partner", "department").filter(pk=agreement_id).first()


def agreement_approval_content(agreement: Agreement) -> LetterContent | None:
    """What the letter of the prorector's approval says; None while the prorector has not approved."""
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
    facts = [
        LetterFact(("Tərəfdaş universitet", "Partner institution"), str(agreement.partner)),
        LetterFact(("Saziş", "Agreement"), agreement.title),
        LetterFact(("Sazişin nömrəsi", "Agreement number"), agreement.number or f"#{agreement.pk}"),
        LetterFact(("Bölmə", "Department"), agreement.department.name),
        LetterFact(
            ("Qüvvədə olma dövrü", "Period of validity"), letter_period(agreement.start_date, agreement.end_date)
        ),
    ]
    if approval.version is not None:
        facts.append(
            LetterFact(
                ("Şərtlərin versiyası", "Version of the terms"),
                f"v{approval.version.number} · SHA-256 {approval.version_sha256}",
            )
        )
    return LetterContent(
        title=("Sazişin təsdiqi haqqında məktub", "Letter of approval of an agreement"),
        decision="approved",
        facts=facts,
        paragraphs=[
            (
                "Sazişin yuxarıda göstərilən versiyası universitet adından imzalanmaq üçün təsdiq edilib.",
                "The version of the agreement named above is approved for signature on behalf of the university.",
            )
        ],
        steps=steps_from_events(decisions.order_by("created_at", "pk")),
    )


def agreement_approval_issued(agreement: Agreement, letter: Letter) -> None:
    document = letter.document
    agreement_event_record(
        agreement=agreement,
        action=AgreementEvent.Action.DOCUMENT_UPLOADED,
        step=agreement.status,
        status_before=agreement.status,
        data={
            "kind": document.kind,
            "version": document.version,
            "document_id": document.pk,
            "sha256": document.sha256,
            "letter_number": letter.number,
        },
    )


def register_agreement_letters() -> None:
    register_letter(
        LetterBuilder(
            purpose=AGREEMENT_APPROVAL,
            model=Agreement,
            document_kind=DocumentKind.DECISION_LETTER,
            build=agreement_approval_content,
            issued=agreement_approval_issued,
            filename="agreement-letter",
            load=agreement_approval_load,
        )
    )
