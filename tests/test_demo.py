"""`load_demo` builds the demo world through the real services, twice without duplicates, and only with DEBUG."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from agreements.models import Agreement, AgreementStatus
from applications.models import Call, CallPlace
from applications.selectors import call_list_open
from learning.demo import DEMO_LA_CALL

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_takes_places_from_the_agreement(settings):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    assert (
        User.objects.filter(username__in=["student1", "coordinator_ce", "prorector", "auditor", "admin"]).count() == 5
    )
    assert User.objects.get(username="student1").check_password("demo")
    agreement = Agreement.objects.get()
    assert agreement.status == AgreementStatus.ACTIVE
    assert [e.action for e in agreement.events.all()][-3:] == ["sent_to_partner", "signed", "activated"]
    # (the learning agreement demo's own call, closed, is the other rolling student call: learning/demo.py)
    call = Call.objects.exclude(title=DEMO_LA_CALL).get(audience="students", selection_mode="rolling")
    assert call.is_open()
    from_agreement = CallPlace.objects.get(call=call, partner=agreement.partner)
    assert from_agreement.quota.agreement == agreement and from_agreement.places == 3
    assert CallPlace.objects.filter(call=call, quota__isnull=True).count() == 2


def test_load_demo_has_an_open_staff_call_staff1_may_apply_to(settings):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    staff_call = Call.objects.get(audience="staff")
    assert staff_call.is_open() and staff_call.mobility_type == "teaching"
    assert staff_call.min_gpa is None and staff_call.min_year_of_study is None
    assert "programme" in staff_call.required_documents
    # made through the office's service: audited, one place from the agreement's staff quota, one set by hand
    assert [e.action for e in staff_call.events.all()] == ["created", "places_from_agreements", "places_set_by_hand"]
    places = {p.partner.erasmus_code: p for p in staff_call.places.select_related("partner")}
    assert places["D  BERLIN02"].quota is not None and places["D  BERLIN02"].places == 1
    assert places["TR ANKARA01"].quota is None and places["TR ANKARA01"].manual_reason
    staff1 = User.objects.get(username="staff1")
    assert staff_call in call_list_open(user=staff1)


def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not User.objects.exists()
