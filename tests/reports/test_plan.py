"""The action plan (the 2025 plan of the source document, loaded by load_demo in both languages) and its indicators
computed from the data for any period — each compared with an independent count of the same data, and each number
opening the records behind it."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from agreements.models import AgreementType
from applications.models import Application, CaseEvent
from reports.demo import load_plan_2025
from reports.indicators import Period, measure_count
from reports.models import ActionPlan, Measure, PlanIndicator, ReportingCycle
from reports.services import activity_create
from reports.text import in_language
from tests.support.agreements import active_agreement
from tests.support.drivers import approve_all, make_submitted_application
from workflows.kinds import kind_by_key

pytestmark = pytest.mark.django_db


def test_the_2025_plan_has_its_14_indicators_in_both_languages():
    plan = load_plan_2025()
    again = load_plan_2025()
    assert plan.pk == again.pk and ActionPlan.objects.count() == 1
    indicators = list(PlanIndicator.objects.filter(activity__plan=plan).select_related("activity"))
    assert len(indicators) == 14
    for indicator in indicators:
        for name in ("quantitative", "responsible", "controller", "documents"):
            assert getattr(indicator, f"{name}_az") and getattr(indicator, f"{name}_en"), (indicator.code, name)
        assert indicator.activity.name_az and indicator.activity.name_en
        assert indicator.activity.goal_code.startswith("Məqsəd ")
    # half-yearly: the procedures and the mobility of students and staff; the rest yearly
    half = {i.measure for i in indicators if i.reporting_cycle == ReportingCycle.HALF_YEARLY}
    assert half == {Measure.PROCEDURES, Measure.MOBILITY}
    beyond_the_plan = {Measure.AGREEMENTS_EFFECTIVE, Measure.AGREEMENTS_IMPLEMENTATION, Measure.INCOMING_MOBILITY}
    assert {i.measure for i in indicators} == set(Measure.values) - beyond_the_plan
    fairs = next(i for i in indicators if i.measure == Measure.FAIRS)
    assert fairs.target_value == 3 and fairs.activity.goal_code == "Məqsəd 1, hədəf 3-3.1"
    assert fairs.document_kinds == ["order", "participant_list"]
    assert all(i.document_kinds for i in indicators)
    with override("az"):
        assert in_language(fairs, "quantitative") == "İştirak edilən sərgilərin sayı"
    with override("en"):
        assert in_language(fairs, "quantitative") == "Number of education fairs attended"


def test_load_demo_loads_the_plan(settings):
    settings.DEBUG = True
    call_command("load_demo")
    plan = ActionPlan.objects.get(year=2025)
    assert PlanIndicator.objects.filter(activity__plan=plan).count() == 14


def _event(world, category, when, **fields):
    return activity_create(
        actor=world.coordinator_ce,
        kind=fields.pop("kind", "event"),
        category=category,
        title=fields.pop("title", f"{category} {when}"),
        start_date=when,
        **fields,
    )


def test_register_indicators_match_an_independent_count(world):
    ce, math = world.departments["ce"], world.departments["math"]
    # fairs: two in the first half of 2025, one in the second, one in 2024
    for when in (date(2025, 3, 1), date(2025, 5, 20), date(2025, 10, 2), date(2024, 11, 5)):
        _event(world, "fair_abroad" if when.month != 5 else "fair_domestic", when)
    # meetings and trainings at faculties: ce twice, math once (the number is of faculties)
    _event(world, "faculty_meeting", date(2025, 2, 10), department=ce)
    _event(world, "faculty_training", date(2025, 4, 10), department=ce)
    _event(world, "faculty_meeting", date(2025, 9, 10), department=math)
    # memberships: one since 2024 still running, one ended in 2024
    _event(world, "organisation", date(2024, 1, 1), kind="membership", title="EAIE")
    _event(world, "organisation", date(2023, 1, 1), kind="membership", title="Old", end_date=date(2024, 6, 1))
    # online trainings: their students and staff add up
    _event(world, "online_course", date(2025, 3, 3), kind="online_training", students_count=12, staff_count=3)
    _event(world, "online_course", date(2025, 8, 3), kind="online_training", students_count=5, staff_count=0)
    _event(world, "conference", date(2025, 6, 1), participants_count=120)
    _event(world, "qs", date(2025, 4, 1), kind="ranking", outcome="submitted")
    _event(world, "erasmus_ka2", date(2025, 2, 2), kind="grant", outcome="awarded", role="partner")
    _event(world, "erasmus_ka2", date(2025, 3, 2), kind="grant", outcome="rejected", role="coordinator")
    _event(world, "exchange", date(2025, 7, 15), kind="procedure")

    year, h1, h2 = Period.year(2025), Period.half(2025, 1), Period.half(2025, 2)

    def value(measure, period):
        return measure_count(measure, period).value

    assert (value(Measure.FAIRS, year), value(Measure.FAIRS, h1), value(Measure.FAIRS, h2)) == (3, 2, 1)
    assert value(Measure.FAIRS, Period.year(2024)) == 1
    assert value(Measure.FACULTIES_REACHED, year) == 2 and value(Measure.FACULTIES_REACHED, h1) == 1
    assert value(Measure.MEMBERSHIPS, year) == 1 and value(Measure.MEMBERSHIPS, Period.year(2023)) == 1
    assert value(Measure.ONLINE_TRAINING, year) == 20 and value(Measure.ONLINE_TRAINING, h2) == 5
    assert value(Measure.SCIENTIFIC_EVENTS, year) == 1
    assert value(Measure.RANKINGS, year) == 1
    assert value(Measure.PROCEDURES, h1) == 0 and value(Measure.PROCEDURES, h2) == 1
    grants = measure_count(Measure.GRANTS_SUBMITTED, year)
    assert grants.value == 2 and sorted(grants.breakdown["Status"].values()) == [1, 1]
    fairs = measure_count(Measure.FAIRS, h1)
    assert {record.label for record in fairs.records} == {
        "2025-03-01 · fair_abroad 2025-03-01",
        "2025-05-20 · fair_domestic 2025-05-20",
    }


def test_mobility_keeps_approved_nominated_and_took_place_apart(world):
    # given two approved applications: one whose mobility has begun, one still to come; a third nominated
    today = timezone.localdate()
    begun = approve_all(world, make_submitted_application(world))
    coming = approve_all(world, make_submitted_application(world, world.student2, choices=[world.partners[1].pk]))
    Application.objects.filter(pk=begun.pk).update(period_start=date(today.year, 1, 10), period_end=today)
    nominated = make_submitted_application(world, world.student3, choices=[world.partners[2].pk])
    kind_by_key("application").record_event(
        case=nominated,
        action=CaseEvent.Action.PLACE_ASSIGNED,
        actor=world.coordinator_math,
        step="",
        comment="",
        status_before=nominated.status,
        status_after="nominated",
        data={},
    )
    period = Period.year(today.year)
    # when
    mobility = measure_count(Measure.MOBILITY, period)
    # then
    approvals = CaseEvent.objects.filter(status_after="approved", created_at__year=today.year)
    assert approvals.values("application").distinct().count() == 2
    assert mobility.value == 1 and [r.url for r in mobility.records] == [begun.get_absolute_url()]
    assert mobility.breakdown["Stage"] == {"approved": 2, "nominated": 1, "took place": 1}
    assert mobility.breakdown["Programme"] == {"Erasmus+": 1}
    assert mobility.breakdown["Country"] == {begun.nominated_place.partner.country: 1}
    assert coming.pk not in {int(r.label.split(" ")[0][1:]) for r in mobility.records}
    # nothing in another year
    assert measure_count(Measure.MOBILITY, Period.year(today.year - 1)).value == 0


def test_agreements_new_and_in_force_by_type_and_country(world):
    first = active_agreement(world, world.partners[0])
    second = active_agreement(world, world.partners[1])
    today = timezone.localdate()
    period = Period.year(today.year)
    new = measure_count(Measure.AGREEMENTS_NEW, period)
    assert new.value == 2 and {r.url for r in new.records} == {first.get_absolute_url(), second.get_absolute_url()}
    assert sum(new.breakdown["Country"].values()) == 2
    assert measure_count(Measure.AGREEMENTS_NEW, Period.year(today.year - 1)).value == 0
    in_force = measure_count(Measure.AGREEMENTS_ACTIVE, period)
    assert in_force.value == 2
    assert measure_count(Measure.INTERNSHIP_PROGRAMMES, period).value == sum(
        1 for a in (first, second) if a.type == AgreementType.INTERNSHIP
    )


def test_the_plan_page_shows_values_that_open_their_records(world, client):
    plan = load_plan_2025()
    fair = _event(world, "fair_abroad", date(2025, 3, 1), title="Study in Azerbaijan, Istanbul")
    client.force_login(world.prorector)
    page = client.get(reverse("reports:plan", args=[2025]), {"preset": "h1"})
    assert page.status_code == 200
    rows = dict((indicator.measure, count) for indicator, count in page.context["rows"])
    assert rows[Measure.FAIRS].value == 1 and len(page.context["rows"]) == 14
    indicator = PlanIndicator.objects.get(activity__plan=plan, measure=Measure.FAIRS)
    drill = reverse("reports:indicator", args=[2025, indicator.pk])
    assert drill in page.content.decode()
    records = client.get(drill, {"date_from": "2025-01-01", "date_to": "2025-06-30"})
    assert fair.get_absolute_url() in records.content.decode()
    assert client.get(drill, {"date_from": "2025-07-01", "date_to": "2025-12-31"}).context["count"].value == 0
    # in Azerbaijani, the plan's own text
    assert "Number of education fairs attended" in page.content.decode()
    world.auditor.preferred_language = "az"
    world.auditor.save(update_fields=["preferred_language"])
    client.force_login(world.auditor)
    response = client.get(reverse("reports:plan", args=[2025]))
    assert "İştirak edilən sərgilərin sayı" in response.content.decode()
    client.force_login(world.student1)
    assert client.get(reverse("reports:plan", args=[2025])).status_code == 404
    assert client.get(reverse("reports:plans")).status_code == 403


def test_the_api_gives_the_plan_with_its_values(world, clients):
    load_plan_2025()
    _event(world, "fair_domestic", date(2025, 8, 1))
    api = clients.coordinator_ce
    assert [plan["year"] for plan in api.get("/api/v1/plans/").json()["results"]] == [2025]
    body = api.get("/api/v1/plans/2025/", {"preset": "h2"}).json()
    assert (body["period_start"], body["period_end"]) == ("2025-07-01", "2025-12-31")
    values = {row["measure"]: row["value"] for row in body["indicators"]}
    assert len(body["indicators"]) == 14 and values["fairs"] == 1 and values["mobility"] == 0
    first_half = api.get("/api/v1/plans/2025/", {"preset": "h1"}).json()
    assert {row["measure"]: row["value"] for row in first_half["indicators"]}["fairs"] == 0
    bad = api.get("/api/v1/plans/2025/", {"preset": "custom", "date_from": "2025-05-01"})
    assert bad.status_code == 400 and "date_to" in bad.json()
    assert clients.student1.get("/api/v1/plans/2025/").status_code == 404
