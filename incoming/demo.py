"""Demo data of incoming mobility (called by `load_demo`): the TU Berlin agreement's incoming quota for 2026/27 and
an invitation of TU Berlin's coordinator by coordinator_ce, its link emailed at once (var/mail/ in `make run`), so a
new user can open it, nominate, complete the nominee's application through the nominee's emailed link, and accept it
as coordinator_ce, head_ce and prorector. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from agreements.models import Agreement
from incoming import services
from incoming.models import IncomingEmail, PartnerInvitation

DEMO_YEAR = "2026/27"
DEMO_COORDINATOR_EMAIL = "erasmus-incoming@tu-berlin.example"


def load_incoming_demo(*, agreement: Agreement) -> PartnerInvitation | None:
    """The invitation of the agreement's partner for 2026/27 (made once); None if the agreement has no incoming
    places that year."""
    existing = PartnerInvitation.objects.filter(agreement=agreement, academic_year=DEMO_YEAR).first()
    if existing is not None:
        return existing
    if not agreement.quotas.filter(academic_year=DEMO_YEAR, direction="incoming", places__gt=0).exists():
        return None
    today = timezone.localdate()
    invitation = services.invitation_create(
        actor=User.objects.get(username="coordinator_ce"),
        agreement=agreement,
        academic_year=DEMO_YEAR,
        coordinator_email=DEMO_COORDINATOR_EMAIL,
        coordinator_name="Dr. Lena Vogel",
        expires_on=today + timedelta(days=90),
        fall_deadline=today + timedelta(days=60),
        spring_deadline=today + timedelta(days=120),
    )
    # Send the link now rather than through the worker, so the demo's mail folder has it at once (the queued task
    # then finds it sent and does nothing).
    for email_id in IncomingEmail.objects.filter(
        subject_key=f"invitation:{invitation.pk}", sent_at__isnull=True
    ).values_list("pk", flat=True):
        services.incoming_email_send(email_id=email_id)
    return invitation
