"""Retention: INCOMING_RETENTION_DAYS after departure the beat job erases the personal documents (rows and files)
and the passport data, and says so in the timeline; the case, its decisions and the acceptance letter stay.
Not before; and only once."""

from datetime import date, timedelta

import pytest

from documents.models import Document, DocumentKind, Letter
from incoming.models import IncomingEvent, IncomingStatus
from incoming.tasks import incoming_retention_task
from tests.support.incoming import at_office_review, decide, incoming_agreement, invite, nominate, submitted

pytestmark = pytest.mark.django_db


def test_personal_data_is_erased_after_the_retention_period(
    world, settings, eager_tasks, django_capture_on_commit_callbacks, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.INCOMING_RETENTION_DAYS = 30
    capture = django_capture_on_commit_callbacks
    invitation, _token = invite(world, capture, incoming_agreement(world))
    application = at_office_review(world, submitted(nominate(capture, invitation)))
    with capture(execute=True):
        application = decide(world.prorector, application)
    assert application.status == IncomingStatus.ACCEPTED
    kinds = set(application.documents.values_list("kind", flat=True))
    assert {DocumentKind.PASSPORT_COPY, DocumentKind.ACCEPTANCE_LETTER, DocumentKind.VISA_INVITATION_LETTER} <= kinds
    stored = {d.kind: d.file.path for d in application.documents.all()}

    # not yet: departure (5 Feb 2027) is not 30 days past
    assert incoming_retention_task.apply().get() == 0
    assert application.documents.filter(kind=DocumentKind.PASSPORT_COPY).exists()

    # when the departure is longer ago than the retention period
    type(application).objects.filter(pk=application.pk).update(
        arrival_date=date.today() - timedelta(days=200), departure_date=date.today() - timedelta(days=31)
    )
    with capture(execute=True):
        erased = incoming_retention_task.apply().get()

    # then the personal documents and data are gone, files too; the case, decisions and acceptance letter stay
    assert erased == 1
    application.refresh_from_db()
    assert application.passport_number == "" and application.date_of_birth is None
    assert application.personal_data_erased_at is not None
    assert application.status == IncomingStatus.ACCEPTED
    left = list(application.documents.values_list("kind", flat=True))
    assert left == [DocumentKind.ACCEPTANCE_LETTER]
    assert Letter.objects.filter(case_id=application.pk, purpose="incoming_acceptance").exists()
    assert not Letter.objects.filter(case_id=application.pk, purpose="incoming_visa_invitation").exists()
    import os

    assert not os.path.exists(stored[DocumentKind.PASSPORT_COPY])
    assert os.path.exists(stored[DocumentKind.ACCEPTANCE_LETTER])
    line = application.events.get(action=IncomingEvent.Action.PERSONAL_DATA_ERASED)
    assert {d["kind"] for d in line.data["documents"]} >= {DocumentKind.PASSPORT_COPY, DocumentKind.PHOTO}
    assert "passport_number" in line.data["fields"] and "C01X00T47" not in str(line.data)
    assert application.events.filter(action=IncomingEvent.Action.APPROVED).count() == 3

    # and running it again changes nothing
    assert incoming_retention_task.apply().get() == 0
    assert application.events.filter(action=IncomingEvent.Action.PERSONAL_DATA_ERASED).count() == 1
    assert Document.objects.filter(case_id=application.pk, kind=DocumentKind.ACCEPTANCE_LETTER).exists()
