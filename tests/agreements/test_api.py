"""Partners and agreements through the REST API alone: the whole lifecycle with the tasks API, version
binding, access rules, validation and constant query counts."""

import pytest
from django.utils import timezone

from agreements import services
from partners import services as partner_services
from tests.support.agreements import agreement_body, iia_terms
from tests.support.api import (
    AGREEMENTS_URL,
    PARTNERS_URL,
    TASKS_URL,
    agreement_task,
    agreement_url,
    api_decide_agreement,
    count_queries,
    task_url,
    token_client,
)
from tests.support.drivers import make_submitted_application
from tests.support.factories import PartnerFactory
from tests.support.files import pdf_upload
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def test_lifecycle_through_the_api_alone(world):
    coordinator = token_client("coordinator_ce")
    # a new partner with a unit and a contact
    created = coordinator.post(
        PARTNERS_URL,
        {
            "name": "Technische Universität Wien",
            "name_az": "Vyana Texniki Universiteti",
            "country": "AT",
            "city": "Vienna",
            "erasmus_code": "A  WIEN02",
            "schac_code": "tuwien.ac.at",
            "website": "https://www.tuwien.at",
            "units": ["Faculty of Informatics"],
            "contacts": [{"name": "Dr. Anna Huber", "role": "International office", "email": "a.huber@tuwien.ac.at"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    partner = created.json()
    assert partner["units"][0]["name"] == "Faculty of Informatics"
    assert partner["contacts"][0]["name"] == "Dr. Anna Huber"

    # a draft with it (department left out: the coordinator has one), then submitted
    body = agreement_body(partner["id"], partner_unit=partner["units"][0]["id"])
    created = coordinator.post(AGREEMENTS_URL, body, format="json")
    assert created.status_code == 201, created.content
    agreement = created.json()
    assert agreement["status"] == "draft"
    assert agreement["department"]["code"] == "ce"
    assert agreement["partner_unit"]["name"] == "Faculty of Informatics"
    assert agreement["current_version"]["number"] == 1
    assert [c["category"] for c in agreement["conditions"]] == ["staff_teaching", "student_studies"]
    assert agreement["conditions"][1]["total_months_per_year"] == "10.0"
    assert agreement["quotas"] == [] and agreement["open_task"] is None
    upload = coordinator.post(
        agreement_url(agreement["id"], "documents/"),
        {"kind": "agreement_draft", "file": pdf_upload("draft.pdf")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    download = token_client("head_ce").get(upload.json()["download_url"])
    assert download.status_code == 200
    submitted = coordinator.post(agreement_url(agreement["id"], "submit/"))
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "in_approval"
    assert submitted.json()["open_task"]["step"] == "head_review"

    # the head and the prorector decide through the tasks API
    head = token_client("head_ce")
    task = agreement_task(head, agreement["id"])
    assert task["step"] == "head_review" and task["step_label"] == "Department head review"
    assert task["application"] is None
    assert task["agreement"]["title"] == body["title"] and task["agreement"]["partner"]["id"] == partner["id"]
    assert task["agreement"]["department"]["code"] == "ce"
    assert task["actions"] == ["approve", "reject", "request_changes"]
    assert api_decide_agreement(head, agreement["id"])["status"] == "in_approval"
    decided = api_decide_agreement(token_client("prorector"), agreement["id"])
    assert decided["status"] == "awaiting_signature" and decided["title"] == body["title"]

    # the coordinator marks it sent and uploads the signed copy
    task = agreement_task(coordinator, agreement["id"])
    assert task["step"] == "send_to_partner" and task["actions"] == ["mark_sent", "request_changes"]
    sent = coordinator.post(task_url(task["id"], "mark-sent/"), {"comment": "By courier"}, format="json")
    assert sent.status_code == 200, sent.content
    assert sent.json()["sent_to_partner_at"] is not None
    task = agreement_task(coordinator, agreement["id"])
    assert task["step"] == "upload_signed"
    signed = coordinator.post(
        task_url(task["id"], "signed/"),
        {
            "our_signed_on": timezone.localdate().isoformat(),
            "partner_signed_on": timezone.localdate().isoformat(),
            "file": pdf_upload("signed.pdf"),
        },
        format="multipart",
    )
    assert signed.status_code == 200, signed.content
    active = signed.json()
    assert active["status"] == "active" and active["open_task"] is None
    assert active["our_signed_on"] == active["partner_signed_on"] == timezone.localdate().isoformat()
    assert {d["kind"] for d in active["documents"]} == {"agreement_draft", "signed_agreement"}

    quotas = coordinator.get(agreement_url(agreement["id"], "quotas/")).json()
    assert quotas["count"] == 4
    assert {
        "academic_year": "2026/27",
        "direction": "outgoing",
        "category": "student_studies",
        "places": 2,
        "approved": 0,
        "remaining": 2,
    } in quotas["results"]
    versions = coordinator.get(agreement_url(agreement["id"], "versions/")).json()["results"]
    assert [v["number"] for v in versions] == [1]
    assert len(versions[0]["sha256"]) == 64 and versions[0]["terms"]["title"] == body["title"]
    history = coordinator.get(agreement_url(agreement["id"], "history/")).json()["results"]
    assert [(e["action"], e["actor"]["username"] if e["actor"] else None) for e in history] == [
        ("created", "coordinator_ce"),
        ("document_uploaded", "coordinator_ce"),
        ("submitted", "coordinator_ce"),
        ("approved", "head_ce"),
        ("approved", "prorector"),
        ("sent_to_partner", "coordinator_ce"),
        ("signed", "coordinator_ce"),
        ("activated", None),
    ]
    assert {e["version"] for e in history} == {1}
    assert {e["version_sha256"] for e in history} == {versions[0]["sha256"]}
    assert history[5]["comment"] == "By courier"

    # and the list finds it active
    listed = token_client("prorector").get(AGREEMENTS_URL, {"status": "active"}).json()
    assert [a["id"] for a in listed["results"]] == [agreement["id"]]


def test_an_edit_after_the_heads_approval_needs_the_head_again(world):
    coordinator, head, prorector = (token_client(u) for u in ("coordinator_ce", "head_ce", "prorector"))
    agreement = coordinator.post(AGREEMENTS_URL, agreement_body(world.partners[0].pk), format="json").json()
    coordinator.post(agreement_url(agreement["id"], "submit/"))
    api_decide_agreement(head, agreement["id"])
    # terms cannot change while in approval (409); general information can
    locked = coordinator.patch(agreement_url(agreement["id"]), {"text": "New text"}, format="json")
    assert locked.status_code == 409 and locked.json()["code"] == "agreement_not_draft"
    info = coordinator.patch(agreement_url(agreement["id"]), {"partner_signatory_name": "Dr. Huber"}, format="json")
    assert info.status_code == 200 and info.json()["partner_signatory_name"] == "Dr. Huber"
    assert info.json()["current_version"]["number"] == 1

    decided = api_decide_agreement(prorector, agreement["id"], "request_changes", "One student a year.")
    assert decided["status"] == "draft"
    assert agreement_task(coordinator, agreement["id"])["actions"] == ["resubmit"]
    conditions = decided["conditions"]
    conditions[1]["mobilities_per_year"] = 1
    patched = coordinator.patch(agreement_url(agreement["id"]), {"conditions": conditions}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["current_version"]["number"] == 2
    resubmitted = coordinator.post(agreement_url(agreement["id"], "submit/")).json()
    assert resubmitted["open_task"]["step"] == "head_review"
    assert agreement_task(head, agreement["id"])["step"] == "head_review"
    assert prorector.get(TASKS_URL).json()["count"] == 0
    versions = coordinator.get(agreement_url(agreement["id"], "versions/")).json()["results"]
    assert [v["number"] for v in versions] == [1, 2] and versions[0]["sha256"] != versions[1]["sha256"]
    history = coordinator.get(agreement_url(agreement["id"], "history/")).json()["results"]
    approval = next(e for e in history if e["action"] == "approved")
    assert approval["version"] == 1 and approval["version_sha256"] == versions[0]["sha256"]
    assert history[-1]["action"] == "resubmitted" and history[-1]["version"] == 2


def test_validation_errors_are_400_under_their_fields(world):
    coordinator = token_client("coordinator_ce")
    body = agreement_body(world.partners[0].pk, end_date="2026-01-01")
    body["conditions"][0]["subject_areas"] = ["61"]
    response = coordinator.post(AGREEMENTS_URL, body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "end_date" in errors and any("ISCED-F" in m for m in errors["conditions"])
    response = coordinator.post(AGREEMENTS_URL, agreement_body(999999), format="json")
    assert response.status_code == 400 and "partner" in response.json()
    response = coordinator.post(AGREEMENTS_URL, {"type": "treaty"}, format="json")
    assert response.status_code == 400 and {"title", "type", "partner"} <= set(response.json())
    response = coordinator.post(AGREEMENTS_URL, agreement_body(world.partners[0].pk, department=999999), format="json")
    assert response.status_code == 400 and "department" in response.json()
    response = coordinator.post(PARTNERS_URL, {"name": "X", "country": "Germany", "city": "B"}, format="json")
    assert response.status_code == 400 and "country" in response.json()
    response = coordinator.post(
        PARTNERS_URL, {"name": "X", "country": "DE", "city": "B", "erasmus_code": "nope"}, format="json"
    )
    assert response.status_code == 400 and "erasmus_code" in response.json()
    assert coordinator.get(AGREEMENTS_URL, {"expiring_within_days": "soon"}).status_code == 400
    # a signature in the future is refused under its field
    agreement = case_submit(
        case=services.agreement_create_draft(
            actor=world.coordinator_ce, department=world.departments["ce"], **iia_terms(world.partners[0])
        ),
        actor=world.coordinator_ce,
    )
    api_decide_agreement(token_client("head_ce"), agreement.pk)
    api_decide_agreement(token_client("prorector"), agreement.pk)
    task = agreement_task(coordinator, agreement.pk)
    assert coordinator.post(task_url(task["id"], "mark-sent/"), {}, format="json").status_code == 200
    task = agreement_task(coordinator, agreement.pk)
    response = coordinator.post(
        task_url(task["id"], "signed/"),
        {"our_signed_on": "2999-01-01", "partner_signed_on": "2026-01-01", "file": pdf_upload()},
        format="multipart",
    )
    assert response.status_code == 400 and "our_signed_on" in response.json()


def test_access_rules(world, draft):
    math = token_client("coordinator_math")
    for url in (agreement_url(draft.pk), *(agreement_url(draft.pk, s) for s in ("versions/", "history/", "quotas/"))):
        assert math.get(url).status_code == 404, url
    assert math.patch(agreement_url(draft.pk), {"text": "mine"}, format="json").status_code == 404
    assert math.post(agreement_url(draft.pk, "submit/")).status_code == 404
    assert math.get(AGREEMENTS_URL).json()["count"] == 0
    # a coordinator cannot draft for another department
    body = agreement_body(world.partners[0].pk, department=world.departments["ce"].pk)
    assert math.post(AGREEMENTS_URL, body, format="json").status_code == 403

    head = token_client("head_ce")
    assert head.get(agreement_url(draft.pk)).status_code == 200
    assert head.patch(agreement_url(draft.pk), {"text": "mine"}, format="json").status_code == 403
    assert head.post(agreement_url(draft.pk, "submit/")).status_code == 403
    assert head.post(AGREEMENTS_URL, agreement_body(world.partners[0].pk), format="json").status_code == 403
    assert head.post(PARTNERS_URL, {"name": "X", "country": "DE", "city": "B"}, format="json").status_code == 403
    partner_url = f"{PARTNERS_URL}{world.partners[0].pk}/"
    assert head.get(partner_url).status_code == 200
    assert head.patch(partner_url, {"city": "Potsdam"}, format="json").status_code == 403
    assert token_client("admin").patch(partner_url, {"city": "Potsdam"}, format="json").status_code == 200

    student = token_client("student1")
    for url in (
        AGREEMENTS_URL,
        PARTNERS_URL,
        partner_url,
        agreement_url(draft.pk),
        agreement_url(draft.pk, "versions/"),
        agreement_url(draft.pk, "history/"),
        agreement_url(draft.pk, "quotas/"),
        agreement_url(draft.pk, "documents/"),
    ):
        assert student.get(url).status_code == 404, url
    assert student.post(AGREEMENTS_URL, agreement_body(world.partners[0].pk), format="json").status_code == 404
    assert student.post(PARTNERS_URL, {"name": "X", "country": "DE", "city": "B"}, format="json").status_code == 404
    assert student.patch(partner_url, {"city": "X"}, format="json").status_code == 404
    assert student.post(agreement_url(draft.pk, "submit/")).status_code == 404

    # tasks of agreements: strangers 404, the wrong approver 403
    case_submit(case=draft, actor=world.coordinator_ce)
    task_id = agreement_task(head, draft.pk)["id"]
    assert math.post(task_url(task_id, "decision/"), {"decision": "approve"}).status_code == 404
    assert student.post(task_url(task_id, "decision/"), {"decision": "approve"}).status_code == 404
    assert token_client("prorector").post(task_url(task_id, "decision/"), {"decision": "approve"}).status_code == 403
    coordinator = token_client("coordinator_ce")
    assert coordinator.post(task_url(task_id, "mark-sent/"), {}, format="json").status_code == 403
    assert coordinator.post(task_url(task_id, "decision/"), {"decision": "approve"}).status_code == 403


def test_partner_filters(world):
    PartnerFactory(name="Université de Lyon", name_az="Lion Universiteti", country="FR", city="Lyon")
    client = token_client("auditor")
    names = lambda params: [p["name"] for p in client.get(PARTNERS_URL, params).json()["results"]]  # noqa: E731
    assert names({"country": "fr"}) == ["Université de Lyon"]
    assert names({"search": "lion"}) == ["Université de Lyon"]
    assert names({"city": "berl"}) == sorted(p.name for p in world.partners)
    assert names({"erasmus_code": world.partners[1].erasmus_code}) == [world.partners[1].name]


def test_decision_on_a_mobility_task_still_returns_the_application(world):
    application = make_submitted_application(world)
    coordinator = token_client("coordinator_ce")
    task = coordinator.get(TASKS_URL).json()["results"][0]
    assert task["case_type"] == "application" and task["case_id"] == application.pk
    assert task["agreement"] is None and task["application"]["id"] == application.pk
    response = coordinator.post(task_url(task["id"], "decision/"), {"decision": "approve", "comment": "ok"})
    assert response.json()["id"] == application.pk and response.json()["status"] == "head_review"


def test_lists_run_a_constant_number_of_queries(world):
    client = token_client("coordinator_ce")
    head = token_client("head_ce")

    def new_draft(partner):
        return services.agreement_create_draft(
            actor=world.coordinator_ce, department=world.departments["ce"], **iia_terms(partner)
        )

    case_submit(case=new_draft(world.partners[0]), actor=world.coordinator_ce)
    agreements_one = count_queries(client, AGREEMENTS_URL, 1)
    tasks_one = count_queries(head, TASKS_URL, 1)
    partners_three = count_queries(client, PARTNERS_URL, 3)
    for _ in range(4):
        partner = PartnerFactory()
        partner_services.partner_update(partner=partner, actor=world.admin, units=["A", "B"], contacts=[{"name": "C"}])
        case_submit(case=new_draft(partner), actor=world.coordinator_ce)
    assert count_queries(client, AGREEMENTS_URL, 5) == agreements_one
    assert count_queries(head, TASKS_URL, 5) == tasks_one
    assert count_queries(client, PARTNERS_URL, 7) == partners_three
