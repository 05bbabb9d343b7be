"""A mobility application through its whole life using the REST API alone: every approval,
send-back and rejection path, and resubmission after changes."""

import pytest

from applications.models import CallPlace
from tests.support.api import (
    APPLICATIONS_URL,
    CALLS_URL,
    TASKS_URL,
    api_create_ready,
    api_decide,
    api_submit,
    application_url,
    decision_url,
    token_client,
)
from tests.support.drivers import APPROVERS
from tests.support.files import pdf_upload

pytestmark = pytest.mark.django_db

STEPS = ["coordinator_review", "head_review", "prorector_review"]


def test_student_applies_and_three_approvers_approve_through_the_api(world):
    # given student1 with a token
    student = token_client("student1")
    # the open call with its partners and places left
    calls = student.get(CALLS_URL).json()
    assert calls["count"] == 1
    call = calls["results"][0]
    assert call["id"] == world.call.pk
    assert call["required_documents"] == ["transcript", "passport_copy"]
    partners = {p["id"]: p for p in call["partners"]}
    first = world.partners[0].pk
    assert partners[first]["places"] == 2 and partners[first]["places_left"] == 2

    # when student1 creates a draft, uploads the required documents and submits
    created = student.post(
        APPLICATIONS_URL,
        {
            "call": call["id"],
            "choices": [first, world.partners[2].pk],
            "motivation": "I want to study distributed systems.",
            "gpa": "85.00",
            "year_of_study": 3,
            "language": "English",
            "language_level": "B2",
            "period_start": "2027-02-01",
            "period_end": "2027-06-30",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    app = created.json()
    assert app["status"] == "draft"
    assert [c["partner_id"] for c in app["choices"]] == [first, world.partners[2].pk]
    for kind in call["required_documents"]:
        upload = student.post(
            application_url(app["id"], "documents/"),
            {"kind": kind, "file": pdf_upload(f"{kind}.pdf")},
            format="multipart",
        )
        assert upload.status_code == 201, upload.content
        document = upload.json()
        assert document["kind"] == kind
        assert document["version"] == 1
        assert document["original_name"] == f"{kind}.pdf"
        assert document["content_type"] == "application/pdf"
        assert document["size"] > 0
        # the document can be downloaded with the same token
        download = student.get(document["download_url"])
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF-")
    submitted = api_submit(student, app["id"])
    assert submitted["status"] == "coordinator_review"

    # then each approver finds the case in their inbox and approves it
    for username, step, status_after in zip(
        APPROVERS, STEPS, ["head_review", "prorector_review", "approved"], strict=True
    ):
        approver = token_client(username)
        tasks = approver.get(TASKS_URL).json()["results"]
        assert [(t["step"], t["application"]["id"]) for t in tasks] == [(step, app["id"])]
        task = tasks[0]
        assert task["application"]["applicant"]["username"] == "student1"
        assert task["application"]["department"]["code"] == "ce"
        assert task["application"]["call"]["id"] == world.call.pk
        assert task["application"]["status"] == step
        decided = approver.post(decision_url(task["id"]), {"decision": "approve", "comment": f"OK from {username}"})
        assert decided.status_code == 200, decided.content
        assert decided.json()["status"] == status_after
        assert approver.get(TASKS_URL).json()["count"] == 0

    final = student.get(application_url(app["id"])).json()
    assert final["status"] == "approved"
    assert final["nominated_partner"] == world.partners[0].name
    assert final["decided_at"] is not None
    assert CallPlace.objects.get(pk=world.places[0].pk).places_taken == 1
    assert student.get(CALLS_URL).json()["results"][0]["partners"][0]["places_left"] == 1

    # and the history shows every step, who took it and with which comment
    history = student.get(application_url(app["id"], "history/")).json()["results"]
    timeline = [(e["action"], e["step"], e["actor"]["username"] if e["actor"] else None) for e in history]
    assert timeline == [
        ("created", "draft", "student1"),
        ("document_uploaded", "draft", "student1"),
        ("document_uploaded", "draft", "student1"),
        ("submitted", "applicant", "student1"),
        ("approved", "coordinator_review", "coordinator_ce"),
        ("approved", "head_review", "head_ce"),
        ("approved", "prorector_review", "prorector"),
        ("place_assigned", "approve", None),
    ]
    assert history[-1]["data"]["partner"] == world.partners[0].name
    last = history[-2]
    assert last["comment"] == "OK from prorector"
    assert (last["status_before"], last["status_after"]) == ("prorector_review", "approved")
    assert last["created_at"]
    assert history[0]["actor"]["full_name"] == world.student1.get_full_name()
    # the approvers read the same timeline
    assert token_client("auditor").get(application_url(app["id"], "history/")).json()["count"] == len(history)


@pytest.mark.parametrize("sender_index", [0, 1, 2], ids=STEPS)
def test_send_back_at_any_step_then_revise_and_resubmit(world, clients, sender_index):
    student = clients.student1
    app_id = api_create_ready(student, world)
    api_submit(student, app_id)
    for username in APPROVERS[:sender_index]:
        api_decide(getattr(clients, username), app_id, "approve")
    sender = getattr(clients, APPROVERS[sender_index])

    # when the approver sends it back with a comment
    sent_back = api_decide(sender, app_id, "request_changes", "Add your transcript in English")

    # then the applicant may change it again, and the approver's inbox is empty
    assert sent_back["status"] == "changes_requested"
    assert sent_back["is_editable"] is True
    assert sender.get(TASKS_URL).json()["count"] == 0
    patched = student.patch(application_url(app_id), {"motivation": "Revised motivation"}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["motivation"] == "Revised motivation"
    upload = student.post(
        application_url(app_id, "documents/"), {"kind": "transcript", "file": pdf_upload("en.pdf")}, format="multipart"
    )
    assert upload.status_code == 201
    assert upload.json()["version"] == 2

    # and resubmitting returns it to the coordinator, who can take it all the way
    assert api_submit(student, app_id)["status"] == "coordinator_review"
    for username in APPROVERS:
        api_decide(getattr(clients, username), app_id, "approve")
    assert student.get(application_url(app_id)).json()["status"] == "approved"
    actions = [e["action"] for e in student.get(application_url(app_id, "history/")).json()["results"]]
    assert actions.count("changes_requested") == 1
    assert actions.count("resubmitted") == 1
    assert actions[-4:] == ["approved", "approved", "approved", "place_assigned"]
    event = next(
        e
        for e in student.get(application_url(app_id, "history/")).json()["results"]
        if e["action"] == "changes_requested"
    )
    assert event["comment"] == "Add your transcript in English"
    assert event["step"] == STEPS[sender_index]
    assert event["actor"]["username"] == APPROVERS[sender_index]


@pytest.mark.parametrize("rejecter_index", [0, 1, 2], ids=STEPS)
def test_reject_at_any_step_ends_the_case_with_its_reason(world, clients, rejecter_index):
    student = clients.student1
    app_id = api_create_ready(student, world)
    api_submit(student, app_id)
    for username in APPROVERS[:rejecter_index]:
        api_decide(getattr(clients, username), app_id, "approve")

    rejected = api_decide(getattr(clients, APPROVERS[rejecter_index]), app_id, "reject", "The GPA is not certified")

    assert rejected["status"] == "rejected"
    assert rejected["decided_at"] is not None
    assert rejected["is_editable"] is False
    last = student.get(application_url(app_id, "history/")).json()["results"][-1]
    assert (last["action"], last["comment"], last["status_after"]) == (
        "rejected",
        "The GPA is not certified",
        "rejected",
    )
    for username in APPROVERS:
        assert getattr(clients, username).get(TASKS_URL).json()["count"] == 0
    assert sum(p.places_taken for p in CallPlace.objects.filter(call=world.call)) == 0
    # a rejected case cannot be changed or resubmitted
    assert student.patch(application_url(app_id), {"motivation": "x"}, format="json").status_code == 409
    assert student.post(application_url(app_id, "submit/")).status_code == 409


def test_final_approval_without_a_place_left_is_409_and_the_case_stays_with_the_prorector(world, clients):
    # given two cases whose only choice is the partner with a single place
    only_place = world.partners[1].pk
    first = api_create_ready(clients.student1, world, choices=[only_place])
    second = api_create_ready(clients.student2, world, choices=[only_place])
    for app_id in (first, second):
        api_submit(clients.student1 if app_id == first else clients.student2, app_id)
        api_decide(clients.coordinator_ce, app_id, "approve")
        api_decide(clients.head_ce, app_id, "approve")
    assert api_decide(clients.prorector, first, "approve")["status"] == "approved"

    # when the prorector approves the second one
    task_id = clients.prorector.get(TASKS_URL).json()["results"][0]["id"]
    response = clients.prorector.post(decision_url(task_id), {"decision": "approve", "comment": "ok"})

    # then 409, the case still waits in the prorector's inbox, and the place is not overbooked
    assert response.status_code == 409
    assert response.json()["code"] == "no_place_left"
    assert clients.student2.get(application_url(second)).json()["status"] == "prorector_review"
    assert [t["id"] for t in clients.prorector.get(TASKS_URL).json()["results"]] == [task_id]
    assert CallPlace.objects.get(pk=world.places[1].pk).places_taken == 1
    # and the prorector can still send it back or reject it
    assert api_decide(clients.prorector, second, "reject", "No place left at this partner")["status"] == "rejected"
