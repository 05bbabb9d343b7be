"""The selection's pages (rules, score sheet with its plain-form fallback, result, task page, offer) and its REST API
(field errors with codes, 403/404/409), as the office and the applicants use them."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from applications.models import ApplicationStatus
from selection.models import Offer, OfferStatus, Score, SelectionStatus
from tests.support.selection import (
    call_places,
    close,
    competitive_call,
    configure,
    eligible_application,
    published,
    score,
)
from workflows.selectors import open_task_for_process

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def closed_call(world):
    call = competitive_call(world, places=(1, 1))
    a, b = call_places(call)
    configure(world, call)
    ce = world.departments["ce"]
    first = eligible_application(call, department=ce, choices=[a, b])
    second = eligible_application(call, department=ce, choices=[a, b])
    close(call)
    return call, first, second


def test_rules_page_before_the_deadline_and_criteria_shown_to_applicants(world, client):
    call = competitive_call(world)
    client.force_login(world.coordinator_ce)
    page = client.get(f"/selection/calls/{call.pk}/")
    assert page.status_code == 200 and "Save the rules" in page.content.decode()
    response = client.post(
        f"/selection/calls/{call.pk}/",
        {
            "department": world.departments["ce"].pk,
            "tie_break": "gpa_submitted",
            "first_mobility_points": "3",
            "fewer_opportunities_points": "4",
            "minimum_score": "0",
            "acceptance_days": "6",
            "appeal_days": "5",
            "committee": [world.staff1.pk],
        },
    )
    assert response.status_code == 302
    assert call.selection_settings.acceptance_days == 6
    response = client.post(
        f"/selection/calls/{call.pk}/criteria/",
        {"new-name": "Motivation", "new-weight": "60", "new-max_score": "10", "new-position": "0"},
    )
    assert response.status_code == 302 and call.selection_criteria.get().weight == Decimal("60")
    # the published criteria appear where applicants choose a call (the include on the calls' pages)
    client.force_login(world.student1)
    choose = client.get("/applications/new/").content.decode()
    assert "How applications are selected" in choose and "Motivation" in choose
    # someone else's department: not even found
    client.force_login(world.coordinator_math)
    assert client.get(f"/selection/calls/{call.pk}/").status_code == 404


def test_score_sheet_fallback_form_and_the_api_the_script_uses(world, client, closed_call):
    call, first, second = closed_call
    criteria = list(call.selection_criteria.order_by("position"))
    client.force_login(world.staff1)
    sheet = client.get(f"/selection/calls/{call.pk}/scores/")
    body = sheet.content.decode()
    assert sheet.status_code == 200 and f'name="score-{first.pk}-{criteria[0].pk}"' in body
    assert "js/score_sheet.js" in body
    # without the script: one POST saves every changed cell
    response = client.post(
        f"/selection/calls/{call.pk}/scores/",
        {f"score-{first.pk}-{c.pk}": "5" for c in criteria} | {f"score-{second.pk}-{criteria[0].pk}": "7,5"},
    )
    assert response.status_code == 302
    assert Score.objects.filter(member=world.staff1).count() == 4
    assert Score.objects.get(application=second, criterion=criteria[0]).value == Decimal("7.5")
    # the API the script posts to, cell by cell; field errors carry their code
    client_api = api(world.staff1)
    saved = client_api.post(
        f"/api/v1/selection/calls/{call.pk}/scores/",
        {"application": second.pk, "criterion": criteria[1].pk, "value": "9"},
        format="json",
    )
    assert saved.status_code == 200 and saved.json() == {
        "application": second.pk,
        "criterion": criteria[1].pk,
        "value": "9.00",
        "scored_by": 1,
    }
    too_high = client_api.post(
        f"/api/v1/selection/calls/{call.pk}/scores/",
        {"application": second.pk, "criterion": criteria[1].pk, "value": "11"},
        format="json",
    )
    assert too_high.status_code == 400 and too_high.json()["codes"] == {"value": ["score_out_of_range"]}
    # not on the committee: refused with the reason; a stranger to the call: not found
    head = api(world.head_ce).post(
        f"/api/v1/selection/calls/{call.pk}/scores/",
        {"application": second.pk, "criterion": criteria[1].pk, "value": "1"},
        format="json",
    )
    assert head.status_code == 404
    assert api(world.coordinator_math).get(f"/api/v1/selection/calls/{call.pk}/scores/").status_code == 404
    # bonuses are the coordinator's
    bonus = api(world.coordinator_ce).post(
        f"/api/v1/selection/calls/{call.pk}/bonuses/",
        {"application": first.pk, "first_mobility": True, "fewer_opportunities": False},
        format="json",
    )
    assert bonus.status_code == 200 and bonus.json()["first_mobility"] is True
    assert (
        api(world.staff1)
        .post(
            f"/api/v1/selection/calls/{call.pk}/bonuses/",
            {"application": first.pk, "first_mobility": True, "fewer_opportunities": True},
            format="json",
        )
        .status_code
        == 403
    )


def test_run_submit_and_decide_through_the_api_and_the_task_page(world, client, closed_call):
    call, first, second = closed_call
    coordinator = api(world.coordinator_ce)
    missing = coordinator.post(f"/api/v1/selection/calls/{call.pk}/run/")
    assert missing.status_code == 400 and missing.json()["codes"] == {"scores": ["scores_missing"]}
    score(call, world.staff1, first, ("9", "9", "18"))
    score(call, world.staff1, second, ("5", "5", "10"))
    run = coordinator.post(f"/api/v1/selection/calls/{call.pk}/run/")
    assert run.status_code == 200, run.content
    selection_id = run.json()["id"]
    assert [e["outcome"] for e in run.json()["result"]["ranking"]] == ["selected", "selected"]
    submitted = coordinator.post(f"/api/v1/selection/results/{selection_id}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "head_review"
    again = coordinator.post(f"/api/v1/selection/results/{selection_id}/submit/")
    assert again.status_code == 409 and again.json()["code"] == "selection_frozen"
    # the head decides on the shared task page, which shows the result
    from selection.models import Selection

    selection = Selection.objects.get(pk=selection_id)
    task = open_task_for_process(selection.process)
    client.force_login(world.head_ce)
    page = client.get(f"/tasks/{task.pk}/")
    assert page.status_code == 200 and "Ranking" in page.content.decode()
    decided = client.post(f"/tasks/{task.pk}/", {"task_id": task.pk, "decision": "approve", "comment": "fine"})
    assert decided.status_code == 302
    # the prorector through the shared decision API: the body is the result
    task = open_task_for_process(selection.process)
    answer = api(world.prorector).post(
        f"/api/v1/tasks/{task.pk}/decision/", {"decision": "approve", "comment": ""}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == SelectionStatus.PUBLISHED
    history = coordinator.get(f"/api/v1/selection/results/{selection_id}/history/").json()["results"]
    assert [line["action"] for line in history][-1] == "published"
    # the result page for the office
    client.force_login(world.coordinator_ce)
    assert "Published on" in client.get(f"/selection/results/{selection_id}/").content.decode()


def test_the_applicant_answers_on_the_offer_page_and_through_the_api(world, client, closed_call):
    call, first, second = closed_call
    score(call, world.coordinator_ce, first, ("9", "9", "18"))
    score(call, world.coordinator_ce, second, ("5", "5", "10"))
    score(call, world.staff1, first, ("9", "9", "18"))
    score(call, world.staff1, second, ("5", "5", "10"))
    published(world, call)
    offer = Offer.objects.get(application=first)
    client.force_login(first.applicant)
    # the application's page shows the outcome and leads to the answer
    case_page = client.get(f"/applications/{first.pk}/").content.decode()
    assert 'id="selection-outcome"' in case_page and f"/selection/offers/{offer.pk}/" in case_page
    second_page = client.get(f"/applications/{second.pk}/")
    assert second_page.status_code == 404
    assert client.get("/selection/offers/").status_code == 200
    page = client.get(f"/selection/offers/{offer.pk}/")
    assert page.status_code == 200 and "Accept the place" in page.content.decode()
    assert client.post(f"/selection/offers/{offer.pk}/", {"answer": "accept"}).status_code == 302
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.ACCEPTED
    first.refresh_from_db()
    assert first.status == ApplicationStatus.ACCEPTED
    # through the API: the other applicant declines; a third party cannot see the offer
    other = Offer.objects.get(application=second)
    assert api(first.applicant).post(f"/api/v1/selection/offers/{other.pk}/decline/").status_code == 404
    mine = api(second.applicant).get("/api/v1/selection/offers/").json()["results"]
    assert [o["id"] for o in mine] == [other.pk]
    declined = api(second.applicant).post(
        f"/api/v1/selection/offers/{other.pk}/decline/", {"comment": "Found a job"}, format="json"
    )
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    twice = api(second.applicant).post(f"/api/v1/selection/offers/{other.pk}/accept/")
    assert twice.status_code == 409 and twice.json()["code"] == "offer_not_open"
