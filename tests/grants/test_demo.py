"""The demo: after its competitive call is ranked, approved and the places accepted, the accepted students are
nominated with the demo's 2027/28 rate table; the demo has the 2026/27 table too, and loading twice adds nothing."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import User
from applications.models import ApplicationStatus, Call
from grants.models import Grant, RateTable
from grants.services import nomination_create
from selection import services
from selection.demo import DEMO_COMPETITIVE_CALL
from tests.support.selection import decide_result
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def test_the_demos_accepted_students_can_be_nominated(settings, eager_tasks, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    assert set(RateTable.objects.values_list("academic_year", flat=True)) == {"2026/27", "2027/28"}
    users = {u.username: u for u in User.objects.filter(username__in=["coordinator_ce", "head_ce", "prorector"])}
    call = Call.objects.get(title=DEMO_COMPETITIVE_CALL)

    # the office runs the selection through; the selected students accept
    selection = case_submit(
        case=services.selection_run(call=call, actor=users["coordinator_ce"]), actor=users["coordinator_ce"]
    )
    decide_result(users["head_ce"], selection)
    selection = decide_result(users["prorector"], selection)
    for offer in selection.offers.select_related("application__applicant", "place__partner"):
        services.offer_accept(offer_id=offer.pk, actor=offer.application.applicant)
    berlin = call.places.select_related("partner").get(partner__country="DE")

    # when the coordinator nominates TU Berlin's students
    with django_capture_on_commit_callbacks(execute=True):
        nomination, created = nomination_create(call=call, partner_id=berlin.partner_id, actor=users["coordinator_ce"])

    # then each has a grant at group 2's rate (750 a month): 15 Sep + 120 days is 3 months and 30 days
    assert created
    grants = list(Grant.objects.filter(nomination=nomination))
    assert len(grants) == 2
    for grant in grants:
        assert grant.application.status == ApplicationStatus.NOMINATED
        assert (grant.country_group, grant.rate, grant.months) == ("G2", Decimal("750.00"), 3)
        assert (grant.days, grant.total) == (30, Decimal("3000.00"))
    assert nomination.events.filter(action="emailed").count() == 1
