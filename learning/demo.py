"""The demo's learning agreement (called by load_demo): student1's mobility to TU Berlin, approved through the real
chain in a call of its own (closed afterwards, so the demo's open call stays free for student1 to apply to), with a
learning agreement draft ready for student1 to sign; then coordinator_ce signs, and the receiving coordinator signs
through the link emailed to var/mail/. TU Berlin has a small course catalogue."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Department, User
from applications import call_services
from applications import services as application_services
from applications.models import Audience, Call, CallPlace, MobilityType, Programme, Term
from learning import services
from learning.models import LearningAgreement, PartnerCourse
from workflows import services as flow_services
from workflows.selectors import open_task_for_application

DEMO_LA_CALL = "Erasmus+ 2026/27 spring — studies at TU Berlin (learning agreement demo)"
CATALOGUE = (
    ("DS-1", "Distributed Systems", "12", "spring"),
    ("ML-2", "Machine Learning", "12", "spring"),
    ("CC-3", "Cloud Computing", "12", "spring"),
    ("DE-1", "German A2", "6", "spring"),
    ("SE-4", "Software Engineering Project", "6", "spring"),
)


def demo_content() -> dict:
    return {
        "mobility": {
            "start_date": "2027-02-01",
            "end_date": "2027-07-15",
            "eqf_level": 6,
            "isced_code": "0613",
            "isced_clarification": "Software and applications development and analysis",
            "language": "en",
            "language_level": "B2",
            "receiving_unit": "Faculty IV — Electrical Engineering and Computer Science",
        },
        "components": [
            {"table": "A", "code": "DS-1", "title": "Distributed Systems", "ects": "12", "term": "spring"},
            {"table": "A", "code": "ML-2", "title": "Machine Learning", "ects": "12", "term": "spring"},
            {"table": "A", "code": "DE-1", "title": "German A2", "ects": "6", "term": "spring"},
            {"table": "B", "code": "CE-401", "title": "Distributed Computing", "ects": "12", "term": "spring"},
            {"table": "B", "code": "CE-412", "title": "Artificial Intelligence", "ects": "12", "term": "spring"},
            {"table": "B", "code": "CE-090", "title": "Foreign Language (elective)", "ects": "6", "term": "spring"},
        ],
    }


def load_learning_demo(*, now, department: Department, partner) -> LearningAgreement | None:
    """`partner`: TU Berlin. Returns student1's learning agreement (made once)."""
    for code, title, ects, term in CATALOGUE:
        PartnerCourse.objects.get_or_create(
            partner=partner, code=code, defaults={"title": title, "ects": Decimal(ects), "term": term, "language": "en"}
        )
    existing = LearningAgreement.objects.filter(application__call__title=DEMO_LA_CALL).first()
    if existing is not None:
        return existing
    student = User.objects.get(username="student1")
    prorector = User.objects.get(username="prorector")
    call = call_services.call_create(
        actor=prorector,
        departments=[department],
        title=DEMO_LA_CALL,
        programme=Programme.ERASMUS,
        mobility_type=MobilityType.STUDY,
        audience=Audience.STUDENTS,
        academic_year="2026/27",
        term=Term.SPRING,
        opens_at=now - timedelta(days=60),
        closes_at=now + timedelta(days=1),
        min_year_of_study=2,
        min_gpa=Decimal("70.00"),
        min_language_level="B1",
        eligibility_notes="",
        required_documents=[],
    )
    call_services.call_place_set_by_hand(
        call=call, actor=prorector, partner=partner, places=1, reason="The learning agreement demo's place."
    )
    place = CallPlace.objects.get(call=call, partner=partner)
    application = application_services.application_create(
        applicant=student,
        call=call,
        choices=[place.partner_id],
        motivation="Distributed systems and machine learning at TU Berlin.",
        gpa=Decimal("88.00"),
        year_of_study=3,
        language="English",
        language_level="B2",
        period_start=date(2027, 2, 1),
        period_end=date(2027, 7, 15),
    )
    flow_services.case_submit(case=application, actor=student)
    for username in ("coordinator_ce", "head_ce", "prorector"):
        task = open_task_for_application(application=application)
        flow_services.task_decide(
            user=User.objects.get(username=username), task_id=task.pk, decision="approve", comment="Approved."
        )
    # The call is over: it stays out of the open calls student1 may apply to.
    Call.objects.filter(pk=call.pk).update(closes_at=now - timedelta(minutes=1))
    agreement = services.la_start(application_id=application.pk, actor=student)
    services.la_contact_set(
        agreement_id=agreement.pk, actor=student, name="Dr. Anna Weber", email="anna.weber@tu-berlin.example"
    )
    services.la_save(agreement_id=agreement.pk, actor=student, content=demo_content(), comment="First draft.")
    return agreement
