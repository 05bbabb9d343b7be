"""The agreements' indicators (new and in force by type, country and ISCED-F field; effective; implementation), the
mobility stages kept apart (nominated through grants' nominations) and the drill-down a page at a time with the
confirming documents — each number compared with an independent count of the same data."""

from collections import Counter
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import services as agreement_services
from agreements.models import Agreement, AgreementQuota
from applications.models import Application, ApplicationStatus, CallPlace
from applications.services import call_places_from_agreements
from documents.models import DocumentKind
from documents.services import GENERATED_KINDS
from grants.models import Grant
from reports.indicators import Period, academic_years, measure_count
from reports.models import Measure
from reports.selectors import DRILL_DOWN_PER_PAGE
from reports.services import activity_create, activity_document_attach
from tests.support.agreements import activate, iia_terms
from tests.support.drivers import approve_all, make_submitted_application
from tests.support.factories import CallFactory
from tests.support.files import pdf_upload

pytestmark = pytest.mark.django_db


def _agreement(world, partner, *, areas, places=2, **overrides):
    terms = iia_terms(partner, **overrides)
    terms["conditions"][0]["subject_areas"] = areas
    terms["conditions"][0]["mobilities_per_year"] = places
    draft = agreement_services.agreement_create_draft(
        actor=world.coordinator_ce, department=world.departments["ce"], **terms
    )
    return activate(draft)


@pytest.fixture
def agreements_with_a_mobility(world):
    """Three agreements in force (2026/27 quotas): the first with one approved mobility on its quota."""
    first = _agreement(world, world.partners[0], areas=["0613"])
    second = _agreement(world, world.partners[1], areas=["0412", "0613"], places=3)
    third = _agreement(world, world.partners[2], areas=[], type="bilateral")
    call = CallFactory(academic_year="2026/27")
    call_places_from_agreements(call=call)
    mobility = approve_all(world, make_submitted_application(world, call=call, choices=[world.partners[0].pk]))
    assert mobility.status == ApplicationStatus.APPROVED
    return first, second, third, mobility


def test_academic_years_a_period_touches():
    assert academic_years(Period.year(2026)) == ["2025/26", "2026/27"]
    assert academic_years(Period.half(2026, 1)) == ["2025/26"]
    assert academic_years(Period.half(2026, 2)) == ["2025/26", "2026/27"]
    assert academic_years(Period(date(2026, 9, 1), date(2027, 8, 31))) == ["2026/27"]


def test_effective_agreements_are_those_with_a_mobility_in_the_period(world, agreements_with_a_mobility):
    first, second, third, mobility = agreements_with_a_mobility
    period = Period.year(timezone.localdate().year)
    # an independent count: the agreements whose quota fed the place of an application approved or nominated
    mobile = Application.objects.filter(status__in=[ApplicationStatus.APPROVED, ApplicationStatus.NOMINATED])
    by_hand = {a.nominated_place.quota.agreement_id for a in mobile if a.nominated_place and a.nominated_place.quota_id}
    effective = measure_count(Measure.AGREEMENTS_EFFECTIVE, period)
    assert by_hand == {first.pk}
    assert effective.value == len(by_hand) == 1
    assert [record.url for record in effective.records] == [first.get_absolute_url()]
    in_force = measure_count(Measure.AGREEMENTS_ACTIVE, period)
    assert in_force.value == Agreement.objects.filter(status="active").count() == 3
    assert in_force.breakdown["With a mobility in the period"] == {"effective": 1}
    assert [r.key for r in in_force.lists] == ["agreements", "effective"]
    # nothing effective in a period without a mobility
    assert measure_count(Measure.AGREEMENTS_EFFECTIVE, Period.year(timezone.localdate().year - 1)).value == 0


def test_agreements_by_type_country_and_isced_field(world, agreements_with_a_mobility):
    period = Period.year(timezone.localdate().year)
    in_force = measure_count(Measure.AGREEMENTS_ACTIVE, period)
    # an independent count over the agreements' current terms
    fields: Counter[str] = Counter()
    types: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    for agreement in Agreement.objects.select_related("current_version", "partner"):
        areas = {a for c in agreement.current_version.terms["conditions"] for a in c.get("subject_areas") or []}
        fields.update(areas or ["no field given"])
        types[str(agreement.get_type_display())] += 1
        countries[agreement.partner.country] += 1
    assert in_force.breakdown["ISCED-F field"] == dict(fields) == {"0613": 2, "0412": 1, "no field given": 1}
    assert in_force.breakdown["Type"] == dict(types)
    assert in_force.breakdown["Country"] == dict(countries)
    new = measure_count(Measure.AGREEMENTS_NEW, period)
    assert new.breakdown["ISCED-F field"] == dict(fields)
    assert new.breakdown["With a mobility in the period"] == {"effective": 1}


def test_implementation_is_places_used_over_places_available(world, agreements_with_a_mobility):
    period = Period.year(2026)
    # by hand: the quotas of 2025/26 and 2026/27 of the agreements in force in 2026
    quotas = [q for q in AgreementQuota.objects.all() if q.academic_year in ("2025/26", "2026/27")]
    used, places = sum(q.used for q in quotas), sum(q.places for q in quotas)
    assert (used, places) == (1, 2 + 1 + 3 + 1 + 2 + 1)
    implementation = measure_count(Measure.AGREEMENTS_IMPLEMENTATION, period)
    assert implementation.value == round(100 * used / places) == 10
    assert implementation.breakdown["Places of the agreements' quotas"] == {"used": used, "available": places}
    call_places = CallPlace.objects.filter(quota__isnull=False)
    assert implementation.breakdown["Places of the calls"] == {
        "taken": sum(p.places_taken for p in call_places),
        "offered": sum(p.places for p in call_places),
    }
    assert implementation.total_records == len(quotas) == 6
    # a period that touches no quota's academic year
    assert measure_count(Measure.AGREEMENTS_IMPLEMENTATION, Period.half(2026, 1)).value == 0


def test_nominated_counts_the_grants_nominations(world, eager_tasks, django_capture_on_commit_callbacks):
    from grants.services import nomination_create
    from tests.support.grants import rate_table

    # given two applications of the rolling call approved with a place at one partner, then nominated there
    rate_table(world)
    partner = world.partners[2]  # three places
    applications = [
        approve_all(world, make_submitted_application(world, applicant, choices=[partner.pk]))
        for applicant in (world.student1, world.student2)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        nomination_create(call=world.call, partner_id=partner.pk, actor=world.prorector)
    period = Period.year(timezone.localdate().year)
    mobility = measure_count(Measure.MOBILITY, period)
    # an independent count: the grants of the year's nominations
    by_hand = Grant.objects.filter(nomination__created_at__year=timezone.localdate().year).count()
    assert by_hand == len(applications) == 2
    assert mobility.breakdown["Stage"]["nominated"] == by_hand
    assert mobility.breakdown["Stage"]["approved"] == 2
    nominated = mobility.record_list("nominated")
    assert {row.pk for row in nominated.rows} == {a.pk for a in applications}
    # the stages are broken down apart: those nominated by partner and programme
    stage = mobility.by_stage["nominated"]
    assert stage["Partner"] == {partner.name: 2}
    assert sum(stage["Programme"].values()) == 2


def test_the_drill_down_pages_through_every_record_with_its_documents(world, client):
    # given 60 fairs in 2025, the first with a confirming document
    fairs = [
        activity_create(
            actor=world.coordinator_ce,
            kind="event",
            category="fair_abroad",
            title=f"Fair {n:02d}",
            start_date=date(2025, 1, 1 + n % 28),
        )
        for n in range(60)
    ]
    document = activity_document_attach(
        activity=fairs[0], actor=world.coordinator_ce, kind=DocumentKind.PARTICIPANT_LIST, file=pdf_upload()
    )
    client.force_login(world.auditor)
    url = reverse("reports:measure", args=["fairs"])
    first = client.get(url, {"year": 2025})
    assert first.status_code == 200
    assert first.context["count"].value == 60
    assert first.context["page"].paginator.count == 60 and len(first.context["drill_rows"]) == DRILL_DOWN_PER_PAGE
    second = client.get(url, {"year": 2025, "page": 2})
    listed = {row.record.url for page in (first, second) for row in page.context["drill_rows"]}
    assert listed == {fair.get_absolute_url() for fair in fairs}
    with_document = [row for page in (first, second) for row in page.context["drill_rows"] if row.documents]
    assert [row.documents for row in with_document] == [[document]]
    assert document.get_absolute_url() in (first.content + second.content).decode()
    # the API pages the same records with their documents
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.auditor)
    body = api.get("/api/v1/indicators/fairs/records/", {"year": 2025, "page": 2}).json()
    assert body["count"] == 60 and len(body["results"]) == 10
    every = body["results"] + api.get("/api/v1/indicators/fairs/records/", {"year": 2025}).json()["results"]
    documented = [row for row in every if row["documents"]]
    assert len(documented) == 1 and documented[0]["documents"][0]["sha256"] == document.sha256
    values = api.get("/api/v1/indicators/", {"year": 2025}).json()
    assert {row["measure"]: row["value"] for row in values["indicators"]}["fairs"] == 60
    assert len(values["indicators"]) == len(Measure.values)
    # students do not read the indicators
    api.force_authenticate(world.student1)
    assert api.get("/api/v1/indicators/fairs/records/", {"year": 2025}).status_code == 404
    assert api.get("/api/v1/indicators/").status_code == 403
    client.force_login(world.student1)
    assert client.get(url).status_code == 403


def test_the_mobility_drill_down_lists_each_stage_apart(world, client, agreements_with_a_mobility):
    _first, _second, _third, mobility = agreements_with_a_mobility
    client.force_login(world.prorector)
    url = reverse("reports:measure", args=["mobility"])
    approved = client.get(url, {"list": "approved"})
    assert [row.record.url for row in approved.context["drill_rows"]] == [mobility.get_absolute_url()]
    # the applicant's own uploads (passport, transcript) stay on the case page: only Körpü's letters confirm it
    assert mobility.documents.exists()
    assert all(d.kind in GENERATED_KINDS for row in approved.context["drill_rows"] for d in row.documents)
    # the mobility has not begun (no dates): it did not take place
    took_place = client.get(url)
    assert took_place.context["record_list"].key == "took_place" and took_place.context["drill_rows"] == []
    effective = client.get(reverse("reports:measure", args=["agreements_active"]), {"list": "effective"})
    assert len(effective.context["drill_rows"]) == 1
    quotas = client.get(reverse("reports:measure", args=["agreements_implementation"]))
    assert quotas.status_code == 200 and len(quotas.context["drill_rows"]) == 6
    assert client.get(reverse("reports:measure", args=["nothing"])).status_code == 404
    listing = client.get(reverse("reports:measures"))
    assert listing.status_code == 200 and len(listing.context["rows"]) == len(Measure.values)


def test_incoming_mobility_counts_what_incoming_records(world, eager_tasks, django_capture_on_commit_callbacks):
    from incoming.models import IncomingApplication
    from tests.support.incoming import complete_application, incoming_agreement, invite, nominate

    agreement = incoming_agreement(world, places=3)
    invitation, _token = invite(world, django_capture_on_commit_callbacks, agreement)
    anna = nominate(django_capture_on_commit_callbacks, invitation)
    ben = nominate(django_capture_on_commit_callbacks, invitation, email="ben@student.example.edu", first_name="Ben")
    complete_application(anna)  # from 15 September 2026 to 31 January 2027
    complete_application(ben, period_start=date(2027, 2, 15), period_end=date(2027, 6, 30))

    # an independent count: those not withdrawn whose mobility overlaps the period (undated: any period)
    def by_hand(start, end):
        return sum(
            1
            for a in IncomingApplication.objects.all()
            if a.status != "withdrawn"
            and (a.period_end is None or a.period_end >= start)
            and (a.period_start is None or a.period_start <= end)
        )

    autumn = Period(date(2026, 9, 1), date(2026, 12, 31))
    spring = Period(date(2027, 2, 1), date(2027, 6, 30))
    for period, expected in ((autumn, 1), (spring, 1), (Period(date(2026, 9, 1), date(2027, 6, 30)), 2)):
        count = measure_count(Measure.INCOMING_MOBILITY, period)
        assert count.value == by_hand(period.start, period.end) == expected
        assert {row.pk for row in count.record_list().rows} == {
            a.pk for a in IncomingApplication.objects.all() if a.period_start <= period.end
            and a.period_end >= period.start
        }  # fmt: skip
        assert count.breakdown["Stage"]["nominated"] == expected
        assert count.breakdown["Partner"] == {agreement.partner.name: expected}
    assert measure_count(Measure.INCOMING_MOBILITY, Period.year(2025)).value == 0


def test_an_agreements_signed_copy_confirms_it_in_the_drill_down(world, client):
    from tests.support.agreements import draft_agreement, make_active

    agreement = make_active(world, draft_agreement(world, world.partners[0]))
    assert agreement.status == "active"
    client.force_login(world.auditor)
    page = client.get(reverse("reports:measure", args=["agreements_active"]))
    [row] = page.context["drill_rows"]
    # its signed copy, not its drafts
    assert row.record.url == agreement.get_absolute_url()
    assert [d.kind for d in row.documents] == [DocumentKind.SIGNED_AGREEMENT]
    assert row.documents[0].get_absolute_url() in page.content.decode()
