"""Partner copies and approvals: a copy of ours read back shows no difference and can be approved; an edited
copy shows the edit and cannot; the partner's approval of our hash makes the agreement approved by both; a new
version of our terms or a new copy with another hash outdates the approval and tells the coordinators; each
action writes a timeline line and is allowed to the agreement's coordinators, the prorector and the admin only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import services as agreement_services
from agreements.ewp import services
from agreements.ewp.models import AgreementExchange, EwpStatus
from agreements.ewp.selectors import agreement_exchange, ewp_view, our_iia
from agreements.models import AgreementEvent
from core.errors import EwpCopiesDiffer, EwpNoPartnerCopy, EwpNotApprovable
from notifications.models import Notification, NotificationKind
from tests.support.agreements import draft_agreement
from tests.support.ewp import approval_xml, edited_copy, partner_authored_copy

pytestmark = pytest.mark.django_db


def _actions(agreement):
    return [e.action for e in agreement.events.order_by("pk")]


def test_round_trip_our_export_imported_as_the_partners_copy_shows_no_difference(world, draft):
    # given our served copy
    ours = our_iia(draft)

    # when it comes back as the partner's copy
    copy = services.partner_copy_import(agreement=draft, actor=world.coordinator_ce, data=ours.xml)

    # then nothing differs, the hash is ours, and the status says a copy was received
    assert copy.differences == []
    assert copy.iia_hash == copy.stated_hash == ours.hash.iia_hash
    assert agreement_exchange(draft).status == EwpStatus.PARTNER_COPY_RECEIVED
    assert ewp_view(user=world.coordinator_ce, agreement=draft)["differences"] == []
    assert _actions(draft)[-1] == AgreementEvent.Action.EWP_COPY_IMPORTED


def test_an_edited_copy_shows_the_difference_and_cannot_be_approved(world, draft):
    # given the partner's copy with another number of mobilities (hash restated honestly)
    xml = edited_copy(our_iia(draft).xml, mobilities=9, restate=True)

    # when it is imported
    copy = services.partner_copy_import(agreement=draft, actor=world.coordinator_ce, data=xml)

    # then the difference is on that condition, and approving is refused
    [row] = copy.differences
    assert row["key"] == "outgoing.student_studies" and row["fields"] == ["mobilities_per_year"]
    assert (row["ours"]["mobilities_per_year"], row["theirs"]["mobilities_per_year"]) == (2, 9)
    with pytest.raises(EwpCopiesDiffer):
        services.partner_copy_approve(agreement=draft, actor=world.coordinator_ce)
    assert agreement_exchange(draft).status == EwpStatus.PARTNER_COPY_RECEIVED


def test_a_copy_whose_stated_hash_is_not_its_own_cannot_be_approved(world, draft):
    xml = edited_copy(our_iia(draft).xml, mobilities=9)  # the edit left the old hash stated
    services.partner_copy_import(agreement=draft, actor=world.coordinator_ce, data=xml)
    with pytest.raises(EwpNotApprovable):
        services.partner_copy_approve(agreement=draft, actor=world.coordinator_ce)


def test_approved_by_both_then_a_new_version_outdates_the_approvals_and_tells_the_coordinator(world, draft):
    # given the partner's own copy (their iia-id first) and its approval of ours
    partner_copy = partner_authored_copy(our_iia(draft).xml, partner_iia_id="79364")
    copy = services.partner_copy_import(agreement=draft, actor=world.coordinator_ce, data=partner_copy)
    assert copy.owner_iia_id == "79364" and copy.differences == []

    # when we approve it, then the partner's approval of our (now mapped) copy arrives
    exchange = services.partner_copy_approve(agreement=draft, actor=world.coordinator_ce, iia_hash=copy.iia_hash)
    assert (exchange.approved_iia_id, exchange.approved_iia_hash) == ("79364", copy.iia_hash)
    assert exchange.status == EwpStatus.APPROVED_BY_US
    ours = our_iia(draft)
    assert ours.iia_id in ours.xml.decode() and b"79364" in ours.xml  # the partner's iia-id is now in our copy
    exchange = services.partner_approval_import(
        agreement=draft, actor=world.coordinator_ce, data=approval_xml(ours.iia_id, ours.hash.iia_hash)
    )
    assert exchange.status == EwpStatus.APPROVED_BY_BOTH

    # when our terms change (a new version)
    agreement_services.agreement_update(agreement=draft, actor=world.coordinator_ce, title="Erasmus+ IIA, revised")
    terms = dict(draft.current_version.terms)
    conditions = [dict(c) for c in terms["conditions"]]
    conditions[0]["mobilities_per_year"] = 4
    agreement_services.agreement_update(agreement=draft, actor=world.coordinator_ce, conditions=conditions)

    # then both approvals are outdated, the timeline says so and the coordinator is told
    exchange = AgreementExchange.objects.get(agreement=draft)
    assert exchange.status == EwpStatus.APPROVAL_OUTDATED
    assert exchange.approval_outdated and exchange.partner_approval_outdated
    assert AgreementEvent.Action.EWP_APPROVAL_OUTDATED in _actions(draft)
    told = Notification.objects.filter(kind=NotificationKind.AGREEMENT_EWP_OUTDATED, channel="in_app")
    assert set(told.values_list("recipient__username", flat=True)) == {"coordinator_ce"}


def test_a_new_copy_with_another_hash_outdates_our_approval(world, draft):
    xml = our_iia(draft).xml
    services.partner_copy_import(agreement=draft, actor=world.coordinator_ce, data=xml)
    services.partner_copy_approve(agreement=draft, actor=world.coordinator_ce)
    # the same copy again changes nothing
    services.partner_copy_import(agreement=draft, actor=world.coordinator_ce, data=xml)
    assert agreement_exchange(draft).status == EwpStatus.APPROVED_BY_US

    services.partner_copy_import(
        agreement=draft, actor=world.coordinator_ce, data=edited_copy(xml, mobilities=7, restate=True)
    )

    exchange = agreement_exchange(draft)
    assert exchange.status == EwpStatus.APPROVAL_OUTDATED and exchange.approval_outdated
    assert Notification.objects.filter(kind=NotificationKind.AGREEMENT_EWP_OUTDATED).exists()


def test_the_partners_approval_is_accepted_only_for_our_current_hash(world, draft):
    ours = our_iia(draft)
    with pytest.raises(ValidationError) as wrong_hash:
        services.partner_approval_import(
            agreement=draft, actor=world.coordinator_ce, data=approval_xml(ours.iia_id, "a" * 64)
        )
    assert wrong_hash.value.error_dict["file"][0].code == "ewp_approval_hash_mismatch"
    with pytest.raises(ValidationError) as other_iia:
        services.partner_approval_import(
            agreement=draft, actor=world.coordinator_ce, data=approval_xml("someone-else", ours.hash.iia_hash)
        )
    assert other_iia.value.error_dict["file"][0].code == "ewp_not_this_agreement"
    assert agreement_exchange(draft) is None or agreement_exchange(draft).partner_approval_hash == ""


def test_documents_that_are_not_this_agreements_iia_are_refused(world, draft):
    other = draft_agreement(world, partner=world.partners[1])
    cases = [
        (b"<not-xml", "ewp_xml_invalid"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', "ewp_xml_invalid"),
        (b"<iias-get-response/>", "ewp_xml_invalid"),  # valid XML, not the schema's
        (our_iia(other).xml, "ewp_not_this_agreement"),  # another partner
    ]
    for data, code in cases:
        with pytest.raises(ValidationError) as refused:
            services.partner_copy_import(agreement=draft, actor=world.coordinator_ce, data=data)
        assert refused.value.error_dict["file"][0].code == code, data[:40]
    with pytest.raises(EwpNoPartnerCopy):
        services.partner_copy_approve(agreement=draft, actor=world.coordinator_ce)


def test_only_the_departments_coordinators_the_prorector_and_the_admin_exchange(world, draft):
    xml = our_iia(draft).xml
    for user in (world.coordinator_math, world.head_ce, world.staff1, world.auditor, world.student1):
        with pytest.raises(PermissionDenied):
            services.partner_copy_import(agreement=draft, actor=user, data=xml)
    for user in (world.prorector, world.admin):
        services.partner_copy_import(agreement=draft, actor=user, data=xml)
    assert draft.ewp_partner_copies.count() == 2
