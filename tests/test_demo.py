"""`load_demo` builds the demo world through the real services, twice without duplicates, and only with DEBUG."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from agreements.models import Agreement, AgreementStatus
from applications.models import Call, CallPlace

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
    call = Call.objects.get()
    assert call.is_open()
    from_agreement = CallPlace.objects.get(call=call, partner=agreement.partner)
    assert from_agreement.quota.agreement == agreement and from_agreement.places == 3
    assert CallPlace.objects.filter(call=call, quota__isnull=True).count() == 2


def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not User.objects.exists()
