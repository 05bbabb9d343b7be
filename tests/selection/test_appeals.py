"""Appeals against a published selection result: a case of the kind "appeal" the prorector decides through the shared
kernel. Upheld, the allocation runs again for the places still free (never one someone holds); dismissed, the result
stands; after the window, refused. Two upheld appeals racing for the last free place on real PostgreSQL."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from applications.models import Application, ApplicationStatus, CallPlace, CaseEvent
from core.errors import AppealWindowClosed, ErrorCode
from selection import services
from selection.models import Appeal, AppealStatus, Offer, OfferStatus, ReserveEntry, Selection
from tests.support.concurrency import decide_as, run_together
from tests.support.selection import (
    call_places,
    close,
    competitive_call,
    configure,
    eligible_application,
    published,
    score,
)
from workflows.selectors import inbox_tasks, open_task_for_process
from workflows.services import case_submit, task_decide


def build(world):
    """Published with a minimum of 50 points: A (1 place) to ann; C (1 place) chosen only by eve and fay, who
    scored below the minimum and so are not selected; C stays free. bob waits on A's reserve list."""
    call = competitive_call(world, places=(1, 1))
    a, c = call_places(call)
    configure(world, call, committee=[world.staff1], minimum_score=Decimal("50"))
    ce = world.departments["ce"]
    people = {
        "ann": eligible_application(call, department=ce, choices=[a]),
        "bob": eligible_application(call, department=ce, choices=[a]),
        "eve": eligible_application(call, department=ce, choices=[c]),
        "fay": eligible_application(call, department=ce, choices=[c]),
    }
    close(call)
    for name, mark in (("ann", "9"), ("bob", "8"), ("eve", "4"), ("fay", "3")):
        score(call, world.staff1, people[name], (mark, mark, str(int(mark) * 2)))
    selection = published(world, call)
    return selection, a, c, people


def appeal(application, reason="My interview marks were swapped with another applicant's."):
    made = services.appeal_create(application=application, actor=application.applicant, reason=reason)
    return case_submit(case=made, actor=application.applicant)


@pytest.mark.django_db
def test_an_upheld_appeal_gets_a_place_still_free_and_a_dismissed_one_changes_nothing(world):
    selection, a, c, people = build(world)
    eve, fay, bob = people["eve"], people["fay"], people["bob"]
    eve.refresh_from_db()
    assert eve.status == ApplicationStatus.NOT_SELECTED
    # a selected applicant may not appeal; eve may, once
    with pytest.raises(ValidationError) as refused:
        services.appeal_create(application=people["ann"], actor=people["ann"].applicant, reason="More!")
    assert refused.value.error_dict["application"][0].code == ErrorCode.APPEAL_NOT_ALLOWED
    eve_appeal = appeal(eve)
    assert eve_appeal.status == AppealStatus.PRORECTOR_REVIEW
    task = open_task_for_process(eve_appeal.process)
    assert task in inbox_tasks(user=world.prorector)
    assert CaseEvent.objects.filter(application=eve, action=CaseEvent.Action.APPEALED).exists()
    with pytest.raises(ValidationError) as twice:
        services.appeal_create(application=eve, actor=eve.applicant, reason="Again")
    assert twice.value.error_dict["application"][0].code == ErrorCode.DUPLICATE_APPEAL

    # upheld: C is still free, eve gets it with an offer to answer
    task_decide(user=world.prorector, task_id=task.pk, decision="approve", comment="Marks corrected.")
    eve.refresh_from_db()
    assert (eve.status, eve.nominated_place_id) == (ApplicationStatus.SELECTED, c.pk)
    assert Offer.objects.get(application=eve).status == OfferStatus.OPEN
    assert CallPlace.objects.get(pk=c.pk).places_taken == 1
    assert Appeal.objects.get(pk=eve_appeal.pk).status == AppealStatus.UPHELD

    # fay's appeal is upheld too, but C is taken now: she joins the end of C's reserve list
    fay_appeal = appeal(fay)
    task_decide(user=world.prorector, task_id=open_task_for_process(fay_appeal.process).pk, decision="approve")
    fay.refresh_from_db()
    assert fay.status == ApplicationStatus.RESERVE
    assert ReserveEntry.objects.filter(selection=selection, place=c, application=fay).exists()
    assert CallPlace.objects.get(pk=c.pk).places_taken == 1

    # bob's is dismissed: nothing changes; A stays ann's
    bob_appeal = appeal(bob)
    task_decide(
        user=world.prorector, task_id=open_task_for_process(bob_appeal.process).pk, decision="reject", comment="No."
    )
    bob.refresh_from_db()
    assert bob.status == ApplicationStatus.RESERVE
    assert Appeal.objects.get(pk=bob_appeal.pk).status == AppealStatus.DISMISSED
    assert CaseEvent.objects.filter(application=bob, action=CaseEvent.Action.APPEAL_DISMISSED).exists()
    assert CallPlace.objects.get(pk=a.pk).places_taken == 1


@pytest.mark.django_db
def test_no_appeal_after_the_window(world, client):
    selection, _a, _c, people = build(world)
    Selection.objects.filter(pk=selection.pk).update(published_at=selection.published_at - timedelta(days=8))
    with pytest.raises(AppealWindowClosed):
        services.appeal_create(application=people["eve"], actor=people["eve"].applicant, reason="Late")
    client.force_login(people["eve"].applicant)
    page = client.get(f"/applications/{people['eve'].pk}/").content.decode()
    assert "Appeal against the result" not in page


@pytest.mark.django_db
def test_appeal_pages_and_api(world, client):
    _selection, _a, _c, people = build(world)
    eve, fay = people["eve"], people["fay"]
    client.force_login(eve.applicant)
    page = client.get(f"/applications/{eve.pk}/").content.decode()
    assert f"/selection/appeals/new/{eve.pk}/" in page
    assert client.post(f"/selection/appeals/new/{eve.pk}/", {"reason": ""}).status_code == 400
    response = client.post(f"/selection/appeals/new/{eve.pk}/", {"reason": "Please look again."})
    assert response.status_code == 302
    made = Appeal.objects.get(application=eve)
    assert client.get(f"/selection/appeals/{made.pk}/").status_code == 200
    # the prorector sends it back for more; eve says more and sends it again
    client.force_login(world.prorector)
    task = open_task_for_process(made.process)
    assert "Please look again." in client.get(f"/tasks/{task.pk}/").content.decode()
    client.post(f"/tasks/{task.pk}/", {"task_id": task.pk, "decision": "request_changes", "comment": "Which marks?"})
    client.force_login(eve.applicant)
    assert client.post(f"/selection/appeals/{made.pk}/", {"reason": "The interview marks."}).status_code == 302
    made.refresh_from_db()
    assert (made.status, made.reason) == (AppealStatus.PRORECTOR_REVIEW, "The interview marks.")
    # through the API: fay appeals; a stranger cannot see the appeal
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(fay.applicant)
    answer = api.post("/api/v1/selection/appeals/", {"application": fay.pk, "reason": "Too low."}, format="json")
    assert answer.status_code == 201 and answer.json()["status"] == "prorector_review"
    again = api.post("/api/v1/selection/appeals/", {"application": fay.pk, "reason": "Again"}, format="json")
    assert again.status_code == 400 and again.json()["codes"] == {"application": ["duplicate_appeal"]}
    stranger = APIClient()
    stranger.force_login(world.student3)
    assert stranger.get(f"/api/v1/selection/appeals/{answer.json()['id']}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_upheld_appeals_race_for_the_last_free_place(world):
    _selection, _a, c, people = build(world)
    eve_task = open_task_for_process(appeal(people["eve"]).process)
    fay_task = open_task_for_process(appeal(people["fay"]).process)
    outcomes = run_together(decide_as("prorector", eve_task.pk), decide_as("prorector", fay_task.pk))
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    statuses = sorted(
        Application.objects.filter(pk__in=[people["eve"].pk, people["fay"].pk]).values_list("status", flat=True)
    )
    assert statuses == [ApplicationStatus.RESERVE, ApplicationStatus.SELECTED]
    place = CallPlace.objects.get(pk=c.pk)
    assert place.places_taken == 1 == Offer.objects.filter(place=c, status=OfferStatus.OPEN).count()
