"""Email backends that fail like an SMTP server does, for the unit tests of retries and failures."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class BusyBackend(BaseEmailBackend):
    """Every message answered "451 try again later" (a temporary failure)."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPDataError(451, b"4.3.0 Try again later")


class NoSuchUserBackend(BaseEmailBackend):
    """Every recipient refused with 550 (a permanent failure)."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"5.1.1 No such user") for m in email_messages})
