"""A period report as a kind of case: the office prepares it (numbers counted from the data, a note per indicator),
the department head and the prorector approve it through the shared decision service; the approval freezes the
numbers with the SHA-256 of the content and keeps the PDF as a document. Its PDF, XLSX and CSV say what an
independent count of the data says; the dashboard draws the same numbers."""

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from core.errors import ReportNotEditable
from documents.models import Document
from reports.content import content_sha256, report_content
from reports.demo import load_plan_2025
from reports.models import Activity, PeriodReport, PlanIndicator, ReportEvent, ReportStatus
from reports.services import activity_create, report_create, report_update
from workflows.selectors import open_task_for_case
from workflows.services import case_submit, task_decide

pytestmark = pytest.mark.django_db


def _fair(world, when, title):
    return activity_create(
        actor=world.coordinator_ce, kind="event", category="fair_abroad", title=title, start_date=when
    )


def _decide(user, report, decision="approve", comment="ok"):
    task = open_task_for_case(case=report)
    return task_decide(user=user, task_id=task.pk, decision=decision, comment=comment)


@pytest.fixture
def prepared(world):
    plan = load_plan_2025()
    _fair(world, date(2025, 3, 1), "Study fair, Istanbul")
    _fair(world, date(2025, 5, 2), "EAIE spring forum")
    _fair(world, date(2025, 9, 9), "EAIE 2025, Gothenburg")  # the second half: not in the report
    report = report_create(
        actor=world.coordinator_ce,
        plan=plan,
        department=world.departments["ce"],
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
    )
    fairs = PlanIndicator.objects.get(activity__plan=plan, measure="fairs")
    report_update(report=report, actor=world.coordinator_ce, summary="First half.", notes={fairs.pk: "=2 of 3 done"})
    return report, fairs


def _row(content, indicator):
    return next(row for row in content["indicators"] if row["id"] == indicator.pk)


def test_the_report_goes_head_then_prorector_and_approval_freezes_it(world, prepared):
    report, fairs = prepared
    # when the office submits and both approve
    case_submit(case=report, actor=world.coordinator_ce)
    report.refresh_from_db()
    assert report.status == ReportStatus.HEAD_REVIEW
    with pytest.raises(ReportNotEditable):
        report_update(report=report, actor=world.coordinator_ce, summary="changed")
    _decide(world.head_ce, report)
    report.refresh_from_db()
    assert report.status == ReportStatus.PRORECTOR_REVIEW
    _decide(world.prorector, report)
    report.refresh_from_db()
    # then it is approved, its numbers frozen as of approval with their hash, and its PDF kept
    assert report.status == ReportStatus.APPROVED and report.approved_at
    assert _row(report.frozen, fairs)["value"] == 2
    assert _row(report.frozen, fairs)["note"] == "=2 of 3 done"
    assert report.content_sha256 == content_sha256(report.frozen)
    pdf = Document.objects.get(case_id=report.pk, case_type__model="periodreport", kind="period_report")
    text = " ".join(page.extract_text() for page in PdfReader(pdf.file.open("rb")).pages).replace("\n", " ")
    assert "Period report" in text and "Dövr hesabatı" in text and report.content_sha256 in text.replace(" ", "")
    lines = list(ReportEvent.objects.filter(report=report).values_list("action", flat=True))
    assert lines == ["created", "updated", "submitted", "approved", "approved", "frozen"]
    # each decision recorded the hash of the content the approver saw
    decisions = ReportEvent.objects.filter(report=report, action="approved")
    assert {line.data["content_sha256"] for line in decisions} == {report.content_sha256}
    # later data changes what is counted now, not what was approved
    _fair(world, date(2025, 4, 4), "A fair recorded late")
    assert _row(report_content(report=report), fairs)["value"] == 3
    report.refresh_from_db()
    assert _row(report.frozen, fairs)["value"] == 2


def test_a_correction_is_the_next_version(world, prepared):
    report, _fairs = prepared
    case_submit(case=report, actor=world.coordinator_ce)
    _decide(world.head_ce, report)
    _decide(world.prorector, report)
    report.refresh_from_db()
    correction = report_create(
        actor=world.coordinator_ce,
        plan=report.plan,
        department=report.department,
        period_start=report.period_start,
        period_end=report.period_end,
        corrects=report,
    )
    assert (correction.version, correction.corrects, correction.status) == (2, report, "draft")
    with pytest.raises(ValidationError) as error:
        report_create(
            actor=world.coordinator_ce,
            plan=report.plan,
            department=report.department,
            period_start=report.period_start,
            period_end=report.period_end,
            corrects=report,
        )
    assert error.value.error_dict["corrects"][0].code == "report_corrected"


def test_sent_back_to_whoever_prepared_it_then_rejected(world, prepared):
    report, _fairs = prepared
    case_submit(case=report, actor=world.coordinator_ce)
    _decide(world.head_ce, report, "request_changes", "Add the notes of every indicator.")
    report.refresh_from_db()
    assert report.status == ReportStatus.CHANGES_REQUESTED
    assert open_task_for_case(case=report).owner == world.coordinator_ce
    report_update(report=report, actor=world.coordinator_ce, summary="With all notes.")
    case_submit(case=report, actor=world.coordinator_ce)
    _decide(world.head_ce, report)
    _decide(world.prorector, report, "reject", "Wrong period.")
    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED and report.frozen is None


def test_who_prepares_and_who_may_not_decide(world, prepared):
    report, _fairs = prepared
    with pytest.raises(PermissionDenied):
        report_create(
            actor=world.coordinator_math,
            plan=report.plan,
            department=world.departments["ce"],
            period_start=date(2025, 1, 1),
            period_end=date(2025, 6, 30),
        )
    with pytest.raises(PermissionDenied):
        case_submit(case=report, actor=world.head_ce)
    case_submit(case=report, actor=world.coordinator_ce)
    # another department's head may not decide it
    with pytest.raises(PermissionDenied):
        _decide(world.head_math, report)


def test_the_files_match_an_independent_count(world, prepared, client):
    report, fairs = prepared
    expected = Activity.objects.filter(
        kind="event",
        category__in=["fair_domestic", "fair_abroad"],
        start_date__range=(date(2025, 1, 1), date(2025, 6, 30)),
    ).count()
    client.force_login(world.head_ce)
    # XLSX
    response = client.get(reverse("reports:report_file", args=[report.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Indicators"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[fairs.code][7] == expected == 2
    assert rows[fairs.code][8] == "'=2 of 3 done"  # never a formula
    records = load_workbook(io.BytesIO(response.content))["Records"]
    assert sum(1 for row in records.iter_rows(min_row=2, values_only=True) if row[0] == fairs.code) == 2
    # CSV
    response = client.get(reverse("reports:report_file", args=[report.pk, "csv"]))
    body = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(body) == 15 and next(row for row in body if row[0] == fairs.code)[7] == "2"
    # PDF (live while a draft)
    response = client.get(reverse("reports:report_file", args=[report.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Number of education fairs attended" in text.replace("\n", " ")
    # the report page shows the same value and the records behind it
    page = client.get(report.get_absolute_url()).content.decode()
    assert Activity.objects.get(title="Study fair, Istanbul").get_absolute_url() in page
    assert Activity.objects.get(title="EAIE 2025, Gothenburg").get_absolute_url() not in page


def test_the_pages_take_a_report_through_its_chain(world, client):
    load_plan_2025()
    client.force_login(world.coordinator_ce)
    created = client.post(
        reverse("reports:report_create"),
        {
            "plan": PlanIndicator.objects.first().activity.plan_id,
            "department": world.departments["ce"].pk,
            "preset": "h1",
        },
    )
    report = PeriodReport.objects.get()
    assert created.status_code == 302 and (report.period_start, report.period_end) == (
        date(2025, 1, 1),
        date(2025, 6, 30),
    )
    fairs = PlanIndicator.objects.get(measure="fairs")
    saved = client.post(report.get_absolute_url(), {"summary": "Half-year one.", f"note_{fairs.pk}": "On track."})
    assert saved.status_code == 302
    assert client.post(reverse("reports:report_submit", args=[report.pk])).status_code == 302
    # the head decides on the shared task page
    client.force_login(world.head_ce)
    task = open_task_for_case(case=report)
    page = client.get(reverse("workflows:task", args=[task.pk]))
    assert page.status_code == 200 and "On track." in page.content.decode()
    decided = client.post(
        reverse("workflows:task", args=[task.pk]), {"task_id": task.pk, "decision": "approve", "comment": ""}
    )
    assert decided.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.PRORECTOR_REVIEW
    # the report's history exports like any case's
    client.force_login(world.auditor)
    history = client.get(reverse("reports:case_history_csv", kwargs={"kind": "report", "case_id": report.pk}))
    assert history.status_code == 200 and "head_review" in history.content.decode()
    assert client.get(reverse("reports:reports")).status_code == 200


def test_the_dashboard_draws_the_numbers(world, client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    load_plan_2025()
    _fair(world, date(2025, 3, 1), "Study fair")
    client.force_login(world.prorector)
    page = client.get(reverse("reports:dashboard"), {"year": 2025})
    assert page.status_code == 200
    progress = {row["code"]: row for row in page.context["data"]["progress"]}
    fairs = PlanIndicator.objects.get(measure="fairs")
    assert progress[fairs.code]["value"] == 1 and progress[fairs.code]["target_value"] == "3.0"
    for chart in ("mobility", "agreements", "progress"):
        image = client.get(reverse("reports:dashboard_chart", args=[2025, chart]))
        assert image.status_code == 200 and image["Content-Type"] == "image/png"
        assert image.content.startswith(b"\x89PNG")
    assert client.get(reverse("reports:dashboard_chart", args=[2025, "other"])).status_code == 404
    client.force_login(world.student1)
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_the_api_gives_a_report_submits_it_and_the_chain_decides_it(world, prepared, clients):
    report, fairs = prepared
    office = clients.coordinator_ce
    listed = office.get("/api/v1/period-reports/").json()["results"]
    assert [row["id"] for row in listed] == [report.pk]
    body = office.get(f"/api/v1/period-reports/{report.pk}/").json()
    assert next(row for row in body["content"]["indicators"] if row["id"] == fairs.pk)["value"] == 2
    submitted = office.post(f"/api/v1/period-reports/{report.pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "head_review"
    again = office.post(f"/api/v1/period-reports/{report.pk}/submit/")
    assert again.status_code == 409 and again.json()["code"] == "report_already_submitted"
    for username in ("head_ce", "prorector"):
        task = open_task_for_case(case=report)
        decided = getattr(clients, username).post(
            f"/api/v1/tasks/{task.pk}/decision/", {"decision": "approve", "comment": ""}, format="json"
        )
        assert decided.status_code == 200, decided.content
    body = office.get(f"/api/v1/period-reports/{report.pk}/").json()
    assert body["status"] == "approved" and len(body["content_sha256"]) == 64
    history = office.get(f"/api/v1/period-reports/{report.pk}/history/").json()["results"]
    assert [line["action"] for line in history][-3:] == ["approved", "approved", "frozen"]
    assert clients.student1.get(f"/api/v1/period-reports/{report.pk}/").status_code == 404
