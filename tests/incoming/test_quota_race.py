"""Two IRO decisions at once for the last incoming place, on two real PostgreSQL connections: one nominee is
accepted, the other decision rolls back whole (NoPlaceLeft, the case stays with the IRO) and the quota never goes
over its places. Run a few times: a lost race must always end the same way."""

import pytest

from agreements.models import AgreementQuota
from core.errors import NoPlaceLeft
from incoming.models import IncomingApplication, IncomingEvent, IncomingStatus
from tests.support.concurrency import decide_as, run_together
from tests.support.incoming import (
    at_office_review,
    incoming_agreement,
    incoming_quota,
    invite,
    nominate,
    open_task_id,
    submitted,
)

pytestmark = pytest.mark.django_db(transaction=True)

ITERATIONS = 2


def test_two_acceptances_for_the_last_place_one_wins(world, eager_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    for iteration in range(ITERATIONS):
        # given two nominees at the IRO's decision and one place left of the agreement's two
        agreement = incoming_agreement(world, world.partners[iteration], places=2)
        invitation, _token = invite(world, capture, agreement)
        cases = [
            at_office_review(world, submitted(nominate(capture, invitation, email=f"n{i}-{iteration}@example.edu")))
            for i in range(2)
        ]
        quota = incoming_quota(agreement)
        AgreementQuota.objects.filter(pk=quota.pk).update(used=1)
        task_ids = [open_task_id(application) for application in cases]

        # when the prorector accepts both at the same moment
        outcomes = run_together(*(decide_as("prorector", task_id) for task_id in task_ids))

        # then exactly one is accepted and the other is refused for want of a place, nothing half-done
        wins = [o for o in outcomes if isinstance(o, IncomingApplication)]
        losses = [o for o in outcomes if not isinstance(o, IncomingApplication)]
        assert len(wins) == 1 and len(losses) == 1 and isinstance(losses[0], NoPlaceLeft), outcomes
        quota.refresh_from_db()
        assert quota.used == quota.places == 2
        statuses = sorted(
            IncomingApplication.objects.filter(pk__in=[a.pk for a in cases]).values_list("status", flat=True)
        )
        assert statuses == [IncomingStatus.ACCEPTED, IncomingStatus.OFFICE_REVIEW]
        loser = IncomingApplication.objects.get(status=IncomingStatus.OFFICE_REVIEW, pk__in=[a.pk for a in cases])
        assert not loser.events.filter(action=IncomingEvent.Action.APPROVED, step="office_review").exists()
        assert open_task_id(loser)  # still waiting for the IRO
