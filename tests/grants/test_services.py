"""Nominating a partner's participants: once per (call, partner), each application nominated with its line and its
grant frozen at the rates of the day; the letter is issued through the one pipeline and emailed once per contact
with the PDF attached."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import ApplicationStatus, CaseEvent
from documents.models import DocumentKind, Letter
from grants.models import Grant, NominationEmail, NominationEvent, RateTableEvent
from grants.services import NOMINATION_LETTER, nomination_create, nomination_emails_send, rate_table_save
from partners.models import PartnerContact
from selection.models import ApplicantBonus
from tests.support.grants import accepted_call, rate_table
from tests.support.letters import pdf_text

pytestmark = pytest.mark.django_db


def test_nominating_freezes_grants_and_records_each_application(world, eager_tasks, django_capture_on_commit_callbacks):
    # given two accepted participants at a German partner, student1 with fewer opportunities, and a rate table
    table = rate_table(world)
    call, place, (first, second) = accepted_call(world)
    ApplicantBonus.objects.create(application=first, fewer_opportunities=True, recorded_by=world.coordinator_ce)

    # when the coordinator nominates them (student2 travels green)
    with django_capture_on_commit_callbacks(execute=True):
        nomination, created = nomination_create(
            call=call, partner_id=place.partner_id, actor=world.coordinator_ce, green_travel=[second.pk]
        )

    # then both are nominated, each with its line and grant: 5 months (1 Feb – 30 Jun) at 600
    assert created
    for application in (first, second):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.NOMINATED
        line = application.events.get(action=CaseEvent.Action.NOMINATED)
        assert line.actor == world.coordinator_ce and line.data["nomination"] == nomination.pk
    grants = {g.application_id: g for g in Grant.objects.filter(nomination=nomination)}
    assert grants[first.pk].total == Decimal("4250.00")  # 3000 + 250 × 5
    assert grants[second.pk].total == Decimal("3050.00")  # 3000 + 50 green travel
    assert grants[first.pk].rates_used["student_monthly"] == "600.00"
    assert grants[first.pk].country_group == "G1"

    # and the letter is issued through the one pipeline, naming both and their grants, in both languages
    letter = Letter.objects.get(purpose=NOMINATION_LETTER, case_id=nomination.pk)
    assert letter.document.kind == DocumentKind.NOMINATION_LETTER
    text = pdf_text(letter.document)
    assert "Namizədlik məktubu" in text and "Nomination letter" in text
    assert "4250.00 EUR" in text and "3050.00 EUR" in text
    assert place.partner.name in text

    # and it is emailed to the partner's contact with the PDF attached, and the timeline says so
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["intl@partner.example.edu"]
    (name, content, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert letter.number in message.subject
    actions = list(nomination.events.values_list("action", flat=True))
    assert actions == ["nominated", "letter_issued", "emailed"]

    # a rate change later never changes a grant already computed
    rate_table_save(
        actor=world.prorector,
        table=table,
        values={},
        rates={grants[first.pk].rate_table.rates.first().group_id: (Decimal("999"), Decimal("1"))},
    )
    assert Grant.objects.get(pk=grants[first.pk].pk).total == Decimal("4250.00")
    assert RateTableEvent.objects.filter(table=table, action="updated").exists()


def test_nominating_again_changes_nothing_and_emails_go_once(world, eager_tasks, django_capture_on_commit_callbacks):
    rate_table(world)
    call, place, applications = accepted_call(world, contacts=("a@partner.example.edu", "b@partner.example.edu"))
    with django_capture_on_commit_callbacks(execute=True):
        nomination, _ = nomination_create(call=call, partner_id=place.partner_id, actor=world.coordinator_ce)
    assert len(mail.outbox) == 2

    # when nominating again, and the email task runs again (a retry, a duplicate message)
    with django_capture_on_commit_callbacks(execute=True):
        again, created = nomination_create(call=call, partner_id=place.partner_id, actor=world.prorector)
    assert nomination_emails_send(nomination_id=nomination.pk) == 0

    # then the same nomination, no new lines, no new email
    assert again.pk == nomination.pk and not created
    assert len(mail.outbox) == 2
    assert NominationEmail.objects.filter(nomination=nomination, sent_at__isnull=False).count() == 2
    assert NominationEvent.objects.filter(nomination=nomination, action="nominated").count() == 1
    for application in applications:
        assert application.events.filter(action=CaseEvent.Action.NOMINATED).count() == 1


def test_only_whoever_manages_the_call_nominates(world):
    rate_table(world)
    call, place, _ = accepted_call(world)
    for user in (world.coordinator_math, world.head_ce, world.student1):
        with pytest.raises(PermissionDenied):
            nomination_create(call=call, partner_id=place.partner_id, actor=user)


def test_nobody_ready_is_refused(world):
    call, place, _ = accepted_call(world, places=(1, 1))
    other = call.places.exclude(pk=place.pk).get()
    with pytest.raises(ValidationError) as error:
        nomination_create(call=call, partner_id=other.partner_id, actor=world.coordinator_ce)
    assert error.value.error_dict["partner"][0].code == "nomination_empty"


def test_a_country_without_a_group_is_refused_before_anything_changes(world):
    rate_table(world)
    call, place, (first, *_) = accepted_call(world)
    place.partner.country = "JP"
    place.partner.save()
    with pytest.raises(ValidationError) as error:
        nomination_create(call=call, partner_id=place.partner_id, actor=world.coordinator_ce)
    assert error.value.error_dict["partner"][0].code == "grant_no_rate"
    first.refresh_from_db()
    assert first.status == ApplicationStatus.ACCEPTED


def test_a_staff_grant_is_per_day(world, eager_tasks):
    from applications.models import Audience
    from grants.services import grant_compute

    rate_table(world)
    call, place, (first, *_) = accepted_call(world)
    type(call).objects.filter(pk=call.pk).update(audience=Audience.STAFF)
    first.refresh_from_db()
    first.period_start, first.period_end = date(2027, 3, 2), date(2027, 3, 6)
    grant = grant_compute(application=first, place=place, green_travel=False)
    assert (grant.unit, grant.days, grant.total) == ("day", 5, Decimal("900.00"))


def test_rate_tables_are_the_prorectors(world):
    with pytest.raises(PermissionDenied):
        rate_table_save(
            actor=world.coordinator_ce, values={"programme": "erasmus", "academic_year": "2026/27"}, rates={}
        )


def test_a_rolling_calls_approved_applications_are_nominated(world, eager_tasks, django_capture_on_commit_callbacks):
    from tests.support.drivers import approve_all, make_submitted_application

    # given an application of the (university-wide, rolling) call approved with a place
    rate_table(world)
    application = approve_all(world, make_submitted_application(world))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED and application.nominated_place is not None
    partner = application.nominated_place.partner

    # when the prorector's office nominates (a university-wide call is theirs)
    with django_capture_on_commit_callbacks(execute=True):
        nomination, created = nomination_create(call=world.call, partner_id=partner.pk, actor=world.prorector)

    # then it is nominated with its grant (1 Feb – 30 Jun: 5 months at 600)
    application.refresh_from_db()
    assert created and application.status == ApplicationStatus.NOMINATED
    assert Grant.objects.get(application=application, nomination=nomination).total == Decimal("3000.00")


def test_someone_approved_after_the_nomination_is_nominated_in_a_second_one(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    from tests.support.drivers import approve_all, make_submitted_application

    rate_table(world)
    first = approve_all(world, make_submitted_application(world))
    partner = world.partners[0]
    PartnerContact.objects.create(partner=partner, name="Incoming", email="incoming@partner.example.edu")
    with django_capture_on_commit_callbacks(execute=True):
        nomination, _ = nomination_create(call=world.call, partner_id=partner.pk, actor=world.prorector)

    # when a second application gets a place there later, and the office nominates again
    later = approve_all(world, make_submitted_application(world, applicant=world.student2))
    with django_capture_on_commit_callbacks(execute=True):
        second, created = nomination_create(call=world.call, partner_id=partner.pk, actor=world.prorector)

    # then a second nomination (its own letter and email) holds only the newcomer
    assert created and second.pk != nomination.pk
    assert list(second.grants.values_list("application_id", flat=True)) == [later.pk]
    assert list(nomination.grants.values_list("application_id", flat=True)) == [first.pk]
    assert Letter.objects.filter(purpose=NOMINATION_LETTER, case_id__in=[nomination.pk, second.pk]).count() == 2
    assert len(mail.outbox) == 2
