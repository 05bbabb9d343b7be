"""Migration advice through its pages and REST API: the foreigner sees their own checklist only, residence documents
and passport numbers only reach the person and the office roles that need them, the office's overdue list, and the
office's work (open by hand, dates, steps done with a document, close) with Idempotency-Key."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from migration.models import AdviceCase, AdviceStep, StepTemplate
from migration.services import advice_case_open, advice_case_update, advice_step_done
from tests.support.files import pdf_upload

pytestmark = pytest.mark.django_db

API = "/api/v1/migration/"


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def page(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(world):
    """student1's open case: arrived 20 days ago, passport number and a registration certificate on file."""
    opened = advice_case_open(
        person=world.student1,
        actor=world.coordinator_ce,
        arrival_date=timezone.localdate() - timedelta(days=20),
        source="manual",
        nationality="Germany",
    )
    advice_case_update(actor=world.coordinator_ce, case_id=opened.pk, passport_number="C01X00T47")
    step = AdviceStep.objects.get(case=opened, template__code="stay-registration")
    advice_step_done(actor=world.coordinator_ce, case_id=opened.pk, step_id=step.pk, file=pdf_upload())
    return AdviceCase.objects.get(pk=opened.pk)


def _document_id(case):
    return AdviceStep.objects.get(case=case, template__code="stay-registration").document_id


def test_the_foreigner_sees_their_own_checklist_in_both_languages_and_nobody_elses(world, case):
    own = page(world.student1)
    response = own.get("/migration/mine/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Registration of the place of stay" in text and "Yaşayış yeri üzrə qeydiyyat" in text
    assert own.get(f"/migration/{case.pk}/").status_code == 200
    # the list sends a foreigner to their own checklist
    assert own.get("/migration/").url == "/migration/mine/"
    body = api(world.student1).get(f"{API}cases/{case.pk}/").json()
    assert body["passport_number"] == "C01X00T47"
    assert [c["id"] for c in api(world.student1).get(f"{API}cases/").json()["results"]] == [case.pk]

    # someone else's: 404 on every page, endpoint and file
    stranger = world.student2
    assert page(stranger).get(f"/migration/{case.pk}/").status_code == 404
    assert page(stranger).get(f"/migration/{case.pk}/documents/{_document_id(case)}/").status_code == 404
    assert api(stranger).get(f"{API}cases/{case.pk}/").status_code == 404
    assert api(stranger).get(f"{API}cases/{case.pk}/history/").status_code == 404
    assert api(stranger).get(f"{API}cases/{case.pk}/documents/{_document_id(case)}/file/").status_code == 404
    assert api(stranger).get(f"{API}cases/").json()["results"] == []
    assert "Registration of the place of stay" not in page(stranger).get("/migration/mine/").content.decode()


@pytest.mark.parametrize(
    ("username", "sees_case", "sees_personal"),
    [
        ("student1", True, True),  # the person
        ("coordinator_math", True, True),  # the office, any department
        ("admin", True, True),
        ("prorector", True, False),  # reads cases, not passports
        ("auditor", True, False),
        ("head_ce", False, False),  # department heads: neither
        ("student2", False, False),
    ],
)
def test_who_sees_the_passport_and_the_residence_documents(world, case, username, sees_case, sees_personal):
    user = getattr(world, username)
    document_id = _document_id(case)
    client = api(user)

    detail = client.get(f"{API}cases/{case.pk}/")
    assert detail.status_code == (200 if sees_case else 404)
    if sees_case:
        body = detail.json()
        assert (body["passport_number"] == "C01X00T47") is sees_personal
        registration = next(s for s in body["steps"] if s["code"] == "stay-registration")
        assert (registration["document"] == document_id) is sees_personal
        html = page(user).get(f"/migration/{case.pk}/").content.decode()
        assert ("C01X00T47" in html) is sees_personal
        assert (f"/migration/{case.pk}/documents/{document_id}/" in html) is sees_personal
    expected = 200 if sees_personal else 404
    assert client.get(f"{API}cases/{case.pk}/documents/").status_code == expected
    assert client.get(f"{API}cases/{case.pk}/documents/{document_id}/file/").status_code == expected
    assert page(user).get(f"/migration/{case.pk}/documents/{document_id}/").status_code == expected


def test_the_overdue_list_shows_open_steps_past_their_deadline(world, case):
    # arrived 20 days ago: arrival confirmed (+1) is overdue, the registration (+15) is done, the visa (-30) too old
    other = advice_case_open(
        person=world.student3,
        actor=world.admin,
        arrival_date=timezone.localdate() - timedelta(days=40),
        source="manual",
    )
    body = api(world.coordinator_ce).get(f"{API}overdue/").json()
    rows = {(row["case"], row["code"]) for row in body["results"]}
    assert (case.pk, "arrival-confirmed") in rows
    assert (case.pk, "stay-registration") not in rows  # done
    assert (other.pk, "residence-permit-application") in rows  # +30 after an arrival 40 days ago
    assert (case.pk, "residence-permit-application") not in rows  # +30 after 20 days: not yet
    # the longest overdue first, and filters
    dates = [row["due_date"] for row in body["results"]]
    assert dates == sorted(dates)
    step = StepTemplate.objects.get(code="residence-permit-application")
    filtered = api(world.coordinator_ce).get(f"{API}overdue/", {"step": step.pk}).json()["results"]
    assert {(row["case"], row["code"]) for row in filtered} == {(other.pk, "residence-permit-application")}

    response = page(world.coordinator_ce).get("/migration/overdue/", {"q": "student3"})
    assert response.status_code == 200
    assert f"/migration/{other.pk}/" in response.content.decode()
    assert f"/migration/{case.pk}/" not in response.content.decode()
    # a closed case is not overdue; not for heads or students
    assert api(world.head_ce).get(f"{API}overdue/").status_code == 404
    assert page(world.student1).get("/migration/overdue/").status_code == 404


def test_the_overdue_list_pages(world, settings):
    today = timezone.localdate()
    for n in range(27):
        person = type(world.student1).objects.create(username=f"foreigner{n}", email=f"f{n}@example.org")
        advice_case_open(person=person, actor=world.admin, arrival_date=today - timedelta(days=40), source="manual")
    first = page(world.coordinator_ce).get("/migration/overdue/")
    assert "Page 1 of" in first.content.decode()
    assert page(world.coordinator_ce).get("/migration/overdue/", {"page": 2}).status_code == 200


def test_the_office_works_a_case_through_the_api(world):
    client = api(world.coordinator_ce)
    arrival = timezone.localdate()
    opened = client.post(
        f"{API}cases/",
        {
            "email": "jan.novak@example.cz",
            "first_name": "Jan",
            "last_name": "Novák",
            "nationality": "Czechia",
            "arrival_date": arrival.isoformat(),
            "department": world.departments["ce"].pk,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="open-jan",
    )
    assert opened.status_code == 201, opened.content
    case_id = opened.json()["id"]
    # a retry returns the first answer and opens nothing new
    again = client.post(
        f"{API}cases/",
        {
            "email": "jan.novak@example.cz",
            "first_name": "Jan",
            "last_name": "Novák",
            "nationality": "Czechia",
            "arrival_date": arrival.isoformat(),
            "department": world.departments["ce"].pk,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="open-jan",
    )
    assert again.json()["id"] == case_id and AdviceCase.objects.count() == 1

    bad = client.patch(f"{API}cases/{case_id}/", {"departure_date": "2000-01-01"}, format="json")
    assert bad.status_code == 400 and "departure_date" in bad.json()

    moved = client.patch(
        f"{API}cases/{case_id}/", {"arrival_date": (arrival + timedelta(days=5)).isoformat()}, format="json"
    )
    registration = next(s for s in moved.json()["steps"] if s["code"] == "stay-registration")
    assert registration["due_date"] == (arrival + timedelta(days=20)).isoformat()

    missing = client.post(f"{API}cases/{case_id}/steps/{registration['id']}/done/", {}, format="multipart")
    assert missing.status_code == 400 and missing.json()["codes"]["file"] == ["document_missing"]
    done = client.post(
        f"{API}cases/{case_id}/steps/{registration['id']}/done/",
        {"note": "Registered", "file": pdf_upload()},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="done-1",
    )
    assert done.status_code == 200, done.content.decode()
    step = next(s for s in done.json()["steps"] if s["code"] == "stay-registration")
    assert step["done_by"]["username"] == "coordinator_ce" and step["document"] is not None
    twice = client.post(f"{API}cases/{case_id}/steps/{registration['id']}/done/", {}, format="multipart")
    assert twice.status_code == 409 and twice.json()["code"] == "advice_step_done"

    # not the office: refused
    assert api(world.prorector).post(f"{API}cases/{case_id}/close/", {}, format="json").status_code == 403

    early = client.post(f"{API}cases/{case_id}/close/", {"comment": "Left"}, format="json")
    assert early.status_code == 400 and "departure_date" in early.json()  # today is before the (moved) arrival
    departure = (arrival + timedelta(days=90)).isoformat()
    closed = client.post(f"{API}cases/{case_id}/close/", {"departure_date": departure}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.post(f"{API}cases/{case_id}/close/", {}, format="json").status_code == 409
    history = client.get(f"{API}cases/{case_id}/history/").json()["results"]
    assert [line["action"] for line in history] == [
        "opened",
        "dates_changed",
        "document_uploaded",
        "step_done",
        "closed",
    ]


def test_the_office_edits_the_checklist_in_pages_and_api(world):
    template = StepTemplate.objects.get(code="stay-registration")
    listed = page(world.coordinator_ce).get("/migration/checklist/")
    assert "example to adjust" in listed.content.decode()
    response = page(world.coordinator_ce).post(
        f"/migration/checklist/{template.pk}/",
        {
            "code": template.code,
            "label_en": template.label_en,
            "label_az": template.label_az,
            "anchor": "arrival",
            "offset_days": "10",
            "document_kinds": ["stay_registration"],
            "order": "30",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    template.refresh_from_db()
    assert template.offset_days == 10
    assert template.events.last().data["changes"]["offset_days"] == {"old": "15", "new": "10"}

    created = api(world.admin).post(
        f"{API}checklist/",
        {
            "code": "medical",
            "label_en": "Medical check",
            "label_az": "Tibbi müayinə",
            "anchor": "arrival",
            "offset_days": 20,
            "document_kinds": ["other"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert (
        api(world.head_ce)
        .post(
            f"{API}checklist/",
            {"code": "x", "label_en": "X", "label_az": "X", "anchor": "arrival", "offset_days": 1},
            format="json",
        )
        .status_code
        == 403
    )
    patched = api(world.admin).patch(f"{API}checklist/{created.json()['id']}/", {"active": False}, format="json")
    assert patched.status_code == 200 and patched.json()["active"] is False


def test_the_office_opens_a_case_through_its_page(world):
    client = page(world.coordinator_ce)
    form = client.get("/migration/new/")
    assert form.status_code == 200
    bad = client.post("/migration/new/", {"email": "not-an-email", "first_name": "A", "last_name": "B"})
    assert bad.status_code == 400
    response = client.post(
        "/migration/new/",
        {
            "email": "li.wei@example.cn",
            "first_name": "Li",
            "last_name": "Wei",
            "preferred_language": "en",
            "nationality": "China",
            "arrival_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    case = AdviceCase.objects.get(person__email="li.wei@example.cn")
    assert response.url == f"/migration/{case.pk}/"
    detail = client.get(response.url)
    assert "Li Wei" in detail.content.decode()
    assert page(world.head_ce).get("/migration/new/").status_code == 404


def test_the_case_is_in_the_office_inbox_and_its_task_page_is_the_case(world, case):
    from workflows.selectors import open_task_for_case

    task = open_task_for_case(case=case)
    response = page(world.coordinator_math).get(f"/tasks/{task.pk}/")
    assert response.status_code == 302 and response.url == f"/migration/{case.pk}/"
    rows = api(world.coordinator_math).get("/api/v1/tasks/", {"q": "Germany"}).json()["results"]
    row = next(r for r in rows if r["id"] == task.pk)
    assert row["case_type"] == "migration"
    assert row["migration"] == {
        "id": case.pk,
        "person": str(world.student1),
        "nationality": "Germany",
        "status": "open",
    }
    assert page(world.head_ce).get(f"/tasks/{task.pk}/").status_code == 404


def test_the_person_and_the_office_upload_residence_documents(world, case):
    upload = api(world.student1).post(
        f"{API}cases/{case.pk}/documents/",
        {"kind": "residence_permit", "file": pdf_upload()},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="permit-1",
    )
    assert upload.status_code == 201, upload.content
    assert upload.json()["kind"] == "residence_permit"
    wrong_kind = api(world.coordinator_ce).post(
        f"{API}cases/{case.pk}/documents/", {"kind": "transcript", "file": pdf_upload()}, format="multipart"
    )
    assert wrong_kind.status_code == 400 and "kind" in wrong_kind.json()
    refused = api(world.prorector).post(
        f"{API}cases/{case.pk}/documents/", {"kind": "visa", "file": pdf_upload()}, format="multipart"
    )
    assert refused.status_code == 404
    listed = api(world.student1).get(f"{API}cases/{case.pk}/documents/").json()["results"]
    assert {d["kind"] for d in listed} == {"residence_permit", "stay_registration"}


def test_a_step_done_by_mistake_is_opened_again_with_a_reason(world, case):
    step = AdviceStep.objects.get(case=case, template__code="stay-registration")
    client = page(world.coordinator_ce)
    missing = client.post(f"/migration/{case.pk}/steps/{step.pk}/reopen/", {f"step-{step.pk}-reason": ""})
    assert missing.status_code == 400
    response = client.post(
        f"/migration/{case.pk}/steps/{step.pk}/reopen/", {f"step-{step.pk}-reason": "Wrong person's certificate"}
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.done_at is None and step.done_by is None and step.document is None
    line = case.events.get(action="step_reopened")
    assert line.comment == "Wrong person's certificate" and line.data["was_done_by"] == world.coordinator_ce.pk
    # the document it had produced stays on the case
    assert api(world.student1).get(f"{API}cases/{case.pk}/documents/").json()["count"] == 1
    # not done: nothing to reopen; and through the API
    again = api(world.coordinator_ce).post(
        f"{API}cases/{case.pk}/steps/{step.pk}/reopen/", {"reason": "again"}, format="json"
    )
    assert again.status_code == 400
    assert (
        api(world.prorector)
        .post(f"{API}cases/{case.pk}/steps/{step.pk}/reopen/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    # and done again through the page, with a note
    done = client.post(
        f"/migration/{case.pk}/steps/{step.pk}/done/",
        {f"step-{step.pk}-note": "The right certificate", f"step-{step.pk}-file": pdf_upload()},
    )
    assert done.status_code == 302
    step.refresh_from_db()
    assert step.note == "The right certificate" and step.document.version == 2


def test_a_duplicate_step_code_is_a_field_error_under_fields_code(world):
    """The step's `code` field must not take the place of the error body's `code` (one of the API's error codes):
    its messages go under `fields.code`."""
    again = api(world.admin).post(
        f"{API}checklist/",
        {"code": "stay-registration", "label_en": "Again", "label_az": "Yenə", "anchor": "arrival", "offset_days": 1},
        format="json",
    )
    assert again.status_code == 400, again.content
    body = again.json()
    assert "code" not in body and body["fields.code"] and body["codes"]["fields.code"] == ["unique"]
