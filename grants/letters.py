"""The nomination letter: the participants one call nominates to one partner (names, mobility periods, their
grants) in Azerbaijani and English, through the one letter pipeline (documents.letters /
documents.services.letter_generate, which numbers, lays out and stores it)."""

from __future__ import annotations

from typing import Any

from applications.models import Application
from documents.letters import LetterBuilder, LetterContent, LetterFact, letter_period, register_letter
from documents.models import DocumentKind, Letter
from grants.models import Grant, Nomination, NominationEvent
from grants.services import NOMINATION_LETTER, nomination_letter_recorded


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def nomination_load(nomination_id: int) -> Nomination | None:
    return Nomination.objects.select_related("call", "partner").filter(pk=nomination_id).first()


def grant_text(grant: Grant | None) -> str:
    if grant is None:
        return "—"
    return f"{grant.total} {grant.currency}"


def nomination_content(nomination: Nomination) -> LetterContent | None:
    call, partner = nomination.call, nomination.partner
    line = nomination.events.filter(action=NominationEvent.Action.NOMINATED).first()
    if line is None:
        return None
    ids = [row["application"] for row in line.data.get("participants", [])]
    nominated = Application.objects.filter(pk__in=ids).select_related("applicant").order_by("pk")
    grants = {g.application_id: g for g in nomination.grants.all()}
    facts = [
        LetterFact(("Qəbul edən təşkilat", "Receiving institution"), str(partner)),
        LetterFact(("Müsabiqə", "Call"), f"{call.title} ({call.academic_year}, {call.get_term_display()})"),
    ]
    if partner.erasmus_code:
        facts.append(LetterFact(("Erasmus kodu", "Erasmus code"), partner.erasmus_code))
    for number, application in enumerate(nominated, 1):
        facts.append(
            LetterFact(
                (f"Namizəd {number}", f"Nominee {number}"),
                f"{_name(application.applicant)} · {application.applicant.email or '—'} · "
                f"{letter_period(application.period_start, application.period_end)} · "
                f"Qrant / Grant: {grant_text(grants.get(application.pk))}",
            )
        )
    return LetterContent(
        title=("Namizədlik məktubu", "Nomination letter"),
        facts=facts,
        paragraphs=[
            (
                f"Universitetimiz aşağıdakı iştirakçıları {partner.name_az or partner.name} ilə mobillik üçün "
                "namizəd göstərir və onların qəbulunu xahiş edir.",
                f"Our university nominates the participants below for a mobility at {partner.name} and asks you to "
                "accept them.",
            )
        ],
    )


def nomination_issued(nomination: Nomination, letter: Letter) -> None:
    nomination_letter_recorded(nomination=nomination, letter=letter)


def register_grants_letters() -> None:
    register_letter(
        LetterBuilder(
            purpose=NOMINATION_LETTER,
            model=Nomination,
            document_kind=DocumentKind.NOMINATION_LETTER,
            build=nomination_content,
            issued=nomination_issued,
            filename="nomination-letter",
            load=nomination_load,
        )
    )
