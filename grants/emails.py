"""The email carrying a nomination letter to a partner's contact: bilingual like the letter."""

from __future__ import annotations

from documents.models import Letter
from grants.models import Nomination
from partners.models import PartnerContact


def nomination_email_text(*, nomination: Nomination, letter: Letter, contact: PartnerContact | None) -> tuple[str, str]:
    """The email to a partner's contact: bilingual like the letter (partners abroad read English)."""
    call = nomination.call
    greeting = f"Hörmətli {contact.name} / Dear {contact.name}," if contact else "Hörmətli həmkarlar / Dear colleagues,"
    subject = f"Namizədlik / Nomination: {call.title} ({call.academic_year}) — {letter.number}"
    body = (
        f"{greeting}\n\n"
        f"Əlavədə {nomination.partner.name} üçün namizədlik məktubumuzu ({letter.number}) göndəririk.\n"
        f"Please find attached our nomination letter ({letter.number}) for {nomination.partner.name}.\n\n"
        "Beynəlxalq Əlaqələr Ofisi / International Relations Office\n"
    )
    return subject, body
