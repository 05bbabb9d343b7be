"""The mobility decision letter: what it says (applicant, call, mobility period, host institution, nominated place,
the decisions of every step) and how its issue is recorded. Registered with the one letter pipeline of
documents.letters / documents.services.letter_generate, which numbers, lays out and stores it."""

from __future__ import annotations

from applications.models import Application, ApplicationStatus, CaseEvent
from applications.notifications import case_event_notify
from documents.letters import (
    LetterBuilder,
    LetterContent,
    LetterFact,
    letter_period,
    register_letter,
    steps_from_events,
)
from documents.models import DocumentKind, Letter

MOBILITY_DECISION = "mobility_decision"

LETTER_DECISIONS = (CaseEvent.Action.APPROVED, CaseEvent.Action.CHANGES_REQUESTED, CaseEvent.Action.REJECTED)


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "—"


def mobility_decision_load(application_id: int) -> Application | None:
    return (
        Application.objects.select_related("applicant", "call", "department", "nominated_place__partner")
        .filter(pk=application_id)
        .first()
    )


def mobility_decision_content(application: Application) -> LetterContent | None:
    """What the decision letter of a finally approved or rejected application says; None before that."""
    if application.status not in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED):
        return None
    call = application.call
    facts = [
        LetterFact(("Müraciətçi", "Applicant"), _name(application.applicant)),
        LetterFact(("Müsabiqə", "Call"), f"{call.title} ({call.academic_year})"),
        LetterFact(("Bölmə", "Department"), application.department.name),
        LetterFact(("Müraciət", "Application"), f"#{application.pk} · {application.reference}"),
        LetterFact(
            ("Mobillik dövrü", "Mobility period"), letter_period(application.period_start, application.period_end)
        ),
    ]
    place = application.nominated_place
    paragraphs = []
    if application.status == ApplicationStatus.APPROVED and place is not None:
        partner = place.partner
        facts += [
            LetterFact(("Qəbul edən təşkilat", "Host institution"), str(partner)),
            LetterFact(
                ("Göndərildiyi yer", "Nominated place"),
                f"{partner.name}" + (f" ({partner.erasmus_code})" if partner.erasmus_code else "") + f" — {call.title}",
            ),
        ]
        paragraphs.append(
            (
                f"Müraciətiniz təsdiq edildi: siz {partner.name} universitetinə mobillik üçün namizəd göstərilirsiniz.",
                f"Your application is approved: you are nominated for a mobility at {partner.name}.",
            )
        )
    elif application.status == ApplicationStatus.REJECTED:
        paragraphs.append(
            (
                "Müraciətiniz rədd edildi; səbəb aşağıdakı baxılma mərhələlərində göstərilib.",
                "Your application is rejected; the reason is given in the review steps below.",
            )
        )
    events = application.events.select_related("actor").filter(action__in=LETTER_DECISIONS).order_by("created_at")
    return LetterContent(
        title=("Qərar məktubu", "Decision letter"),
        decision=application.status,
        facts=facts,
        paragraphs=paragraphs,
        steps=steps_from_events(events),
    )


def mobility_decision_issued(application: Application, letter: Letter) -> None:
    """The timeline says the letter was issued (by the system, with its number); the applicant is told."""
    from applications.services import case_event_record

    document = letter.document
    event = case_event_record(
        application=application,
        action=CaseEvent.Action.DOCUMENT_UPLOADED,
        step=application.status,
        status_before=application.status,
        data={
            "kind": document.kind,
            "version": document.version,
            "document_id": document.pk,
            "sha256": document.sha256,
            "letter_number": letter.number,
        },
    )
    case_event_notify(event=event)


def register_application_letters() -> None:
    register_letter(
        LetterBuilder(
            purpose=MOBILITY_DECISION,
            model=Application,
            document_kind=DocumentKind.DECISION_LETTER,
            build=mobility_decision_content,
            issued=mobility_decision_issued,
            filename="decision-letter",
            load=mobility_decision_load,
        )
    )
