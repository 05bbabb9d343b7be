"""An "Updated" timeline line records each changed field with its old and new value (applications and an
agreement's general information), and the case page shows them."""

from datetime import date
from decimal import Decimal

import pytest

from agreements import services as agreement_services
from agreements.models import AgreementEvent
from applications import services
from applications.models import CaseEvent
from tests.support.agreements import draft_agreement
from tests.support.drivers import make_ready_application
from tests.support.pages import text

pytestmark = pytest.mark.django_db


def test_an_application_update_records_old_and_new_values(world, client):
    application = make_ready_application(world)
    services.application_update(
        application=application,
        actor=world.student1,
        choices=[world.partners[1].pk],
        gpa=Decimal("91.5"),
        period_end=date(2027, 7, 15),
        motivation=application.motivation,  # unchanged: not listed
    )
    event = CaseEvent.objects.filter(application=application, action=CaseEvent.Action.UPDATED).last()
    assert event.data["changes"] == {
        "gpa": {"old": "85", "new": "91.5"},
        "period_end": {"old": "2027-06-30", "new": "2027-07-15"},
        "choices": {"old": world.partners[0].name, "new": world.partners[1].name},
    }
    client.force_login(world.student1)
    page = text(client.get(application.get_absolute_url()))
    assert "GPA</span>: <del>85</del> → <ins>91.5</ins>" in page


def test_an_agreement_info_change_records_old_and_new_values(world, client):
    agreement = draft_agreement(world)
    agreement_services.agreement_update(
        agreement=agreement, actor=world.coordinator_ce, number="IIA-7", our_signatory_name="Nigar Kərimova"
    )
    event = agreement.events.filter(action=AgreementEvent.Action.INFO_CHANGED).last()
    assert event.data["changes"]["number"]["new"] == "IIA-7"
    assert event.data["changes"]["our_signatory_name"]["new"] == "Nigar Kərimova"
    client.force_login(world.coordinator_ce)
    assert "<ins>IIA-7</ins>" in text(client.get(agreement.get_absolute_url()))
