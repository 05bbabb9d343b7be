"""Calls managed in pages and the API: who may create and change which call (coordinators their departments',
the prorector's office all), the rules of a call, places from the agreements' quotas or set by hand with a reason
(and the warning while a quota is not used), the locked fields once someone applied, and the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from applications import call_services
from applications.models import Call, CallEvent, CallPlace
from applications.permissions import can_create_call, can_edit_call, can_view_calls
from applications.selectors import call_list_managed, call_unused_quotas
from core.errors import ErrorCode
from tests.support.agreements import active_agreement
from tests.support.calls import call_fields, office_call, staff_call_fields
from tests.support.drivers import make_ready_application
from tests.support.pages import text

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> dict[str, list[str]]:
    return {name: [e.code for e in errors] for name, errors in error.error_dict.items()}


# --- permissions -------------------------------------------------------------------------------


def test_who_may_see_create_and_edit_calls(world):
    ce, math = world.departments["ce"], world.departments["math"]
    ce_call = office_call(world, departments=[ce])
    shared = office_call(world, departments=[ce, math], title="Shared call")
    university_wide = office_call(world, departments=[], title="University-wide call")
    assert all(can_view_calls(getattr(world, u)) for u in ("coordinator_ce", "head_ce", "prorector", "auditor"))
    assert not can_view_calls(world.student1) and not can_view_calls(world.staff1)
    assert can_create_call(world.coordinator_ce) and can_create_call(world.prorector) and can_create_call(world.admin)
    assert not can_create_call(world.head_ce) and not can_create_call(world.auditor)
    # a coordinator edits their departments' calls only; the prorector's office every call
    assert can_edit_call(world.coordinator_ce, ce_call)
    assert not can_edit_call(world.coordinator_math, ce_call)
    assert not can_edit_call(world.coordinator_ce, shared) and not can_edit_call(world.coordinator_ce, university_wide)
    assert all(can_edit_call(world.prorector, c) and can_edit_call(world.admin, c) for c in (ce_call, shared))
    assert not can_edit_call(world.head_ce, ce_call) and not can_edit_call(world.auditor, ce_call)


def test_a_coordinator_cannot_edit_another_departments_call(world):
    call = office_call(world, departments=[world.departments["ce"]])
    with pytest.raises(PermissionDenied):
        call_services.call_update(call=call, actor=world.coordinator_math, title="Taken over")
    with pytest.raises(ValidationError) as error:
        call_services.call_create(actor=world.coordinator_math, departments=[world.departments["ce"]], **call_fields())
    assert codes(error.value) == {"departments": [ErrorCode.CALL_DEPARTMENT_NOT_YOURS]}
    with pytest.raises(ValidationError) as error:
        call_services.call_create(actor=world.coordinator_math, departments=[], **call_fields())
    assert codes(error.value) == {"departments": [ErrorCode.DEPARTMENT_REQUIRED]}
    with pytest.raises(PermissionDenied):
        call_services.call_create(actor=world.head_ce, departments=[world.departments["ce"]], **call_fields())
    call.refresh_from_db()
    assert call.title != "Taken over" and list(call.events.values_list("action", flat=True)) == ["created"]


# --- the rules of a call ------------------------------------------------------------------------


def test_a_calls_rules_are_checked_with_codes(world):
    with pytest.raises(ValidationError) as error:
        office_call(
            world,
            audience="staff",
            mobility_type="study",
            min_gpa="70",
            required_documents=["decision_letter"],
            closes_at=call_fields()["opens_at"],
        )
    assert codes(error.value) == {
        "mobility_type": [ErrorCode.CALL_TYPE_AUDIENCE],
        "min_gpa": [ErrorCode.CALL_RULE_NOT_FOR_STAFF],
        "min_year_of_study": [ErrorCode.CALL_RULE_NOT_FOR_STAFF],
        "required_documents": [ErrorCode.DOCUMENT_KIND],
        "closes_at": [ErrorCode.PERIOD_ORDER],
    }
    with pytest.raises(ValidationError) as error:
        office_call(world, academic_year="2026-27")
    assert list(error.value.error_dict) == ["academic_year"]
    # a staff call always asks for the mobility agreement (programme)
    call = office_call(world, **staff_call_fields())
    assert call.required_documents == ["programme"] and call.for_staff


def test_every_change_is_audited_and_what_applications_were_made_under_is_locked(world):
    call = office_call(world, selection_mode="rolling")
    call_services.call_update(
        call=call, actor=world.coordinator_ce, title="Renamed", required_documents=["transcript", "passport_copy"]
    )
    updated = call.events.get(action=CallEvent.Action.UPDATED)
    assert updated.actor == world.coordinator_ce
    assert updated.data["changes"] == {
        "title": [call.title, "Renamed"],
        "required_documents": [["transcript"], ["transcript", "passport_copy"]],
    }
    # saving without a change writes no line
    call_services.call_update(call=call, actor=world.coordinator_ce, title="Renamed")
    assert call.events.filter(action=CallEvent.Action.UPDATED).count() == 1
    # once someone applied, the selection mode (and audience, type, year) no longer change
    call.places.create(partner=world.partners[0], places=2, manual_reason="Confirmed by email.")
    make_ready_application(world, call=Call.objects.get(pk=call.pk))
    with pytest.raises(ValidationError) as error:
        call_services.call_update(call=call, actor=world.prorector, selection_mode="competitive", term="spring")
    assert codes(error.value) == {"selection_mode": [ErrorCode.CALL_FIELD_LOCKED]}
    call.refresh_from_db()
    assert call.selection_mode == "rolling" and call.term == "fall"
    # the audit trail cannot be edited
    with pytest.raises(TypeError):
        updated.delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE applications_callevent SET comment = 'rewritten'")


# --- places -------------------------------------------------------------------------------------


def test_places_from_quotas_or_by_hand_with_the_reason_and_the_warning(world):
    partner = world.partners[0]
    agreement = active_agreement(world, partner, places=2)
    call = office_call(world, academic_year="2026/27")
    # by hand first: the quota is then not used, and the office is told why and warned
    call_services.call_place_set_by_hand(
        call=call, actor=world.coordinator_ce, partner=partner, places=5, reason="Extra places agreed by email."
    )
    feed = call_services.call_places_take_from_agreements(call=call, actor=world.coordinator_ce)
    assert feed.changed == 0 and feed.kept_by_hand == [(partner.name, "Extra places agreed by email.")]
    assert "keeps its places set by hand (Extra places agreed by email.)" in feed.summary()
    assert "0 " not in feed.summary().replace(partner.name, "")  # no "0 places changed" (the name may hold a 0)
    [unused] = call_unused_quotas(call=call)
    assert unused.quota.agreement == agreement and unused.place.places == 5
    # letting the quota feed the place again clears the warning
    place = call_services.call_place_use_quota(call=call, actor=world.coordinator_ce, partner=partner)
    assert place.quota.agreement == agreement and place.places == 2 and place.manual_reason == ""
    assert call_unused_quotas(call=call) == []
    feed = call_services.call_places_take_from_agreements(call=call, actor=world.coordinator_ce)
    assert "nothing changed" in feed.summary()
    assert list(call.events.values_list("action", flat=True)) == [
        "created",
        "places_set_by_hand",
        "places_from_agreements",
        "places_from_agreements",
        "places_from_agreements",
    ]


def test_a_call_with_no_quota_says_so_and_by_hand_needs_a_reason(world):
    call = office_call(world, academic_year="2031/32")
    feed = call_services.call_places_take_from_agreements(call=call, actor=world.prorector)
    assert feed.quotas == 0 and "No agreement in force" in feed.summary()
    with pytest.raises(ValidationError) as error:
        call_services.call_place_set_by_hand(
            call=call, actor=world.prorector, partner=world.partners[1], places=2, reason="  "
        )
    assert codes(error.value) == {"reason": [ErrorCode.REASON_REQUIRED]}
    place = CallPlace.objects.create(call=call, partner=world.partners[1], places=2, places_taken=2)
    with pytest.raises(ValidationError) as error:
        call_services.call_place_set_by_hand(
            call=call, actor=world.prorector, partner=world.partners[1], places=1, reason="Fewer."
        )
    assert codes(error.value) == {"places": [ErrorCode.PLACES_BELOW_TAKEN]}
    place.refresh_from_db()
    assert place.places == 2
    with pytest.raises(PermissionDenied):
        call_services.call_place_set_by_hand(
            call=call, actor=world.coordinator_math, partner=world.partners[1], places=3, reason="Mine now."
        )


# --- pages --------------------------------------------------------------------------------------


def test_a_coordinator_creates_and_edits_a_call_in_pages(world, client):
    partner = world.partners[0]
    active_agreement(world, partner, places=3)
    client.force_login(world.coordinator_ce)
    page = text(client.get(reverse("applications:call_create")))
    # the document kinds are checkboxes from the list, the departments only the coordinator's own
    assert 'type="checkbox" name="required_documents" value="transcript"' in page
    assert "Computer Engineering" in page and "Mathematics" not in page
    data = {
        **{k: v for k, v in call_fields().items() if v is not None},
        "opens_at": "2026-01-01T09:00",
        "closes_at": "2030-01-01T17:00",
        "required_documents": ["transcript", "passport_copy"],
        "departments": [world.departments["ce"].pk],
        "selection_mode": "competitive",
    }
    response = client.post(reverse("applications:call_create"), data)
    assert response.status_code == 302, text(response)[:3000]
    call = Call.objects.get(title=data["title"])
    assert call.required_documents == ["transcript", "passport_copy"] and call.selection_mode == "competitive"
    assert list(call.departments.all()) == [world.departments["ce"]]
    # the call's page warns of the quota the call does not use yet, then takes the places from it
    page = text(client.get(call.get_absolute_url()))
    assert "quota-unused" in page and "does not offer them yet" in page
    response = client.post(reverse("applications:call_places_from_agreements", args=[call.pk]), follow=True)
    assert f"Places added from the agreements: {partner.name}." in text(response)
    assert "quota-unused" not in text(response)
    # set by hand, with the reason shown, and the warning is back
    response = client.post(
        reverse("applications:call_place_by_hand", args=[call.pk]),
        {"partner": partner.pk, "places": 4, "reason": "Partner offered one more."},
        follow=True,
    )
    page = text(response)
    assert "Partner offered one more." in page and "so the quota is not used" in page
    # a missing reason answers on the form
    response = client.post(
        reverse("applications:call_place_by_hand", args=[call.pk]), {"partner": partner.pk, "places": 4}
    )
    assert response.status_code == 400
    # edit: the audit trail on the page shows what changed
    edit = {**data, "title": "Erasmus+ renamed"}
    response = client.post(reverse("applications:call_edit", args=[call.pk]), edit, follow=True)
    page = text(response)
    assert "Erasmus+ renamed" in page and "Title: Erasmus+ 2026/27 fall — student studies → Erasmus+ renamed" in page


def test_call_pages_refuse_whoever_may_not(world, client):
    call = office_call(world, departments=[world.departments["ce"]])
    client.force_login(world.coordinator_math)
    assert client.get(call.get_absolute_url()).status_code == 200  # may read
    assert client.get(reverse("applications:call_edit", args=[call.pk])).status_code == 403
    response = client.post(
        reverse("applications:call_place_by_hand", args=[call.pk]),
        {"partner": world.partners[0].pk, "places": 4, "reason": "Mine."},
    )
    assert response.status_code == 403
    assert client.post(reverse("applications:call_places_from_agreements", args=[call.pk])).status_code == 403
    assert "Edit call" not in text(client.get(call.get_absolute_url()))
    client.force_login(world.student1)
    assert client.get(reverse("applications:call_list")).status_code == 403
    assert client.get(call.get_absolute_url()).status_code == 404
    assert client.get(reverse("applications:call_create")).status_code == 403
    client.force_login(world.head_ce)
    assert client.get(reverse("applications:call_create")).status_code == 403
    assert call.title in text(client.get(reverse("applications:call_list")))


def test_applicants_see_the_selection_mode_of_open_calls(world, client):
    office_call(world, title="Competitive call", selection_mode="competitive")
    client.force_login(world.student1)
    page = text(client.get(reverse("applications:new")))
    assert "Competitive: applications are scored and ranked after the deadline" in page
    assert "Rolling: each application takes a place when it is finally approved" in page


# --- API ----------------------------------------------------------------------------------------


def test_the_api_creates_changes_and_explains_a_call(world, clients):
    partner = world.partners[0]
    active_agreement(world, partner, places=2)
    body = {
        **{k: v for k, v in call_fields().items() if k not in ("opens_at", "closes_at")},
        "opens_at": "2026-01-01T09:00:00Z",
        "closes_at": "2030-01-01T17:00:00Z",
        "departments": [world.departments["ce"].pk],
    }
    response = clients.coordinator_ce.post("/api/v1/calls/", body, format="json")
    assert response.status_code == 201, response.json()
    call_id = response.json()["id"]
    assert response.json()["selection_mode"] == "rolling"
    assert [q["reason"] for q in response.json()["unused_quotas"]] == ["not_offered"]
    response = clients.coordinator_ce.post(f"/api/v1/calls/{call_id}/places/from-agreements/", format="json")
    assert response.status_code == 200 and response.json()["created"] == [partner.name]
    response = clients.coordinator_ce.post(
        f"/api/v1/calls/{call_id}/places/by-hand/", {"partner": partner.pk, "places": 3, "reason": ""}, format="json"
    )
    assert response.status_code == 400 and response.json()["codes"]["reason"] == ["blank"]
    response = clients.coordinator_ce.post(
        f"/api/v1/calls/{call_id}/places/by-hand/",
        {"partner": partner.pk, "places": 3, "reason": "One more by email."},
        format="json",
    )
    assert response.status_code == 200
    [place] = response.json()["places"]
    assert (place["source"], place["manual_reason"]) == ("by_hand", "One more by email.")
    assert [q["reason"] for q in response.json()["unused_quotas"]] == ["set_by_hand"]
    # field-level errors with codes
    response = clients.coordinator_ce.patch(
        f"/api/v1/calls/{call_id}/", {"mobility_type": "teaching", "required_documents": ["nope"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["codes"]["required_documents.0"] == ["invalid_choice"]
    response = clients.coordinator_ce.patch(f"/api/v1/calls/{call_id}/", {"mobility_type": "teaching"}, format="json")
    assert response.status_code == 400 and response.json()["codes"] == {"mobility_type": ["call_type_audience"]}
    # another department's coordinator: 403; a student: 404 (calls are not theirs to see)
    response = clients.coordinator_math.patch(f"/api/v1/calls/{call_id}/", {"title": "Mine"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert clients.student1.get(f"/api/v1/calls/{call_id}/").status_code == 404
    response = clients.coordinator_math.post(
        "/api/v1/calls/", {**body, "departments": [world.departments["ce"].pk]}, format="json"
    )
    assert response.status_code == 400 and response.json()["codes"] == {"departments": ["call_department_not_yours"]}
    response = clients.coordinator_ce.get(f"/api/v1/calls/{call_id}/history/")
    assert [e["action"] for e in response.json()["results"]] == [
        "created",
        "places_from_agreements",
        "places_set_by_hand",
    ]
    # the applicants' list of open calls shows the selection mode
    open_calls = clients.student1.get("/api/v1/calls/").json()["results"]
    assert {c["id"]: c["selection_mode"] for c in open_calls}[call_id] == "rolling"


def test_the_call_list_counts_places_and_applications_of_each_call(world):
    make_ready_application(world)
    make_ready_application(world, world.student2)
    empty = office_call(world, title="No places yet")
    rows = {c.pk: (c.place_total, c.application_count) for c in call_list_managed(user=world.head_ce)}
    assert rows[world.call.pk] == (2 + 1 + 3, 2)
    assert rows[empty.pk] == (0, 0)
    assert list(call_list_managed(user=world.student1)) == []


def test_the_edit_page_locks_what_applications_were_made_under(world, client):
    # world.call has applications: its audience, type, year and selection mode show as locked and do not change
    make_ready_application(world)
    world.call.departments.set([world.departments["ce"]])
    client.force_login(world.coordinator_ce)
    page = text(client.get(reverse("applications:call_edit", args=[world.call.pk])))
    assert page.count("Locked: someone has applied to the call.") == 4
    # a posted change to a locked field is ignored; the rest is saved
    data = {
        "title": "Renamed call",
        "programme": world.call.programme,
        "mobility_type": "traineeship",
        "audience": world.call.audience,
        "academic_year": world.call.academic_year,
        "term": world.call.term,
        "opens_at": "2026-01-01T09:00",
        "closes_at": "2030-01-01T17:00",
        "min_year_of_study": "2",
        "min_gpa": "70.00",
        "min_language_level": "B1",
        "required_documents": list(world.call.required_documents),
        "departments": [world.departments["ce"].pk],
        "selection_mode": "competitive",
    }
    response = client.post(reverse("applications:call_edit", args=[world.call.pk]), data)
    assert response.status_code == 302, text(response)[:2000]
    world.call.refresh_from_db()
    assert world.call.title == "Renamed call"
    assert (world.call.selection_mode, world.call.mobility_type) == ("rolling", "study")
