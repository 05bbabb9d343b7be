"""The demo's competitive call: loaded twice without duplicates, ready to rank and allocate at once."""

import pytest
from django.core.management import call_command

from accounts.models import User
from applications.models import ApplicationStatus, Call
from selection import services
from selection.demo import DEMO_COMPETITIVE_CALL

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_competitive_call_ready_to_allocate(settings):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    call = Call.objects.get(title=DEMO_COMPETITIVE_CALL)
    assert call.is_competitive and not call.is_open()
    assert call.applications.filter(status=ApplicationStatus.ELIGIBLE).count() == 6
    assert [c.name for c in call.selection_criteria.all()] == ["GPA", "Motivation", "Language", "Interview"]
    assert {u.username for u in call.selection_settings.committee.all()} == {"coordinator_ce", "staff1"}
    assert User.objects.get(username="demo_applicant1").check_password("demo")
    # the coordinator can rank and allocate right away: 4 places, 6 applicants
    selection = services.selection_run(call=call, actor=User.objects.get(username="coordinator_ce"))
    outcomes = [entry["outcome"] for entry in selection.result["ranking"]]
    assert outcomes.count("selected") == 4 and outcomes.count("reserve") == 2
