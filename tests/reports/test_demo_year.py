"""The issue's "done when", tried in the demo as a new user would, through the pages: the office opens the 2025 plan,
records activities with a document, prepares the first half-year report with a note, the department head and the
prorector approve it from their inbox; the PDF and XLSX give the numbers a hand count of the demo data gives; the
auditor exports a case's history and a period's audit events."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Department, User
from agreements.models import Agreement, AgreementEvent
from applications.models import Application, CaseEvent
from reports.models import Activity, PeriodReport, PlanIndicator, ReportStatus
from tests.support.files import pdf_upload
from workflows.selectors import open_task_for_case

pytestmark = pytest.mark.django_db

H1 = (date(2025, 1, 1), date(2025, 6, 30))


def _in_h1(day):
    return day is not None and H1[0] <= day <= H1[1]


def _hand_counts() -> dict[str, int]:
    """Each counted indicator of the first half of 2025, counted in Python over every row (no query of
    reports.indicators)."""
    activities = list(Activity.objects.all())

    def entries(kind, categories=None):
        return [
            a for a in activities if a.kind == kind and (categories is None or a.category in categories)
        ]  # fmt: skip

    in_h1 = [a for a in activities if _in_h1(a.start_date)]
    memberships = [
        a for a in entries("membership") if a.start_date <= H1[1] and (a.end_date is None or a.end_date >= H1[0])
    ]
    faculty_events = [a for a in in_h1 if a.category in ("faculty_meeting", "faculty_training")]
    # the cases: no approval, nomination or activation happened in 2025 in the demo (it is loaded now)
    approvals = [e for e in CaseEvent.objects.all() if e.status_after in ("approved", "selected")]
    activations = [e for e in AgreementEvent.objects.all() if e.action == "activated"]
    approved_in_h1 = {e.application_id for e in approvals if _in_h1(e.created_at.date())}
    took_place = [
        a
        for a in Application.objects.all()
        if a.status in ("approved", "accepted", "nominated")
        and a.period_start
        and a.period_start <= H1[1]
        and a.period_end >= H1[0]
    ]
    new_agreements = [a for a in Agreement.objects.all() if a.pk in {e.agreement_id for e in activations
                                                                     if _in_h1(e.created_at.date())}]  # fmt: skip
    activated_by_end = {e.agreement_id for e in activations if e.created_at.date() <= H1[1]}
    in_force = [
        a for a in Agreement.objects.all() if a.pk in activated_by_end and a.start_date <= H1[1] and a.end_date >= H1[0]
    ]
    return {
        "faculties_reached": len({a.department_id for a in faculty_events if a.department_id}),
        "fairs": sum(1 for a in in_h1 if a.category in ("fair_domestic", "fair_abroad")),
        "scientific_events": sum(1 for a in in_h1 if a.category in ("conference", "congress", "symposium", "forum")),
        "memberships": len(memberships),
        "procedures": sum(1 for a in in_h1 if a.kind == "procedure"),
        "rankings": sum(1 for a in in_h1 if a.kind == "ranking"),
        "grants_submitted": sum(1 for a in in_h1 if a.kind == "grant"),
        "online_training": sum(a.students_count + a.staff_count for a in in_h1 if a.kind == "online_training"),
        "mobility": len(took_place),
        "internship_students": len([a for a in took_place if a.call.mobility_type == "traineeship"]),
        "agreements_new": len(new_agreements),
        "internship_programmes": sum(1 for a in new_agreements if a.type == "internship"),
        "agreements_active": len(in_force),
        "double_degrees": sum(1 for a in in_force if a.type == "double_degree"),
        "_approved": len(approved_in_h1),
    }


def test_the_office_runs_the_2025_plan_in_the_demo(client, settings):
    settings.DEBUG = True
    call_command("load_demo")
    users = {u.username: u for u in User.objects.all()}
    ce = Department.objects.get(code="ce")

    # the office opens the 2025 plan
    client.force_login(users["coordinator_ce"])
    plans = client.get(reverse("reports:plans"))
    assert reverse("reports:plan", args=[2025]) in plans.content.decode()
    plan_page = client.get(reverse("reports:plan", args=[2025]), {"preset": "h1"})
    assert plan_page.status_code == 200 and len(plan_page.context["rows"]) == 14

    # records two activities, each with a confirming document
    for title, category, day in (
        ("Education fair, Baku Expo", "fair_domestic", "2025-04-24"),
        ("Erasmus+ training at Mathematics", "faculty_training", "2025-05-12"),
    ):
        form = {
            "kind": "event",
            "category": category,
            "title": title,
            "start_date": day,
            "participants_count": 12,
            "students_count": 0,
            "staff_count": 0,
        }
        if category == "faculty_training":
            form["department"] = Department.objects.get(code="math").pk
        created = client.post(reverse("reports:activity_create"), form)
        assert created.status_code == 302, created.context["form"].errors
        activity = Activity.objects.get(title=title)
        uploaded = client.post(activity.get_absolute_url(), {"kind": "participant_list", "file": pdf_upload()})
        assert uploaded.status_code == 302

    # prepares the first half-year report and notes one indicator
    plan_id = plan_page.context["plan"].pk
    prepared = client.post(
        reverse("reports:report_create"), {"plan": plan_id, "department": ce.pk, "preset": "h1", "title": ""}
    )
    assert prepared.status_code == 302
    report = PeriodReport.objects.get()
    fairs = PlanIndicator.objects.get(activity__plan_id=plan_id, measure="fairs")
    noted = client.post(report.get_absolute_url(), {"summary": "First half of 2025.", f"note_{fairs.pk}": "Two fairs."})
    assert noted.status_code == 302
    assert client.post(reverse("reports:report_submit", args=[report.pk])).status_code == 302

    # the department head, then the prorector approve it from their inbox
    for approver in ("head_ce", "prorector"):
        client.force_login(users[approver])
        task = open_task_for_case(case=report)
        inbox = client.get(reverse("workflows:inbox"))
        assert reverse("workflows:task", args=[task.pk]) in inbox.content.decode()
        decided = client.post(
            reverse("workflows:task", args=[task.pk]), {"task_id": task.pk, "decision": "approve", "comment": "ok"}
        )
        assert decided.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.content_sha256

    # the files give what a hand count of the demo data gives
    counts = _hand_counts()
    assert counts["fairs"] == 2 and counts["faculties_reached"] == 2 and counts["online_training"] == 29
    client.force_login(users["coordinator_ce"])
    xlsx = client.get(reverse("reports:report_file", args=[report.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content))["Indicators"]
    indicators = {i.code: i for i in PlanIndicator.objects.filter(activity__plan_id=plan_id)}
    values = {indicators[row[0]].measure: row[7] for row in sheet.iter_rows(min_row=2, values_only=True)}
    for measure, expected in counts.items():
        if measure.startswith("_"):
            continue
        assert values[measure] == expected, measure
    pdf = client.get(reverse("reports:report_file", args=[report.pk, "pdf"]))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages)
    assert "Two fairs." in text
    frozen = {row["measure"]: row["value"] for row in report.frozen["indicators"]}
    assert all(frozen[m] == v for m, v in counts.items() if not m.startswith("_"))

    # the auditor exports the report's history and the period's audit events
    client.force_login(users["auditor"])
    history = client.get(reverse("reports:case_history_csv", args=["report", report.pk]))
    assert history.status_code == 200
    lines = list(csv.reader(io.StringIO(history.content.decode("utf-8-sig"))))
    assert sum(1 for line in lines if "approved" in line) >= 2
    history_pdf = client.get(reverse("reports:case_history_pdf", args=["report", report.pk]))
    assert history_pdf.status_code == 200 and history_pdf["Content-Type"] == "application/pdf"
    today = report.approved_at.date().isoformat()
    period = client.get(reverse("reports:audit"), {"date_from": today, "date_to": today, "export": "1"})
    assert period.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(period.streaming_content).decode("utf-8-sig"))))
    assert any(str(report.pk) in row and "report" in " ".join(row) for row in rows)
