"""Two signers at once, with two real concurrent PostgreSQL connections (tests/support/concurrency.py): the
agreement's row lock serialises them, so the last signature always sees the others and the version becomes final
exactly once; the same party twice at once signs once."""

import pytest
from django.core import mail

from accounts.models import User
from core.errors import LAAlreadySigned
from learning import services
from learning.models import LAEvent, LASignature, LAStatus
from tests.support.concurrency import run_together
from tests.support.drivers import another_call
from tests.support.learning import RECEIVING, emailed_token, started_agreement

pytestmark = pytest.mark.django_db(transaction=True)

ITERATIONS = 2


def _sign_as(username, agreement_id, sha256):
    def job():
        user = User.objects.get(username=username)
        return services.la_sign(agreement_id=agreement_id, actor=user, party="sending", sha256=sha256)

    return job


def _sign_by_link(agreement_id, token, sha256):
    def job():
        return services.la_sign_by_link(
            agreement_id=agreement_id, token=token, sha256=sha256, decision="signed", signer_name=RECEIVING[0]
        )

    return job


def test_both_coordinators_sign_at_once_and_the_version_is_final_once(world):
    for _iteration in range(ITERATIONS):
        # given a version the student signed, waiting for both coordinators
        mail.outbox.clear()
        agreement = started_agreement(world, call=another_call(world))
        sha = agreement.current_version.sha256
        services.la_sign(agreement_id=agreement.pk, actor=agreement.participant, party="student", sha256=sha)
        agreement_id, token = emailed_token()  # a transactional test commits: the link's email went out

        # when the sending and the receiving coordinator sign at the same moment
        outcomes = run_together(_sign_as("coordinator_ce", agreement.pk, sha), _sign_by_link(agreement_id, token, sha))

        # then both signatures count and the version is final, once
        assert all(isinstance(o, LASignature) for o in outcomes), outcomes
        agreement.refresh_from_db()
        assert agreement.status == LAStatus.FINAL
        assert agreement.final_version_id == agreement.current_version_id
        assert LAEvent.objects.filter(agreement=agreement, action="final").count() == 1


def test_the_same_party_signing_twice_at_once_signs_once(world):
    for _iteration in range(ITERATIONS):
        mail.outbox.clear()
        agreement = started_agreement(world, call=another_call(world))
        sha = agreement.current_version.sha256
        services.la_sign(agreement_id=agreement.pk, actor=agreement.participant, party="student", sha256=sha)
        outcomes = run_together(
            _sign_as("coordinator_ce", agreement.pk, sha), _sign_as("coordinator_ce", agreement.pk, sha)
        )
        wins = [o for o in outcomes if isinstance(o, LASignature)]
        losses = [o for o in outcomes if not isinstance(o, LASignature)]
        assert len(wins) == 1 and len(losses) == 1 and isinstance(losses[0], LAAlreadySigned), outcomes
        assert LASignature.objects.filter(version=agreement.current_version, party="sending").count() == 1
