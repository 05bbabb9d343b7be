"""Drivers for incoming mobility: an agreement in force with incoming places, a partner invitation with its emailed
link, nominations through it, a nominee's complete application, and the chain's decisions — all through the public
services (the emails and letters through the eager tasks, once each transaction commits)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core import mail
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task

from agreements import services as agreement_services
from agreements.models import AgreementQuota, Direction
from documents.models import DocumentKind
from incoming import services
from incoming.models import IncomingApplication, PartnerInvitation
from tests.support.agreements import activate, iia_terms
from tests.support.files import PDF_BYTES, PNG_BYTES, pdf_upload, upload
from workflows.permissions import OPEN_TASK_STATUSES
from workflows.services import case_document_attach, case_submit, task_decide

YEAR = "2026/27"
LINK = re.compile(r"https?://\S+/incoming/(partner|welcome)/(\S+?)/")


def incoming_agreement(world, partner=None, places=2):
    """An agreement of Computer Engineering in force with `places` incoming student places a year."""
    terms = iia_terms(partner or world.partners[0])
    terms["conditions"].append(
        {
            "direction": "incoming",
            "category": "student_studies",
            "first_academic_year": "2026/27",
            "last_academic_year": "2027/28",
            "mobilities_per_year": places,
            "total_months_per_year": 10,
        }
    )
    agreement = agreement_services.agreement_create_draft(
        actor=world.coordinator_ce, department=world.departments["ce"], **terms
    )
    return activate(agreement)


def incoming_quota(agreement, category="student_studies"):
    return AgreementQuota.objects.get(
        agreement=agreement, academic_year=YEAR, direction=Direction.INCOMING, category=category
    )


def run_after_commit(capture, func, **kwargs):
    """Call a service and run what it deferred to commit (the eager tasks: emails, letters)."""
    with capture(execute=True):
        result = func(**kwargs)
    return result


def last_link(kind: str, to: str | None = None) -> str:
    """The token of the last emailed link of this kind ("partner" or "welcome"), to this address if given."""
    for message in reversed(mail.outbox):
        if to is not None and to not in message.to:
            continue
        found = LINK.search(message.body)
        if found and found.group(1) == kind:
            return found.group(2)
    raise AssertionError(f"no {kind} link emailed")


def invite(world, capture, agreement, **overrides) -> tuple[PartnerInvitation, str]:
    """coordinator_ce invites the partner's coordinator; returns the invitation and the emailed token."""
    today = timezone.localdate()
    fields = {
        "actor": world.coordinator_ce,
        "agreement": agreement,
        "academic_year": YEAR,
        "coordinator_email": "erasmus@partner.example.edu",
        "coordinator_name": "Dr. Weber",
        "expires_on": today + timedelta(days=30),
        "fall_deadline": today + timedelta(days=20),
        **overrides,
    }
    invitation = run_after_commit(capture, services.invitation_create, **fields)
    return invitation, last_link("partner", fields["coordinator_email"])


def nominate(capture, invitation, email="anna@student.example.edu", first_name="Anna", last_name="Schmidt", **kw):
    fields = {
        "invitation": invitation,
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "level": "bachelor",
        "category": "student_studies",
        "term": "fall",
        **kw,
    }
    return run_after_commit(capture, services.nomination_create, **fields)


COMPLETE = {
    "date_of_birth": date(2003, 5, 17),
    "nationality": "DE",
    "passport_number": "C01X00T47",
    "passport_expires_on": date(2031, 1, 1),
    "home_programme": "BSc Computer Science",
    "period_start": date(2026, 9, 15),
    "period_end": date(2027, 1, 31),
    "intended_courses": "Algorithms; Databases",
    "language_level": "B2",
    "accommodation_needed": True,
    "arrival_date": date(2026, 9, 10),
    "departure_date": date(2027, 2, 5),
    "needs_visa": True,
}


def complete_application(nomination, **overrides) -> IncomingApplication:
    """The nominee fills in everything and uploads the four documents."""
    application = nomination.application
    user = nomination.nominee
    services.incoming_update(application=application, actor=user, **{**COMPLETE, **overrides})
    for kind in (DocumentKind.PASSPORT_COPY, DocumentKind.TRANSCRIPT, DocumentKind.LANGUAGE_CERTIFICATE):
        case_document_attach(case=application, actor=user, kind=kind, file=pdf_upload(f"{kind}.pdf", PDF_BYTES))
    case_document_attach(
        case=application, actor=user, kind=DocumentKind.PHOTO, file=upload("photo.png", PNG_BYTES, "image/png")
    )
    application.refresh_from_db()
    return application


def submitted(nomination) -> IncomingApplication:
    application = complete_application(nomination)
    return case_submit(case=application, actor=nomination.nominee)


def open_task_id(application) -> int:
    return (
        Task.objects.filter(process__incomingprocess__application=application, status__in=OPEN_TASK_STATUSES)
        .values_list("pk", flat=True)
        .get()
    )


def decide(user, application, decision="approve", comment="ok"):
    return task_decide(user=user, task_id=open_task_id(application), decision=decision, comment=comment)


def at_office_review(world, application):
    application = decide(world.coordinator_ce, application)
    return decide(world.head_ce, application)


def atomic(func, **kwargs):
    with transaction.atomic():
        return func(**kwargs)
