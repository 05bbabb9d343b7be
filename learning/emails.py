"""The email that carries a receiving coordinator's signing link: bilingual (partners abroad read English), sent
once per link after the issuing transaction commits. The receiving coordinator has no account, so this is not
notifications.notify (as grants' emails to partner contacts are not)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from learning.models import LAEvent, SigningLink


def signing_link_url(link: SigningLink, token: str) -> str:
    return settings.KORPU_SITE_URL + reverse("learning:sign", args=[link.agreement_id, token])


def signing_link_email_text(*, link: SigningLink, url: str) -> tuple[str, str]:
    agreement = link.agreement
    participant = agreement.participant
    who = participant.get_full_name() or participant.get_username()
    expires = timezone.localtime(link.expires_at).strftime("%d.%m.%Y %H:%M")
    subject = f"Öyrənmə müqaviləsi / Learning agreement: {who} — v{link.version.number}"
    body = (
        f"Hörmətli {link.name} / Dear {link.name},\n\n"
        f"{who} ({agreement.academic_year}) üçün öyrənmə müqaviləsinin {link.version.number}-ci versiyası "
        "imzanızı gözləyir. Aşağıdakı keçiddə ona baxın və imzalayın və ya səbəb göstərərək rədd edin.\n"
        f"Version {link.version.number} of the learning agreement of {who} ({agreement.academic_year}) waits for "
        "your signature as the receiving institution's coordinator. Review it at the link below and sign it, or "
        "reject it with a reason.\n\n"
        f"{url}\n\n"
        f"Keçid bir dəfə istifadə olunur və {expires} tarixində qüvvədən düşür.\n"
        f"The link works once and expires on {expires}.\n\n"
        "Beynəlxalq Əlaqələr Ofisi / International Relations Office\n"
    )
    return subject, body


def signing_link_email_send(*, link_id: int, token: str) -> bool:
    """Send the link's email once: the row is locked (SKIP LOCKED) and marked sent in the sending transaction, so
    a second call sends nothing. An expired or revoked link is not sent."""
    with transaction.atomic():
        link = (
            SigningLink.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("agreement__participant", "version")
            .filter(pk=link_id, sent_at__isnull=True)
            .first()
        )
        if link is None or not link.is_open():
            return False
        subject, body = signing_link_email_text(link=link, url=signing_link_url(link, token))
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[link.email]).send()
        link.sent_at = timezone.now()
        link.save(update_fields=["sent_at"])
        LAEvent.objects.create(
            agreement=link.agreement,
            action=LAEvent.Action.LINK_SENT,
            step=link.agreement.status,
            status_before=link.agreement.status,
            status_after=link.agreement.status,
            data={"link": link.pk, "email": link.email, "expires_at": link.expires_at.isoformat()},
            version_number=link.version.number,
        )
    return True
