"""The letters issued on acceptance: the bilingual acceptance letter (to the nominee and the partner) and, when the
nominee needs a visa, the invitation letter for the visa application (it names the passport: personal data, erased
with the rest after the retention period). Registered with the one letter pipeline of documents.letters /
documents.services.letter_generate, which numbers, lays out and stores them."""

from __future__ import annotations

from documents.letters import LetterBuilder, LetterContent, LetterFact, letter_date, letter_period, register_letter
from documents.models import DocumentKind
from incoming.models import ACCEPTANCE_LETTER, VISA_INVITATION_LETTER, IncomingApplication, IncomingStatus
from incoming.services import incoming_letter_issued

LEVELS = {
    "bachelor": ("Bakalavr", "Bachelor"),
    "master": ("Magistr", "Master"),
    "doctoral": ("Doktorantura", "Doctoral"),
    "staff": ("Əməkdaş", "Staff"),
}


def incoming_letter_load(application_id: int) -> IncomingApplication | None:
    return (
        IncomingApplication.objects.select_related("nomination__agreement__partner", "department", "applicant")
        .filter(pk=application_id)
        .first()
    )


def _common_facts(application: IncomingApplication) -> list[LetterFact]:
    nomination = application.nomination
    partner = nomination.agreement.partner
    level = LEVELS.get(nomination.level, (nomination.level, nomination.level))
    return [
        LetterFact(("Ad, soyad", "Name"), f"{nomination.first_name} {nomination.last_name}"),
        LetterFact(("Vətəndaşlıq", "Nationality"), application.nationality),
        LetterFact(("Göndərən təşkilat", "Home institution"), f"{partner.name} ({partner.country})"),
        LetterFact(("Səviyyə", "Level"), f"{level[0]} / {level[1]}"),
        LetterFact(("Proqram", "Programme"), application.home_programme),
        LetterFact(("Qəbul edən bölmə", "Receiving department"), application.department.name),
        LetterFact(("Dövr", "Period"), letter_period(application.period_start, application.period_end)),
        LetterFact(("Müqavilə", "Agreement"), nomination.agreement.title),
    ]


def acceptance_content(application: IncomingApplication) -> LetterContent | None:
    if application.status != IncomingStatus.ACCEPTED:
        return None
    nomination = application.nomination
    name = f"{nomination.first_name} {nomination.last_name}"
    return LetterContent(
        title=("Qəbul məktubu", "Acceptance letter"),
        decision="approved",
        facts=_common_facts(application),
        paragraphs=[
            (
                f"{name} {nomination.academic_year} tədris ili üçün universitetimizə mübadilə tələbəsi/əməkdaşı "
                "kimi qəbul edilmişdir.",
                f"{name} is accepted at our university as an exchange participant for {nomination.academic_year}.",
            ),
            (
                "Yaşayış yeri: "
                + ("universitet kömək edəcək." if application.accommodation_needed else "tələb olunmur."),
                "Accommodation: "
                + ("the university will assist." if application.accommodation_needed else "not requested."),
            ),
        ],
    )


def visa_invitation_content(application: IncomingApplication) -> LetterContent | None:
    if application.status != IncomingStatus.ACCEPTED or not application.needs_visa:
        return None
    nomination = application.nomination
    name = f"{nomination.first_name} {nomination.last_name}"
    facts = (
        _common_facts(application)[:2]
        + [
            LetterFact(
                ("Doğum tarixi", "Date of birth"),
                letter_date(application.date_of_birth) if application.date_of_birth else "—",
            ),
            LetterFact(("Pasport", "Passport"), application.passport_number),
            LetterFact(
                ("Pasportun etibarlılıq müddəti", "Passport valid until"),
                letter_date(application.passport_expires_on) if application.passport_expires_on else "—",
            ),
            LetterFact(
                ("Gəliş tarixi", "Arrival"), letter_date(application.arrival_date) if application.arrival_date else "—"
            ),
            LetterFact(("Qalma müddəti", "Stay"), letter_period(application.arrival_date, application.departure_date)),
        ]
        + _common_facts(application)[2:]
    )
    return LetterContent(
        title=("Viza üçün dəvət məktubu", "Invitation letter for the visa"),
        facts=facts,
        paragraphs=[
            (
                f"Universitetimiz {name} adlı şəxsi yuxarıda göstərilən dövr üçün təhsil/iş məqsədilə dəvət edir və "
                "viza verilməsini xahiş edir.",
                f"Our university invites {name} for the period above for study or work and asks that a visa be "
                "granted.",
            ),
        ],
    )


def register_incoming_letters() -> None:
    register_letter(
        LetterBuilder(
            purpose=ACCEPTANCE_LETTER,
            model=IncomingApplication,
            document_kind=DocumentKind.ACCEPTANCE_LETTER,
            build=acceptance_content,
            issued=incoming_letter_issued,
            filename="acceptance-letter",
            load=incoming_letter_load,
        )
    )
    register_letter(
        LetterBuilder(
            purpose=VISA_INVITATION_LETTER,
            model=IncomingApplication,
            document_kind=DocumentKind.VISA_INVITATION_LETTER,
            build=visa_invitation_content,
            issued=incoming_letter_issued,
            filename="visa-invitation-letter",
            load=incoming_letter_load,
        )
    )
