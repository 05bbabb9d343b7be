"""Drivers for inter-institutional agreements: their terms (as services and as the API take them), a draft, an
agreement put in force directly, and one taken through approval and signature by the flow's own services."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from agreements import services
from tests.support.drivers import decide, open_task
from tests.support.files import pdf_upload
from workflows import agreement as flow_steps
from workflows.services import case_submit


def iia_terms(partner, **overrides):
    """Terms of an Erasmus+ IIA with outgoing and incoming student and staff rows for 2026/27–2027/28."""
    terms = {
        "title": f"Erasmus+ IIA with {partner.name}",
        "type": "erasmus_iia",
        "partner": partner.pk,
        "partner_unit": None,
        "start_date": date(2026, 9, 1),
        "end_date": date(2028, 8, 31),
        "text": "Both parties agree to exchange students and staff.",
        "conditions": [
            {
                "direction": "outgoing",
                "category": "student_studies",
                "first_academic_year": "2026/27",
                "last_academic_year": "2027/28",
                "mobilities_per_year": 2,
                "total_months_per_year": 10,
                "subject_areas": ["0613"],
                "eqf_levels": [6, 7],
                "languages": [{"language": "en", "cefr": "B2"}],
            },
            {
                "direction": "incoming",
                "category": "staff_teaching",
                "first_academic_year": "2026/27",
                "last_academic_year": "2027/28",
                "mobilities_per_year": 1,
                "total_days_per_year": 5,
            },
        ],
    }
    terms.update(overrides)
    return terms


def agreement_body(partner_id, **overrides):
    """The same kind of terms as a client posts them to /api/v1/agreements/."""
    body = {
        "title": "Erasmus+ IIA with TU Wien",
        "type": "erasmus_iia",
        "partner": partner_id,
        "start_date": "2026-09-01",
        "end_date": "2028-08-31",
        "text": "Both parties agree to exchange students and staff.",
        "our_signatory_name": "Prof. Aliyev",
        "conditions": [
            {
                "direction": "outgoing",
                "category": "student_studies",
                "first_academic_year": "2026/27",
                "last_academic_year": "2027/28",
                "mobilities_per_year": 2,
                "total_months_per_year": "10",
                "subject_areas": ["0613"],
                "eqf_levels": [6, 7],
                "languages": [{"language": "en", "cefr": "B2"}],
            },
            {
                "direction": "incoming",
                "category": "staff_teaching",
                "first_academic_year": "2026/27",
                "last_academic_year": "2027/28",
                "mobilities_per_year": 1,
                "total_days_per_year": 5,
            },
        ],
    }
    body.update(overrides)
    return body


def draft_agreement(world, partner=None, **overrides):
    """coordinator_ce's draft for Computer Engineering with `iia_terms` (of the first partner by default)."""
    return services.agreement_create_draft(
        actor=world.coordinator_ce,
        department=world.departments["ce"],
        **iia_terms(partner or world.partners[0], **overrides),
    )


def activate(agreement):
    """Put the agreement in force directly (as the daily sweep does on its start date), skipping the flow."""
    with transaction.atomic():
        services.agreement_activate(agreement=agreement)
    agreement.refresh_from_db()
    return agreement


def active_agreement(world, partner, places=2):
    """An agreement in force whose outgoing student row offers `places` mobilities a year."""
    terms = iia_terms(partner)
    terms["conditions"][0]["mobilities_per_year"] = places
    agreement = services.agreement_create_draft(actor=world.coordinator_ce, department=world.departments["ce"], **terms)
    return activate(agreement)


def make_active(world, agreement):
    """Submit the draft, approve it (head, prorector), mark it sent and record the signed copy: the flow's way."""
    agreement = case_submit(case=agreement, actor=world.coordinator_ce)
    for user in (world.head_ce, world.prorector):
        agreement = decide(user, agreement)
    flow_steps.agreement_mark_sent(user=world.coordinator_ce, task_id=open_task(agreement).pk)
    return flow_steps.agreement_record_signed(
        user=world.coordinator_ce,
        task_id=open_task(agreement).pk,
        our_signed_on=timezone.localdate(),
        partner_signed_on=timezone.localdate(),
        file=pdf_upload("signed.pdf"),
    )
