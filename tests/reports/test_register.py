"""The office's activity register: who records and reads it, what an entry holds, its typed confirming documents
(documents.Document through documents.services.document_store) and its append-only timeline, in the services, the
pages and the API."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.urls import reverse

from documents.models import Document, DocumentKind
from reports.models import Activity, ActivityCategory, ActivityEvent, ActivityKind
from reports.selectors import audit_sources
from reports.services import activity_create, activity_document_attach, activity_update
from tests.support.files import pdf_upload

pytestmark = pytest.mark.django_db


def fair(world, actor=None, **overrides):
    fields = {
        "kind": ActivityKind.EVENT,
        "category": ActivityCategory.FAIR_ABROAD,
        "title": "EAIE 2025, Gothenburg",
        "start_date": date(2025, 9, 9),
        "end_date": date(2025, 9, 12),
        "country": "SE",
        "participants_count": 3,
        "participants": "A. Aliyev\nB. Mammadova\nC. Huseynov",
        **overrides,
    }
    return activity_create(actor=actor or world.coordinator_ce, **fields)


def test_the_office_records_an_activity_and_its_line(world):
    activity = fair(world)
    assert Activity.objects.get().title == "EAIE 2025, Gothenburg"
    line = ActivityEvent.objects.get(activity=activity)
    assert (line.action, line.actor, line.data["category"]) == ("created", world.coordinator_ce, "fair_abroad")


@pytest.mark.parametrize("username", ["head_ce", "auditor", "student1", "staff1"])
def test_only_the_office_writes_the_register(world, username):
    with pytest.raises(PermissionDenied):
        fair(world, actor=getattr(world, username))
    assert not Activity.objects.exists()


def test_a_category_belongs_to_its_kind_and_dates_are_checked(world):
    with pytest.raises(ValidationError) as error:
        fair(world, category=ActivityCategory.QS)
    assert error.value.error_dict["category"][0].code == "activity_category"
    with pytest.raises(ValidationError) as error:
        fair(world, end_date=date(2025, 9, 1))
    assert "end_date" in error.value.error_dict or "__all__" in error.value.error_dict
    assert not Activity.objects.exists()


def test_a_change_records_each_field_from_what_to_what(world):
    activity = fair(world)
    activity_update(activity=activity, actor=world.prorector, participants_count=4, title="EAIE 2025")
    line = ActivityEvent.objects.filter(activity=activity, action="updated").get()
    assert line.data["changes"] == {
        "participants_count": {"old": "3", "new": "4"},
        "title": {"old": "EAIE 2025, Gothenburg", "new": "EAIE 2025"},
    }
    # the same values again change nothing and write no line
    activity_update(activity=activity, actor=world.prorector, participants_count=4)
    assert ActivityEvent.objects.filter(activity=activity).count() == 2


def test_confirming_documents_are_typed_versioned_and_audited(world):
    activity = fair(world)
    first = activity_document_attach(
        activity=activity, actor=world.coordinator_ce, kind=DocumentKind.PARTICIPANT_LIST, file=pdf_upload()
    )
    second = activity_document_attach(
        activity=activity, actor=world.coordinator_ce, kind=DocumentKind.PARTICIPANT_LIST, file=pdf_upload()
    )
    assert (first.version, second.version) == (1, 2)
    assert set(Document.objects.filter(case_id=activity.pk, case_type__model="activity")) == {first, second}
    lines = ActivityEvent.objects.filter(activity=activity, action="document_uploaded").order_by("pk")
    assert [(line.data["version"], line.data["sha256"]) for line in lines] == [
        (1, first.sha256),
        (2, second.sha256),
    ]
    # a kind another kind of activity takes (a ranking's confirmation) is refused, and leaves nothing
    with pytest.raises(ValidationError) as error:
        activity_document_attach(
            activity=activity, actor=world.coordinator_ce, kind=DocumentKind.RANKING_SUBMISSION, file=pdf_upload()
        )
    assert "kind" in error.value.error_dict
    assert Document.objects.count() == 2


def test_the_timeline_is_append_only_in_the_database(world):
    activity = fair(world)
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE reports_activityevent SET comment = 'x' WHERE activity_id = %s", [activity.pk])
    with pytest.raises(TypeError):
        ActivityEvent.objects.filter(activity=activity).delete()


def test_the_register_is_a_source_of_the_audit_export(world):
    source = next(source for source in audit_sources() if source.model is ActivityEvent)
    assert (source.key, source.subject, source.department) == ("activity", "activity", "activity__department")


# --- pages ------------------------------------------------------------------------------------------------------


def test_a_coordinator_records_an_activity_and_adds_a_document_on_the_pages(world, client):
    client.force_login(world.coordinator_ce)
    response = client.post(
        reverse("reports:activity_create"),
        {
            "kind": "membership",
            "category": "organisation",
            "title": "European Association for International Education",
            "organisation": "EAIE",
            "start_date": "2025-02-01",
            "outcome": "active",
            "amount": "950.00",
            "participants_count": 0,
            "students_count": 0,
            "staff_count": 0,
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    upload = client.post(activity.get_absolute_url(), {"kind": "payment", "file": pdf_upload("invoice.pdf")})
    assert upload.status_code == 302
    document = Document.objects.get(case_id=activity.pk, case_type__model="activity")
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "invoice.pdf" in page and document.get_absolute_url() in page
    assert client.get(document.get_absolute_url()).status_code == 200
    edit = client.post(
        reverse("reports:activity_edit", args=[activity.pk]),
        {
            "category": "organisation",
            "title": "EAIE",
            "start_date": "2025-02-01",
            "outcome": "active",
            "participants_count": 0,
            "students_count": 0,
            "staff_count": 0,
        },
    )
    assert edit.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.kind, activity.amount) == ("EAIE", "membership", None)


def test_the_form_shows_the_services_errors(world, client):
    client.force_login(world.coordinator_ce)
    response = client.post(
        reverse("reports:activity_create"),
        {
            "kind": "ranking",
            "category": "conference",
            "title": "QS 2026",
            "start_date": "2025-03-01",
            "participants_count": 0,
            "students_count": 0,
            "staff_count": 0,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["category"]
    assert not Activity.objects.exists()


def test_who_reads_and_who_writes_on_the_pages(world, client):
    activity = fair(world)

    def status(username, url, method="get"):
        client.force_login(getattr(world, username))
        return getattr(client, method)(url).status_code

    for username in ("coordinator_ce", "coordinator_math", "head_ce", "prorector", "auditor", "admin"):
        assert status(username, reverse("reports:activities")) == 200, username
        assert status(username, activity.get_absolute_url()) == 200, username
    for username in ("head_ce", "auditor"):
        assert status(username, reverse("reports:activity_create")) == 403
        assert status(username, activity.get_absolute_url(), "post") == 403
    assert status("student1", reverse("reports:activities")) == 403
    assert status("student1", activity.get_absolute_url()) == 404


def test_the_list_filters_by_kind_year_and_department(world, client):
    fair(world)
    fair(world, title="Faculty meeting", category="faculty_meeting", department=world.departments["math"])
    activity_create(
        actor=world.prorector,
        kind="ranking",
        category="qs",
        title="QS World University Rankings 2026",
        start_date=date(2024, 12, 1),
    )
    client.force_login(world.auditor)

    def titles(**query):
        return [a.title for a in client.get(reverse("reports:activities"), query).context["page"].object_list]

    assert len(titles()) == 3
    assert titles(kind="ranking") == ["QS World University Rankings 2026"]
    assert titles(year=2024) == ["QS World University Rankings 2026"]
    assert titles(department=world.departments["math"].pk) == ["Faculty meeting"]


# --- API --------------------------------------------------------------------------------------------------------


def test_the_api_records_changes_and_documents_an_activity(world, clients):
    api = clients.coordinator_ce
    created = api.post(
        "/api/v1/register/",
        {
            "kind": "grant",
            "category": "erasmus_ka2",
            "title": "Capacity building in higher education",
            "start_date": "2025-02-20",
            "role": "partner",
            "outcome": "submitted",
            "amount": "400000.00",
            "department": world.departments["ce"].pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["department_detail"]["code"] == "ce" and body["created_by"]["username"] == "coordinator_ce"
    url = f"/api/v1/register/{body['id']}/"
    changed = api.patch(url, {"outcome": "awarded", "kind": "ranking"}, format="json")
    assert changed.status_code == 200 and changed.json()["outcome"] == "awarded"
    assert changed.json()["kind"] == "grant"
    upload = api.post(f"{url}documents/", {"kind": "award_letter", "file": pdf_upload("award.pdf")})
    assert upload.status_code == 201, upload.content
    assert api.get(upload.json()["download_url"]).status_code == 200
    wrong = api.post(f"{url}documents/", {"kind": "regulation", "file": pdf_upload()})
    assert wrong.status_code == 400 and wrong.json()["codes"]["kind"]
    history = api.get(f"{url}history/").json()["results"]
    assert [line["action"] for line in history] == ["created", "updated", "document_uploaded"]
    assert history[1]["data"]["changes"]["outcome"] == {"old": "submitted", "new": "awarded"}
    bad = api.post("/api/v1/register/", {"kind": "grant", "category": "qs", "title": "x", "start_date": "2025-01-01"})
    assert bad.status_code == 400 and bad.json()["codes"]["category"] == ["activity_category"]


def test_the_api_keeps_the_register_from_others(world, clients):
    activity = fair(world)
    auditor = clients.auditor
    assert auditor.get("/api/v1/register/").json()["count"] == 1
    assert auditor.get(f"/api/v1/register/{activity.pk}/").status_code == 200
    refused = auditor.post(
        "/api/v1/register/",
        {"kind": "event", "category": "forum", "title": "Forum", "start_date": "2025-05-05"},
        format="json",
    )
    assert refused.status_code == 403
    assert auditor.patch(f"/api/v1/register/{activity.pk}/", {"title": "x"}, format="json").status_code == 403
    student = clients.student1
    assert student.get("/api/v1/register/").json()["count"] == 0
    assert student.get(f"/api/v1/register/{activity.pk}/").status_code == 404


def test_the_api_list_filters_by_year_and_a_year_no_date_has_matches_nothing(world):
    from rest_framework.test import APIClient

    fair(world)
    api = APIClient()
    api.force_authenticate(world.coordinator_ce)
    assert len(api.get("/api/v1/register/", {"year": 2025}).json()["results"]) == 1
    assert api.get("/api/v1/register/", {"year": 2024}).json()["results"] == []
    # a year past 9999 (the fuzzer's 13754) is a year of no date: an empty list, not a server error
    answer = api.get("/api/v1/register/", {"year": 13754})
    assert answer.status_code == 200 and answer.json()["results"] == []
