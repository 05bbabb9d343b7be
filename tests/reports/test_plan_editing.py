"""The office edits the action plan (goals, activities, indicators: baseline, target, responsible unit, controller,
reporting cycle, confirming document kinds) in pages and the API, each change on the plan's append-only timeline;
reports are prepared and annotated through the API; the dashboard is counted ahead by the beat job."""

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from reports.demo import load_plan_2025
from reports.models import ActionPlan, DashboardSnapshot, PeriodReport, PlanActivity, PlanEvent, PlanIndicator
from reports.services import activity_create, plan_activity_save, plan_create, plan_indicator_save
from reports.tasks import dashboard_refresh_task

pytestmark = pytest.mark.django_db

INDICATOR = {
    "code": "1.1",
    "quantitative_az": "Tələbələrin sayı",
    "quantitative_en": "Number of students",
    "baseline_value": "10.0",
    "target_value": "20.0",
    "responsible_az": "Beynəlxalq əlaqələr şöbəsi",
    "responsible_en": "International Relations Department",
    "controller_az": "Prorektor",
    "controller_en": "Prorector",
    "documents_az": "Əmr",
    "documents_en": "Order",
    "document_kinds": ["order", "participant_list"],
    "reporting_cycle": "half_yearly",
    "measure": "agreements_effective",
}


def _plan(world):
    plan = plan_create(actor=world.coordinator_ce, year=2027, title_az="2027 planı", title_en="Plan 2027")
    activity = plan_activity_save(
        plan=plan, actor=world.coordinator_ce, position=1, goal_code="Məqsəd 1", name_az="Fəaliyyət", name_en="Work"
    )
    return plan, activity


def test_the_office_builds_a_plan_and_every_change_is_on_its_timeline(world):
    plan, activity = _plan(world)
    indicator = plan_indicator_save(plan=plan, actor=world.coordinator_ce, activity=activity, **INDICATOR)
    assert indicator.document_kinds == ["order", "participant_list"]
    plan_indicator_save(plan=plan, actor=world.prorector, indicator=indicator, target_value=25, controller_en="Rector")
    indicator.refresh_from_db()
    assert indicator.target_value == 25 and indicator.controller_en == "Rector"
    actions = list(PlanEvent.objects.filter(plan=plan).values_list("action", flat=True))
    assert actions == ["created", "activity_added", "indicator_added", "indicator_changed"]
    change = PlanEvent.objects.get(action="indicator_changed")
    assert change.actor == world.prorector
    assert change.data["changes"]["controller_en"] == {"old": "Prorector", "new": "Rector"}
    # a change that changes nothing writes no line
    plan_indicator_save(plan=plan, actor=world.prorector, indicator=indicator, target_value=25)
    assert PlanEvent.objects.filter(plan=plan).count() == 4
    # the timeline cannot be edited, even in SQL
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE reports_planevent SET comment = 'x' WHERE plan_id = %s", [plan.pk])
    with pytest.raises(TypeError):
        PlanEvent.objects.filter(plan=plan).delete()


def test_bad_input_is_refused_by_field(world):
    plan, activity = _plan(world)
    other, other_activity = plan_create(actor=world.prorector, year=2028, title_az="a", title_en="b"), None
    other_activity = plan_activity_save(
        plan=other, actor=world.prorector, position=1, goal_code="G", name_az="a", name_en="b"
    )
    with pytest.raises(ValidationError) as taken:
        plan_activity_save(plan=plan, actor=world.coordinator_ce, position=1, goal_code="G", name_az="x", name_en="y")
    assert "position" in taken.value.message_dict
    with pytest.raises(ValidationError) as foreign:
        plan_indicator_save(plan=plan, actor=world.coordinator_ce, **{**INDICATOR, "activity": other_activity})
    assert "activity" in foreign.value.message_dict
    with pytest.raises(ValidationError) as kinds:
        plan_indicator_save(plan=plan, actor=world.coordinator_ce, **{**INDICATOR, "activity": activity,
                                                                      "document_kinds": ["nonsense"]})  # fmt: skip
    assert "document_kinds" in kinds.value.message_dict
    plan_indicator_save(plan=plan, actor=world.coordinator_ce, activity=activity, **INDICATOR)
    with pytest.raises(ValidationError) as twice:
        plan_indicator_save(plan=plan, actor=world.coordinator_ce, activity=activity, **INDICATOR)
    assert "code" in twice.value.message_dict
    with pytest.raises(ValidationError) as year:
        plan_create(actor=world.coordinator_ce, year=2027, title_az="a", title_en="b")
    assert "year" in year.value.message_dict
    for user in (world.head_ce, world.auditor, world.student1):
        with pytest.raises(PermissionDenied):
            plan_create(actor=user, year=2030, title_az="a", title_en="b")
    assert PlanIndicator.objects.filter(activity__plan=plan).count() == 1


def test_the_pages_edit_the_plan(world, client):
    plan = load_plan_2025()
    client.force_login(world.coordinator_ce)
    page = client.get(reverse("reports:plan", args=[2025]))
    assert reverse("reports:plan_edit", args=[2025]) in page.content.decode()
    edit = client.get(reverse("reports:plan_edit", args=[2025]))
    assert edit.status_code == 200 and len(edit.context["activities"]) == plan.activities.count()
    indicator = PlanIndicator.objects.filter(activity__plan=plan).order_by("pk").first()
    url = reverse("reports:plan_indicator_edit", args=[2025, indicator.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "document_kinds"}
    data.update(activity=indicator.activity_id, target_value="7", document_kinds=["order", "minutes"])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    indicator.refresh_from_db()
    assert indicator.target_value == 7 and indicator.document_kinds == ["minutes", "order"]
    # a bad number is shown on its field, nothing saved
    bad = client.post(url, {**data, "target_value": "many"})
    assert bad.status_code == 200 and "target_value" in bad.context["form"].errors
    # a new activity, then a clash of numbers on the form
    new = client.post(
        reverse("reports:plan_activity_create", args=[2025]),
        {"position": 99, "goal_code": "Məqsəd 9", "name_az": "Yeni", "name_en": "New"},
    )
    assert new.status_code == 302 and PlanActivity.objects.filter(plan=plan, position=99).exists()
    clash = client.post(
        reverse("reports:plan_activity_create", args=[2025]),
        {"position": 99, "goal_code": "Məqsəd 9", "name_az": "Yeni", "name_en": "New"},
    )
    assert clash.status_code == 200 and "position" in clash.context["form"].errors
    created = client.post(reverse("reports:plan_create"), {"year": 2026, "title_az": "2026", "title_en": "2026"})
    assert created.status_code == 302 and ActionPlan.objects.filter(year=2026).exists()
    assert "Indicator changed" in client.get(reverse("reports:plan_edit", args=[2025])).content.decode()
    # heads and the auditor read the plan but do not edit it
    client.force_login(world.head_ce)
    assert client.get(reverse("reports:plan_edit", args=[2025])).status_code == 403
    assert client.post(reverse("reports:plan_create"), {"year": 2031}).status_code == 403


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_edits_the_plan_with_retries_happening_once(world):
    api = _api(world.coordinator_ce)
    created = [
        api.post("/api/v1/plans/", {"year": 2027, "title_az": "a", "title_en": "b"}, HTTP_IDEMPOTENCY_KEY="plan-1")
        for _ in range(2)
    ]
    assert [r.status_code for r in created] == [201, 201] and created[0].json() == created[1].json()
    assert ActionPlan.objects.filter(year=2027).count() == 1
    activity = api.post(
        "/api/v1/plans/2027/activities/",
        {"position": 1, "goal_code": "G1", "name_az": "a", "name_en": "b"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="act-1",
    )
    assert activity.status_code == 201
    body = {**INDICATOR, "activity": activity.json()["id"]}
    indicators = [
        api.post("/api/v1/plans/2027/indicators/", body, format="json", HTTP_IDEMPOTENCY_KEY="ind-1") for _ in range(2)
    ]
    assert [r.status_code for r in indicators] == [201, 201]
    assert PlanIndicator.objects.filter(activity__plan__year=2027).count() == 1
    indicator_id = indicators[0].json()["id"]
    changed = api.patch(f"/api/v1/plans/2027/indicators/{indicator_id}/", {"target_value": "30"}, format="json")
    assert changed.status_code == 200 and changed.json()["target_value"] == "30.0"
    bad = api.patch(f"/api/v1/plans/2027/indicators/{indicator_id}/", {"document_kinds": ["x"]}, format="json")
    assert bad.status_code == 400 and bad.json()["codes"] == {"document_kinds.0": ["invalid_choice"]}
    clash = api.post("/api/v1/plans/2027/activities/", {"position": 1, "goal_code": "G", "name_az": "a",
                                                         "name_en": "b"}, format="json")  # fmt: skip
    assert clash.status_code == 400 and clash.json()["codes"]["position"] == ["unique"]
    assert api.patch("/api/v1/plans/2027/", {"approved_by": "Rector"}, format="json").json()["approved_by"] == "Rector"
    history = api.get("/api/v1/plans/2027/history/").json()["results"]
    assert [e["action"] for e in history] == ["updated", "indicator_changed", "indicator_added", "activity_added",
                                              "created"]  # fmt: skip
    assert _api(world.head_ce).patch("/api/v1/plans/2027/", {"approved_by": "x"}, format="json").status_code == 403
    assert _api(world.student1).patch("/api/v1/plans/2027/", {"approved_by": "x"}, format="json").status_code == 404


def test_the_api_prepares_a_report_and_writes_its_notes(world):
    plan = load_plan_2025()
    activity_create(
        actor=world.coordinator_ce, kind="event", category="fair_abroad", title="Fair", start_date=date(2025, 3, 1)
    )
    api = _api(world.coordinator_ce)
    body = {"plan": 2025, "department": world.departments["ce"].pk, "preset": "h1"}
    created = [api.post("/api/v1/period-reports/", body, format="json", HTTP_IDEMPOTENCY_KEY="r-1") for _ in range(2)]
    assert [r.status_code for r in created] == [201, 201]
    assert PeriodReport.objects.count() == 1
    report = created[0].json()
    assert (report["period_start"], report["period_end"]) == ("2025-01-01", "2025-06-30")
    fairs = PlanIndicator.objects.get(activity__plan=plan, measure="fairs")
    url = f"/api/v1/period-reports/{report['id']}/"
    noted = api.patch(url, {"summary": "A good half", "notes": [{"indicator": fairs.pk, "text": "Istanbul"}]},
                      format="json")  # fmt: skip
    assert noted.status_code == 200
    row = next(r for r in noted.json()["content"]["indicators"] if r["id"] == fairs.pk)
    assert row["note"] == "Istanbul" and row["value"] == 1 and noted.json()["content"]["summary"] == "A good half"
    # another department's coordinator may not prepare one for ce; a bad period is a field error
    other = _api(world.coordinator_math).post("/api/v1/period-reports/", body, format="json")
    assert other.status_code == 403
    bad = api.post("/api/v1/period-reports/", {**body, "preset": "custom", "date_from": "2025-05-01"}, format="json")
    assert bad.status_code == 400 and "date_to" in bad.json()
    wrong = api.patch(url, {"notes": [{"indicator": 999999, "text": "?"}]}, format="json")
    assert wrong.status_code == 400 and "notes" in wrong.json()
    submitted = api.post(f"{url}submit/")
    assert submitted.status_code == 200
    late = api.patch(url, {"summary": "later"}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "report_not_editable"


def test_the_beat_job_counts_the_dashboard_ahead_and_the_page_says_as_of_when(world, client):
    load_plan_2025()
    activity_create(
        actor=world.coordinator_ce, kind="event", category="fair_abroad", title="Fair", start_date=date(2025, 3, 1)
    )
    assert any(entry["task"] == dashboard_refresh_task.name for entry in django_settings.CELERY_BEAT_SCHEDULE.values())
    dashboard_refresh_task.apply(args=[[2025]]).get()
    snapshots = DashboardSnapshot.objects.filter(year=2025)
    assert {s.language for s in snapshots} == {"en", "az"}
    counted = snapshots.get(language="en")
    fairs = PlanIndicator.objects.get(measure="fairs")
    assert {row["code"]: row["value"] for row in counted.data["progress"]}[fairs.code] == 1
    # a new fair is seen after the next run, not before: the page reads the snapshot and says when it was counted
    activity_create(
        actor=world.coordinator_ce, kind="event", category="fair_domestic", title="Fair 2", start_date=date(2025, 4, 1)
    )
    client.force_login(world.prorector)
    page = client.get(reverse("reports:dashboard"), {"year": 2025})
    assert {row["code"]: row["value"] for row in page.context["data"]["progress"]}[fairs.code] == 1
    assert page.context["as_of"] == counted.computed_at
    dashboard_refresh_task.apply(args=[[2025]]).get()  # twice: the same rows, replaced
    assert DashboardSnapshot.objects.filter(year=2025).count() == 2
    page = client.get(reverse("reports:dashboard"), {"year": 2025})
    assert {row["code"]: row["value"] for row in page.context["data"]["progress"]}[fairs.code] == 2
    assert page.context["as_of"] > counted.computed_at
