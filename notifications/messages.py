"""What a notification says, in its recipient's language: the subject and text of each kind come from
templates/notifications/messages/<kind>.subject.txt and <kind>.body.txt; the email around them (plain text and
HTML) from templates/notifications/email.txt and email.html."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

# A message's context: a dict, or a function building it, called with the recipient's language active (so that
# labels and case titles it formats come out in that language).
Context = dict[str, Any] | Callable[[], dict[str, Any]]


def user_name(user) -> str:
    return user.get_full_name() or user.get_username()


def render_message(*, kind: str, language: str, context: Context) -> tuple[str, str]:
    """(subject, text) of a notification of this kind in this language."""
    with translation.override(language):
        values = context() if callable(context) else dict(context)
        subject = render_to_string(f"notifications/messages/{kind}.subject.txt", values)
        body = render_to_string(f"notifications/messages/{kind}.body.txt", values)
    # A subject is one line, whatever the template's layout.
    return " ".join(subject.split())[:255], body.strip()


def absolute_url(path: str) -> str:
    if not path or "://" in path:
        return path
    return settings.KORPU_SITE_URL + path


def email_message(notification) -> EmailMultiAlternatives:
    """The email of an email notification: its stored subject and text, framed in its language, with a
    Message-ID made from the notification so that a copy sent twice (a crash between SMTP's reply and our
    record of it) can be recognised as the same message."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "korpu.local"
    with translation.override(notification.language):
        context = {
            "notification": notification,
            "url": absolute_url(notification.link),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
        }
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=text,
        to=[notification.recipient.email],
        headers={
            "Message-ID": f"<notification-{notification.pk}@{domain}>",
            "Auto-Submitted": "auto-generated",
            "X-Korpu-Notification": notification.event,
        },
    )
    message.attach_alternative(html, "text/html")
    return message
