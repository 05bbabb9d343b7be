"""What the emails of incoming mobility say: bilingual (Azerbaijani and English) like the letters, since the
partner's coordinator and the nominee read English and the office Azerbaijani."""

from __future__ import annotations

from datetime import date

from documents.letters import letter_date
from incoming.models import IncomingApplication, Nomination, PartnerInvitation

SIGNATURE = "Beynəlxalq Əlaqələr Ofisi / International Relations Office\n"


def partner_invitation_text(*, invitation: PartnerInvitation, link: str) -> tuple[str, str]:
    agreement = invitation.agreement
    name = invitation.coordinator_name
    greeting = f"Hörmətli {name} / Dear {name}," if name else "Hörmətli həmkar / Dear colleague,"
    subject = f"Namizədlərin irəli sürülməsi / Nominations {invitation.academic_year}: {agreement.partner.name}"
    deadline = letter_date(invitation.fall_deadline)
    if invitation.spring_deadline:
        deadline += f" (yaz / spring: {letter_date(invitation.spring_deadline)})"
    body = (
        f"{greeting}\n\n"
        f"“{agreement.title}” çərçivəsində {invitation.academic_year} tədris ili üçün tələbə və əməkdaşlarınızı "
        "aşağıdakı keçid vasitəsilə namizəd göstərə bilərsiniz.\n"
        f"You can nominate your students and staff for {invitation.academic_year} under “{agreement.title}” "
        "through the link below.\n\n"
        f"{link}\n\n"
        f"Keçid {letter_date(invitation.expires_at.date())} tarixinədək işləyir; namizədlərin müraciət son tarixi: "
        f"{deadline}.\n"
        f"The link works until {letter_date(invitation.expires_at.date())}; the nominees' application deadline: "
        f"{deadline}.\n"
        "Keçidi başqası ilə paylaşmayın. / Please do not share the link.\n\n" + SIGNATURE
    )
    return subject, body


def nominee_invitation_text(
    *, nomination: Nomination, link: str, deadline: date, has_password: bool
) -> tuple[str, str]:
    partner = nomination.agreement.partner.name
    name = f"{nomination.first_name} {nomination.last_name}"
    subject = f"Müraciətinizi tamamlayın / Complete your application: {nomination.academic_year}"
    if has_password:
        account = (
            "Mövcud hesabınızla daxil olun; keçid sizi müraciətinizə aparacaq.\n"
            "Sign in with your existing account; the link takes you to your application.\n"
        )
    else:
        account = (
            "Keçiddə şifrənizi təyin edin: sonra həmin hesabla daxil olacaqsınız.\n"
            "Set your password through the link: you will sign in with this account from then on.\n"
        )
    body = (
        f"Hörmətli {name} / Dear {name},\n\n"
        f"{partner} sizi {nomination.academic_year} tədris ili üçün universitetimizə mübadilə üzrə namizəd göstərib.\n"
        f"{partner} has nominated you for an exchange at our university in {nomination.academic_year}.\n\n"
        f"{link}\n\n"
        f"{account}\n"
        "Müraciətə şəxsiyyət və pasport məlumatlarınızı, proqramınızı, dövrü, seçdiyiniz kursları, dil səviyyənizi, "
        "yaşayış ehtiyacınızı, gəliş tarixini və sənədləri (pasport, transkript, dil sertifikatı, foto) daxil edin.\n"
        "Complete it with your identity and passport data, programme, period, the courses you intend to take, "
        "language level, accommodation need, arrival date and documents (passport, transcript, language "
        "certificate, photo).\n\n"
        f"Son tarix / Deadline: {letter_date(deadline)}\n\n" + SIGNATURE
    )
    return subject, body


def letters_text(*, application: IncomingApplication, letters: list) -> tuple[str, str]:
    nomination = application.nomination
    name = f"{nomination.first_name} {nomination.last_name}"
    numbers = ", ".join(letter.number for letter in letters)
    subject = f"Qəbul məktubu / Acceptance letter: {name} ({numbers})"
    body = (
        "Hörmətli həmkarlar / Dear colleagues,\n\n"
        f"{name} {nomination.academic_year} tədris ili üçün qəbul edildi. Əlavədə məktublarımız ({numbers}) var.\n"
        f"{name} is accepted for {nomination.academic_year}. Please find our letters ({numbers}) attached.\n"
    )
    if application.needs_visa:
        body += (
            "Viza müraciəti üçün dəvət məktubu da əlavə olunub.\n"
            "The invitation letter for the visa application is attached too.\n"
        )
    return subject, body + "\n" + SIGNATURE
