"""Calls as the office makes them, staff mobility applications and competitive calls, for the tests of the call
pages, staff mobility and the competitive chain."""

from datetime import date, timedelta

from django.utils import timezone

from applications import call_services
from applications import services as application_services
from tests.support.factories import CallFactory, CallPlaceFactory
from tests.support.files import pdf_upload
from workflows.services import case_document_attach, case_submit


def call_fields(**overrides) -> dict:
    """Every field of a students' call as call_services.call_create takes them."""
    now = timezone.now()
    fields = {
        "title": "Erasmus+ 2026/27 fall — student studies",
        "programme": "erasmus",
        "mobility_type": "study",
        "audience": "students",
        "academic_year": "2026/27",
        "term": "fall",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
        "min_year_of_study": 2,
        "min_gpa": None,
        "min_language_level": "B1",
        "eligibility_notes": "",
        "required_documents": ["transcript"],
        "selection_mode": "rolling",
    }
    fields.update(overrides)
    return fields


def staff_call_fields(**overrides) -> dict:
    return call_fields(
        **{
            "title": "Erasmus+ 2026/27 — staff teaching",
            "mobility_type": "teaching",
            "audience": "staff",
            "min_year_of_study": None,
            "required_documents": [],
            **overrides,
        }
    )


def office_call(world, *, actor=None, departments=None, **overrides):
    """A call made through call_services by the prorector (or `actor`), for Computer Engineering by default."""
    return call_services.call_create(
        actor=actor or world.prorector,
        departments=departments if departments is not None else [world.departments["ce"]],
        **call_fields(**overrides),
    )


def staff_call(world, **overrides):
    """An open staff teaching call with the world's partners (places set directly), as the demo has one."""
    call = CallFactory(
        audience="staff",
        mobility_type=overrides.pop("mobility_type", "teaching"),
        min_year_of_study=None,
        min_gpa=None,
        min_language_level="",
        required_documents=["programme"],
        **overrides,
    )
    for place in world.places:
        CallPlaceFactory(call=call, partner=place.partner, places=place.places)
    return call


def valid_staff_fields(**overrides) -> dict:
    fields = {
        "motivation": "Teach a block course on compilers.",
        "period_start": date(2027, 3, 1),
        "period_end": date(2027, 3, 7),
        "teaching_hours": 8,
        "host_contact_name": "Prof. Dr. Anna Weber",
        "host_contact_email": "weber@partner.example.edu",
    }
    fields.update(overrides)
    return fields


def make_staff_application(world, call, applicant=None, *, submit=False, **overrides):
    """staff1's staff mobility application with its programme uploaded; submitted when asked."""
    applicant = applicant or world.staff1
    application = application_services.application_create(
        applicant=applicant, call=call, choices=[world.partners[0].pk], **valid_staff_fields(**overrides)
    )
    case_document_attach(case=application, actor=applicant, kind="programme", file=pdf_upload("programme.pdf"))
    return case_submit(case=application, actor=applicant) if submit else application


def competitive_call(world):
    """An open competitive students' call with the world's partners."""
    call = CallFactory(selection_mode="competitive")
    for place in world.places:
        CallPlaceFactory(call=call, partner=place.partner, places=place.places)
    return call
