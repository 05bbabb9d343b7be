"""The EWP REST endpoints of an agreement (/api/v1/agreements/<id>/ewp/...), the EWP-shaped endpoints
(/api/ewp/: IIAs v7 index and get, Approval v2 get) and the one pluggable authentication function behind them,
and the agreement detail's and list's EWP fields."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from lxml import etree

from agreements.ewp.auth import EwpCaller
from agreements.ewp.build import our_iia_id
from agreements.ewp.hashing import iia_hashes
from agreements.ewp.selectors import our_iia
from agreements.ewp.xml import validation_errors
from tests.support.agreements import draft_agreement
from tests.support.api import agreement_url
from tests.support.ewp import approval_xml, edited_copy

pytestmark = pytest.mark.django_db

INDEX, GET, APPROVALS = "/api/ewp/iias/v7/index", "/api/ewp/iias/v7/get", "/api/ewp/iias-approval/v2/get"


def _xml_file(data: bytes, name="iia.xml"):
    return SimpleUploadedFile(name, data, content_type="application/xml")


def _tree(response):
    assert response["Content-Type"].startswith("application/xml"), response["Content-Type"]
    return etree.fromstring(response.content)


def test_the_ewp_view_xml_import_approve_and_partner_approval_through_the_api(world, clients, draft):
    coordinator = clients.coordinator_ce
    # the detail shows the EWP summary; the EWP view our hash; the XML validates with that hash
    detail = coordinator.get(agreement_url(draft.pk)).json()
    view = coordinator.get(agreement_url(draft.pk, "ewp/")).json()
    assert detail["ewp"]["status"] == view["status"] == "not_exchanged"
    assert detail["ewp"]["iia_hash"] == view["iia_hash"] and view["valid_for_approval"] is True
    xml = coordinator.get(agreement_url(draft.pk, "ewp/xml/"))
    assert xml.status_code == 200 and validation_errors(_tree(xml), "get") == []
    assert iia_hashes(_tree(xml))[0].iia_hash == view["iia_hash"]

    # an edited copy: 201 with the difference; approving it is a 409
    edited = coordinator.post(
        agreement_url(draft.pk, "ewp/partner-copy/"),
        {"file": _xml_file(edited_copy(xml.content, mobilities=5, restate=True))},
        format="multipart",
    )
    assert edited.status_code == 201, edited.content
    assert [d["key"] for d in edited.json()["differences"]] == ["outgoing.student_studies"]
    refused = coordinator.post(agreement_url(draft.pk, "ewp/approve/"), {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "ewp_copies_differ"

    # the unedited copy: no difference, approved
    copy = coordinator.post(
        agreement_url(draft.pk, "ewp/partner-copy/"), {"file": _xml_file(xml.content)}, format="multipart"
    ).json()
    assert copy["differences"] == [] and copy["status"] == "partner_copy_received"
    approved = coordinator.post(
        agreement_url(draft.pk, "ewp/approve/"), {"iia_hash": copy["partner_copy"]["iia_hash"]}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved_by_us"
    assert approved.json()["our_approval"]["iia_hash"] == copy["partner_copy"]["iia_hash"]

    # the partner's approval of our hash: approved by both; of another hash: 400
    wrong = coordinator.post(
        agreement_url(draft.pk, "ewp/partner-approval/"),
        {"file": _xml_file(approval_xml(view["iia_id"], "b" * 64))},
        format="multipart",
    )
    assert wrong.status_code == 400 and wrong.json()["codes"]["file"] == ["ewp_approval_hash_mismatch"]
    both = coordinator.post(
        agreement_url(draft.pk, "ewp/partner-approval/"),
        {"file": _xml_file(approval_xml(view["iia_id"], view["iia_hash"]))},
        format="multipart",
    )
    assert both.status_code == 200 and both.json()["status"] == "approved_by_both"
    # and the list filters on it
    listed = coordinator.get("/api/v1/agreements/", {"ewp_status": "approved_by_both"}).json()["results"]
    assert [a["id"] for a in listed] == [draft.pk]
    assert coordinator.get("/api/v1/agreements/", {"ewp_status": "not_exchanged"}).json()["results"] == []


def test_ewp_actions_are_refused_to_those_who_may_not_exchange(world, clients, draft):
    xml = our_iia(draft).xml
    head = clients.head_ce.post(
        agreement_url(draft.pk, "ewp/partner-copy/"), {"file": _xml_file(xml)}, format="multipart"
    )
    assert head.status_code == 403
    other_department = clients.coordinator_math.get(agreement_url(draft.pk, "ewp/"))
    assert other_department.status_code == 404
    fetch = clients.coordinator_ce.post(
        agreement_url(draft.pk, "ewp/fetch/"), {"url": "https://partner.example.edu/iia.xml"}, format="json"
    )
    assert fetch.status_code == 400 and fetch.json()["codes"]["url"] == ["ewp_fetch_disabled"]


# --- the EWP-shaped endpoints -----------------------------------------------------------------------------------


def test_index_and_get_serve_our_iias_to_an_api_token(world, clients, settings):
    drafts = [draft_agreement(world), draft_agreement(world, partner=world.partners[1])]
    math = draft_agreement(world, partner=world.partners[2])
    # a math agreement the ce coordinator may not see
    math.department = world.departments["math"]
    math.save(update_fields=["department"])
    coordinator = clients.coordinator_ce

    index = coordinator.get(INDEX, {"hei_id": settings.EWP_HEI_ID})
    assert index.status_code == 200
    tree = _tree(index)
    assert validation_errors(tree, "index") == []
    assert [e.text for e in tree] == [our_iia_id(a.pk) for a in drafts]
    one_partner = _tree(
        coordinator.get(INDEX, {"hei_id": settings.EWP_HEI_ID, "partner_hei_id": world.partners[1].schac_code})
    )
    assert [e.text for e in one_partner] == [our_iia_id(drafts[1].pk)]
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert len(_tree(coordinator.get(INDEX, {"hei_id": settings.EWP_HEI_ID, "modified_since": later}))) == 0
    assert (
        len(_tree(coordinator.post(INDEX, {"hei_id": settings.EWP_HEI_ID, "receiving_academic_year_id": "2030/2031"})))
        == 0
    )

    got = coordinator.get(
        GET, {"hei_id": settings.EWP_HEI_ID, "iia_id": [our_iia_id(a.pk) for a in (*drafts, math)] + ["nope"]}
    )
    tree = _tree(got)
    assert validation_errors(tree, "get") == []
    assert [h.iia_id for h in iia_hashes(tree)] == [our_iia_id(a.pk) for a in drafts]
    assert [h.iia_hash for h in iia_hashes(tree)] == [our_iia(a).hash.iia_hash for a in drafts]

    for bad in ({"hei_id": "someone.else.edu", "iia_id": "x"}, {"iia_id": "x"}, {"hei_id": settings.EWP_HEI_ID}):
        answer = coordinator.get(GET, bad)
        assert answer.status_code == 400 and validation_errors(_tree(answer), "error") == []


def test_the_approval_endpoint_serves_our_current_approvals(world, clients, settings, draft):
    from agreements.ewp import services

    services.partner_copy_import(agreement=draft, actor=world.coordinator_ce, data=our_iia(draft).xml)
    exchange = services.partner_copy_approve(agreement=draft, actor=world.coordinator_ce)
    params = {
        "approving_hei_id": settings.EWP_HEI_ID,
        "owner_hei_id": draft.partner.schac_code,
        "iia_id": [exchange.approved_iia_id, "unknown"],
    }
    tree = _tree(clients.coordinator_ce.get(APPROVALS, params))
    assert validation_errors(tree, "approval") == []
    assert [(a[0].text, a[1].text) for a in tree] == [(exchange.approved_iia_id, exchange.approved_iia_hash)]
    # another owner: nothing
    other = {**params, "owner_hei_id": world.partners[1].schac_code}
    assert len(_tree(clients.coordinator_ce.get(APPROVALS, other))) == 0


def test_the_ewp_endpoints_need_the_authentication_function(world, settings, draft):
    anonymous = Client()
    answer = anonymous.get(INDEX, {"hei_id": settings.EWP_HEI_ID})
    assert answer.status_code == 401 and validation_errors(_tree(answer), "error") == []
    wrong = anonymous.get(INDEX, {"hei_id": settings.EWP_HEI_ID}, HTTP_AUTHORIZATION="Token not-a-token")
    assert wrong.status_code == 401

    # a deployment plugs in its own function: here one speaking for the draft's partner HEI only
    settings.EWP_REQUEST_AUTHENTICATOR = "tests.support.ewp.partner_hei_caller"
    draft_agreement(world, partner=world.partners[1])
    tree = _tree(anonymous.get(INDEX, {"hei_id": settings.EWP_HEI_ID}, HTTP_X_TEST_HEI=draft.partner.schac_code))
    assert [e.text for e in tree] == [our_iia_id(draft.pk)]
    assert anonymous.get(INDEX, {"hei_id": settings.EWP_HEI_ID}).status_code == 401
    assert EwpCaller(hei_ids=frozenset({"x"})).user is None


def test_the_agreement_list_page_filters_on_the_ewp_status(world, draft):
    from agreements.ewp import services

    other = draft_agreement(world, partner=world.partners[1])
    services.partner_copy_import(agreement=other, actor=world.coordinator_ce, data=our_iia(other).xml)
    client = Client()
    client.force_login(world.coordinator_ce)
    page = client.get("/agreements/", {"ewp_status": "partner_copy_received"})
    assert page.status_code == 200
    assert other.title in page.content.decode() and f'href="/agreements/{draft.pk}/"' not in page.content.decode()
    page = client.get("/agreements/", {"ewp_status": "not_exchanged"}).content.decode()
    assert f'href="/agreements/{draft.pk}/"' in page and f'href="/agreements/{other.pk}/"' not in page


def test_the_ewp_page_shows_the_differences_side_by_side_and_refuses_approval(world, draft):
    client = Client()
    client.force_login(world.coordinator_ce)
    detail = client.get(f"/agreements/{draft.pk}/").content.decode()
    assert 'id="ewp"' in detail and f"/agreements/{draft.pk}/ewp/" in detail
    xml = client.get(f"/agreements/{draft.pk}/ewp/iia.xml")
    assert xml.status_code == 200 and xml["Content-Disposition"].startswith("attachment")

    uploaded = client.post(
        f"/agreements/{draft.pk}/ewp/partner-copy/",
        {"copy-file": _xml_file(edited_copy(xml.content, mobilities=8, restate=True))},
    )
    assert uploaded.status_code == 302
    page = client.get(f"/agreements/{draft.pk}/ewp/").content.decode()
    assert 'data-key="outgoing.student_studies"' in page and 'id="copies-differ"' in page
    assert "Approve the partner" not in page
    refused = client.post(f"/agreements/{draft.pk}/ewp/approve/", {}, follow=True).content.decode()
    assert "differs from ours" in refused

    bad = client.post(f"/agreements/{draft.pk}/ewp/partner-copy/", {"copy-file": _xml_file(b"<x/>")})
    assert bad.status_code == 400 and "not a valid EWP document" in bad.content.decode()
