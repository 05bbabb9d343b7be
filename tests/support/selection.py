"""Building a competitive call's selection in tests: the call and its eligible applications (made directly, as the
coordinator's approval in a competitive call will leave them), its rules set through the services before the
deadline, the committee's scores, and the result driven through the shared kernel."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from applications.models import Application, ApplicationStatus, Call, CallPlace, HostChoice, SelectionMode
from selection import services
from selection.models import Selection
from tests.support.factories import CallFactory, CallPlaceFactory, PartnerFactory, UserFactory, valid_application_fields
from workflows.selectors import open_task_for_process
from workflows.services import case_submit, task_decide

CRITERIA = (("Motivation", "10", "50"), ("Language", "10", "30"), ("Interview", "20", "20"))


def competitive_call(world, *, places=(2, 1), department="ce") -> Call:
    """An open competitive call of the world's department with a partner per entry of `places`."""
    call = CallFactory(selection_mode=SelectionMode.COMPETITIVE, title="Erasmus+ competitive call")
    if hasattr(call, "departments"):
        call.departments.set([world.departments[department]])
    for n in places:
        CallPlaceFactory(call=call, partner=PartnerFactory(), places=n)
    return call


def call_places(call) -> list[CallPlace]:
    return list(CallPlace.objects.filter(call=call).select_related("partner").order_by("pk"))


def configure(world, call, *, committee=None, **rules) -> None:
    """The rules (weights: Motivation 50, Language 30, Interview 20 points) and the committee, before the deadline."""
    committee = committee if committee is not None else [world.coordinator_ce, world.staff1]
    services.selection_settings_save(
        call=call,
        actor=world.coordinator_ce,
        committee=committee,
        **{
            "department": world.departments["ce"],
            "first_mobility_points": Decimal("5"),
            "fewer_opportunities_points": Decimal("5"),
            "acceptance_days": 5,
            **rules,
        },
    )
    for position, (name, max_score, weight) in enumerate(CRITERIA):
        services.criterion_save(
            call=call,
            actor=world.coordinator_ce,
            name=name,
            max_score=Decimal(max_score),
            weight=Decimal(weight),
            position=position,
        )


def eligible_application(call, *, applicant=None, department=None, choices=(), gpa="85.00", minutes=0) -> Application:
    """An application the coordinator found eligible, with ranked choices among `choices` (CallPlaces)."""
    applicant = applicant or UserFactory(roles=["student"], departments=[department] if department else [])
    department = department or applicant.departments.order_by("pk").first()
    fields = {**valid_application_fields(), "gpa": gpa}
    application = Application.objects.create(
        applicant=applicant,
        call=call,
        department=department,
        status=ApplicationStatus.ELIGIBLE,
        submitted_at=call.opens_at + timedelta(minutes=minutes),
        **fields,
    )
    for rank, place in enumerate(choices, 1):
        HostChoice.objects.create(application=application, rank=rank, place=place)
    return application


def close(call) -> Call:
    """The deadline passes."""
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(opens_at=now - timedelta(days=40), closes_at=now - timedelta(minutes=1))
    call.refresh_from_db()
    return call


def score(call, member, application, values) -> None:
    """`member` scores `application` on the call's criteria, in order."""
    for criterion, value in zip(call.selection_criteria.order_by("position", "pk"), values, strict=True):
        services.score_record(
            call=call, member=member, application_id=application.pk, criterion_id=criterion.pk, value=Decimal(value)
        )


def submitted_result(world, call) -> Selection:
    selection = services.selection_run(call=call, actor=world.coordinator_ce)
    return case_submit(case=selection, actor=world.coordinator_ce)


def decide_result(user, selection, decision="approve", comment="ok") -> Selection:
    task = open_task_for_process(selection.process)
    return task_decide(user=user, task_id=task.pk, decision=decision, comment=comment)


def published(world, call) -> Selection:
    selection = submitted_result(world, call)
    decide_result(world.head_ce, selection)
    return decide_result(world.prorector, selection)


def selection_pages(world) -> dict:
    """Something on every selection page, for the CSP and accessibility pass (tests/browser/test_csp.py): a call
    whose result waits for the department head (its rules, score sheet, result and task pages) and a published one
    with an offer to student1 (the offer pages), student2's appeal before the prorector and student3 free to appeal.
    Returns {"user": [urls...]}."""
    ce = world.departments["ce"]
    reviewing = competitive_call(world, places=(1, 1))
    a, b = call_places(reviewing)
    configure(world, reviewing)
    first = eligible_application(reviewing, department=ce, choices=[a, b])
    second = eligible_application(reviewing, department=ce, choices=[b])
    close(reviewing)
    for application in (first, second):
        score(reviewing, world.staff1, application, ("7", "8", "15"))
    in_review = submitted_result(world, reviewing)
    task = open_task_for_process(in_review.process)

    done = competitive_call(world, places=(1,))
    (place,) = call_places(done)
    configure(world, done)
    mine = eligible_application(done, applicant=world.student1, choices=[place])
    appellant = eligible_application(done, applicant=world.student2, choices=[place])
    waiting = eligible_application(done, applicant=world.student3, choices=[place])
    close(done)
    score(done, world.staff1, mine, ("9", "9", "18"))
    score(done, world.staff1, appellant, ("5", "5", "10"))
    score(done, world.staff1, waiting, ("4", "4", "8"))
    result = published(world, done)
    offer = result.offers.get()
    appellant.refresh_from_db()
    made = services.appeal_create(application=appellant, actor=world.student2, reason="My marks were swapped.")
    made = case_submit(case=made, actor=world.student2)
    return {
        "coordinator_ce": [
            f"/selection/calls/{reviewing.pk}/",
            f"/selection/calls/{reviewing.pk}/criteria/{reviewing.selection_criteria.first().pk}/",
            f"/selection/results/{in_review.pk}/",
            f"/selection/results/{result.pk}/",
        ],
        "staff1": [f"/selection/calls/{reviewing.pk}/scores/"],
        "head_ce": [f"/tasks/{task.pk}/"],
        "prorector": [f"/tasks/{open_task_for_process(made.process).pk}/"],
        "student2": [f"/selection/appeals/{made.pk}/", f"/applications/{appellant.pk}/"],
        "student3": [f"/selection/appeals/new/{waiting.pk}/"],
        "student1": ["/selection/offers/", f"/selection/offers/{offer.pk}/", f"/applications/{mine.pk}/"],
    }
