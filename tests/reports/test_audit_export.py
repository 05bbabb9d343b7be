"""The auditor's export: a case's full history (timeline, decisions with the document versions and hashes they
were taken on, notifications sent, documents) as CSV and PDF from the pages and the API, for any kind of case the
user may see; and the audit events of a period as a streamed, formula-safe CSV with flat memory, filtered by kind
of case, department and actor. Each check compares the export with an independent read of the database."""

import csv
import gc
import io
import tracemalloc
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agreements.models import AgreementEvent
from applications.models import CaseEvent
from documents.models import Document
from notifications.models import Notification
from reports.selectors import AuditFilter, audit_event_rows, audit_sources
from selection.models import RulesEvent, SelectionEvent
from tests.support.agreements import draft_agreement
from tests.support.drivers import approve_all, decide, make_submitted_application, open_task
from tests.support.factories import ROLE_USERS
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace("\n", " ")


def _history_url(kind, pk, fmt, api=False):
    if api:
        return f"/api/v1/audit/cases/{kind}/{pk}/history.{fmt}"
    return reverse(f"reports:case_history_{fmt}", kwargs={"kind": kind, "case_id": pk})


@pytest.fixture
def approved(world):
    application = make_submitted_application(world)
    return approve_all(world, application, comments={"head_ce": '=HYPERLINK("http://x")'})


def test_case_history_csv_holds_timeline_decision_documents_and_notifications(world, approved, client):
    # given an application approved by three people, and what the database says about it
    events = list(CaseEvent.objects.filter(application=approved).order_by("created_at", "pk"))
    decisions = [e for e in events if e.action == CaseEvent.Action.APPROVED]
    documents = list(Document.objects.filter(case_id=approved.pk, case_type__model="application"))
    sent = Notification.objects.filter(recipient=world.student1, event__startswith="case-event:")
    task_notes = Notification.objects.filter(event__startswith="task:")
    assert len(decisions) == 3 and documents and sent.exists() and task_notes.exists()
    # when the auditor exports it from the page
    client.force_login(world.auditor)
    response = client.get(_history_url("application", approved.pk, "csv"))
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    header, *rows = _csv(response)
    by_section: dict[str, list[list[str]]] = {}
    for row in rows:
        by_section.setdefault(row[0], []).append(row)
    assert [row[3] for row in by_section["timeline"]] == [e.action for e in events]
    # each decision names the versions and hashes of the documents it was taken on
    decision_docs = by_section["decision_document"]
    assert len(decision_docs) == 3 * len(documents)
    assert {(row[8], row[9], row[10]) for row in decision_docs} == {
        (d.kind, str(d.version), d.sha256) for d in documents
    }
    # every notification about the case (the applicant's and the approvers' task ones), none about another
    expected = set(sent.values_list("event", "recipient__username", "channel"))
    expected |= set(task_notes.values_list("event", "recipient__username", "channel"))
    assert {(row[13], row[2], row[11]) for row in by_section["notification"]} == expected
    assert {(row[8], row[10]) for row in by_section["document"]} == {(d.kind, d.sha256) for d in documents}
    # a comment that a spreadsheet would run is written as text
    assert any(row[7] == '\'=HYPERLINK("http://x")' for row in by_section["timeline"])


def test_case_history_leaves_out_another_cases_notifications(world, approved, client):
    # given a second case, waiting at its first step
    other = make_submitted_application(world, world.student2, choices=[world.partners[1].pk])
    task = open_task(other)
    own_lines = [f"case-event:{pk}" for pk in CaseEvent.objects.filter(application=other).values_list("pk", flat=True)]
    own = set(
        Notification.objects.filter(Q(event__startswith=f"task:{task.pk}:") | Q(event__in=own_lines)).values_list(
            "event", "channel"
        )
    )
    assert {event.split(":")[0] for event, _channel in own} == {"task", "case-event"}
    # when its history is exported
    client.force_login(world.auditor)
    rows = _csv(client.get(_history_url("application", other.pk, "csv")))[1:]
    # then it lists the notifications of its own task, and none of the approved case's
    assert {(row[13], row[11]) for row in rows if row[0] == "notification"} == own


def test_case_history_pdf_of_an_agreement_names_the_approved_terms_hash(world, client):
    # given an agreement approved by the head and the prorector
    agreement = case_submit(case=draft_agreement(world), actor=world.coordinator_ce)
    for user in (world.head_ce, world.prorector):
        agreement = decide(user, agreement)
    approvals = AgreementEvent.objects.filter(agreement=agreement, action=AgreementEvent.Action.APPROVED)
    hashes = set(approvals.values_list("version_sha256", flat=True))
    assert len(approvals) == 2 and len(hashes) == 1 and "" not in hashes
    # when the auditor takes the PDF through the API
    client.force_login(world.auditor)
    response = client.get(_history_url("agreement", agreement.pk, "pdf", api=True))
    # then it is a PDF with both languages, the timeline and the approved version's hash
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Full history of the case" in text and "İşin tam tarixçəsi" in text
    assert hashes.pop() in text.replace(" ", "")
    assert agreement.title in text
    # and the CSV of the API has the same timeline
    rows = _csv(client.get(_history_url("agreement", agreement.pk, "csv", api=True)))[1:]
    timeline = [row for row in rows if row[0] == "timeline"]
    assert len(timeline) == AgreementEvent.objects.filter(agreement=agreement).count()


def test_case_history_pdf_of_an_application_lists_the_decisions_documents(world, approved, client):
    client.force_login(world.prorector)
    response = client.get(_history_url("application", approved.pk, "pdf"))
    assert response.status_code == 200
    text = _pdf_text(response.content).replace(" ", "")
    for document in Document.objects.filter(case_id=approved.pk, case_type__model="application"):
        assert document.sha256 in text


@pytest.mark.parametrize("api", [False, True])
def test_who_may_export_a_case_history(world, approved, client, api):
    def status(user, kind="application", pk=approved.pk):
        client.force_login(user)
        return client.get(_history_url(kind, pk, "csv", api=api)).status_code

    # the department's staff and the readers of everything
    for username in ("coordinator_ce", "head_ce", "prorector", "auditor", "admin"):
        assert status(getattr(world, username)) == 200, username
    # another department's coordinator does not see the case at all; the applicant sees it but exports nothing
    assert status(world.coordinator_math) == 404
    assert status(world.student1) == 403
    assert status(world.student2) == 404
    # an unknown kind or case: the same 404
    assert status(world.auditor, kind="nothing") == 404
    assert status(world.auditor, pk=approved.pk + 1000) == 404


def test_the_case_pages_link_the_export_for_the_office_only(world, approved, client):
    link = _history_url("application", approved.pk, "pdf")
    client.force_login(world.auditor)
    assert link in client.get(approved.get_absolute_url()).content.decode()
    client.force_login(world.student1)
    assert link not in client.get(approved.get_absolute_url()).content.decode()


# --- the audit events of a period ------------------------------------------------------------------------------


def test_every_timeline_table_is_a_source_keyed_by_its_kind(world):
    sources = {source.model: source for source in audit_sources()}
    assert sources[CaseEvent].key == "application"
    assert sources[CaseEvent].department == "application__department"
    assert sources[AgreementEvent].key == "agreement"
    # a table about calls (whose lines may also name an application) is about the call
    assert sources[RulesEvent].key == "call" and sources[RulesEvent].subject == "call"
    assert sources[SelectionEvent].key == "selection"


def test_period_export_filters_by_kind_department_actor_and_dates(world, approved, client):
    math_case = make_submitted_application(world, world.student3)
    agreement = draft_agreement(world)
    client.force_login(world.auditor)
    url = reverse("reports:audit")

    def export(**query):
        response = client.get(url, {"export": "csv", **query})
        assert response.status_code == 200 and response.streaming
        return _csv(response)[1:]

    everything = export()
    assert len(everything) == sum(source.model.objects.count() for source in audit_sources())
    # oldest first across tables
    assert [row[0] for row in everything] == sorted(row[0] for row in everything)
    applications = export(kind="application")
    about_applications = [source.model for source in audit_sources() if source.key == "application"]
    assert CaseEvent in about_applications
    assert len(applications) == sum(model.objects.count() for model in about_applications)
    assert {row[1] for row in applications} == {"application"}
    agreements = export(kind="agreement")
    assert {(row[3], row[6]) for row in agreements} == {
        (str(agreement.pk), action) for action in AgreementEvent.objects.values_list("action", flat=True)
    }
    math = export(department=world.departments["math"].pk)
    assert {row[3] for row in math} == {str(math_case.pk)}
    assert len(math) == CaseEvent.objects.filter(application=math_case).count()
    head = export(actor="head_ce")
    assert len(head) == CaseEvent.objects.filter(actor=world.head_ce).count()
    assert {row[5] for row in head} == {"head_ce"}
    # the formula a comment holds is written as text
    assert any(row[10].startswith("'=HYPERLINK") for row in head)
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert export(date_from=tomorrow.isoformat()) == []
    assert len(export(date_to=timezone.localdate().isoformat())) == len(everything)


def test_period_export_is_for_the_readers_of_everything(world, client):
    for username in ROLE_USERS:
        client.force_login(getattr(world, username))
        page = client.get(reverse("reports:audit"))
        api = client.get("/api/v1/audit/events/")
        allowed = username in ("auditor", "prorector", "admin")
        assert page.status_code == (200 if allowed else 403), username
        assert api.status_code == (200 if allowed else 403), username
    client.force_login(world.auditor)
    bad = client.get("/api/v1/audit/events/", {"date_from": "2025-07-01", "date_to": "2025-01-01"})
    assert bad.status_code == 400 and "date_to" in bad.json()


def _consume_peak(filters) -> tuple[int, int]:
    """Rows produced and the peak of memory allocated while streaming them."""
    gc.collect()
    tracemalloc.start()
    count = sum(1 for _row in audit_event_rows(filters))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return count, peak


def test_period_export_streams_with_flat_memory(world, approved):
    # given many audit lines (bulk, as a year of cases leaves them): 9000 by one person, 3000 by another
    now = timezone.now()
    lines = [
        CaseEvent(
            application=approved,
            action=CaseEvent.Action.UPDATED,
            actor=world.student1 if i % 4 else world.student2,
            comment="x" * 80,
            created_at=now + timedelta(milliseconds=i),
            data={"n": i},
        )
        for i in range(12000)
    ]
    CaseEvent.objects.bulk_create(lines, batch_size=2000)
    many = AuditFilter(kind="application", actor_id=world.student1.pk)
    few = AuditFilter(kind="application", actor_id=world.student2.pk)
    # when the rows are streamed
    with CaptureQueriesContext(connection) as queries:
        count_many, peak_many = _consume_peak(many)
    count_few, peak_few = _consume_peak(few)
    # then each row comes once, a chunk of rows per round trip
    assert count_many == CaseEvent.objects.filter(actor=world.student1).count() > 9000
    assert count_few == 3000
    assert len(queries) < 15
    # and memory does not grow with the number of rows: three times the rows, about the same peak
    assert peak_many < 1.5 * peak_few, (peak_many, peak_few)
