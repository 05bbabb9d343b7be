"""Reads for EWP: what an agreement's IIA says (iia_source, from the database), our copy as served (our_iia),
the EWP view the agreement page and API show, and the agreements an EWP caller is served."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role, user_department_ids
from accounts.selectors import users_with_roles
from agreements.ewp.auth import EwpCaller
from agreements.ewp.build import (
    IN_EFFECT_STATUSES,
    BuiltIia,
    Contact,
    IiaSource,
    Side,
    build_iia,
    our_iia_id,
)
from agreements.ewp.compare import compare
from agreements.ewp.models import AgreementExchange
from agreements.ewp.parse import ParsedIia, parse_iias
from agreements.ewp.xml import parse_bytes
from agreements.models import Agreement, AgreementStatus, AgreementType
from agreements.permissions import ALL_AGREEMENTS_ROLES, can_exchange_ewp
from partners.models import PartnerContact
from partners.permissions import can_read_partners


def our_iia_code(agreement: Agreement) -> str:
    return agreement.number or f"KORPU-{agreement.pk}"


def ewp_problem(agreement: Agreement) -> str | None:
    """Why the agreement cannot be served as an IIA, or None."""
    if agreement.type != AgreementType.ERASMUS_IIA:
        return _("Only Erasmus+ inter-institutional agreements are exchanged over EWP.")
    if not agreement.partner.schac_code:
        return _("The partner has no SCHAC code in the partner registry; add it to exchange this agreement.")
    if agreement.current_version is None:
        return _("The agreement has no terms yet.")
    return None


def agreement_exchange(agreement: Agreement) -> AgreementExchange | None:
    return AgreementExchange.objects.filter(agreement=agreement).select_related("latest_copy", "approved_by").first()


def _coordinator_contacts(agreement: Agreement) -> list[Contact]:
    users = (
        users_with_roles([Role.COORDINATOR])
        .filter(departments=agreement.department_id)
        .order_by("last_name", "first_name", "pk")
    )
    return [
        Contact(name=u.get_full_name() or u.get_username(), email=u.email, role=_("Erasmus+ coordinator"))
        for u in users
    ]


def iia_source(agreement: Agreement, exchange: AgreementExchange | None = None) -> IiaSource:
    """Everything the agreement's IIA says. The partner's iia-id and code come from the exchange (what their copy
    told us); the rest from the agreement, its current terms, the registry and settings."""
    assert agreement.current_version is not None, "checked by ewp_problem"
    terms: dict[str, Any] = agreement.current_version.terms
    partner = agreement.partner
    ounit_ids: dict[str, str] = settings.EWP_OUNIT_IDS
    us = Side(
        hei_id=settings.EWP_HEI_ID,
        ounit_id=ounit_ids.get(agreement.department.code, ""),
        iia_id=our_iia_id(agreement.pk),
        iia_code=our_iia_code(agreement),
        signing_contact=Contact(name=agreement.our_signatory_name, role=agreement.our_signatory_position),
        signing_date=agreement.our_signed_on,
        contacts=tuple(_coordinator_contacts(agreement)),
    )
    contacts = PartnerContact.objects.filter(partner=partner).order_by("name", "pk")
    them = Side(
        hei_id=partner.schac_code or "",
        iia_id=exchange.partner_iia_id if exchange else "",
        iia_code=exchange.partner_iia_code if exchange else "",
        signing_contact=Contact(
            name=agreement.partner_signatory_name,
            email=agreement.partner_signatory_email,
            role=agreement.partner_signatory_position,
        ),
        signing_date=agreement.partner_signed_on,
        contacts=tuple(Contact(name=c.name, email=c.email, phone=c.phone, role=c.role) for c in contacts),
    )
    return IiaSource(
        us=us,
        partner=them,
        in_effect=agreement.status in IN_EFFECT_STATUSES
        or bool(agreement.our_signed_on and agreement.partner_signed_on),
        terminated=agreement.status == AgreementStatus.TERMINATED,
        conditions=tuple(terms.get("conditions") or ()),
    )


def our_iia(
    agreement: Agreement, exchange: AgreementExchange | None = None, *, exchange_read: bool = False
) -> BuiltIia:
    """Our copy as we serve it, with its official iia-hash. The caller checks ewp_problem first. `exchange_read`:
    the caller read the agreement's exchange (`exchange`, None when there is none), so it is not read again."""
    if exchange is None and not exchange_read:
        exchange = agreement_exchange(agreement)
    return build_iia(iia_source(agreement, exchange))


def parsed_iia(built: BuiltIia) -> ParsedIia:
    return parse_iias(parse_bytes(built.xml))[0]


def copy_differences(agreement: Agreement, xml: str, ours: BuiltIia) -> list[dict[str, Any]]:
    """How the partner's copy (its XML as imported) differs from ours as it is now."""
    theirs = parse_iias(parse_bytes(xml.encode("utf-8")))
    match = next((iia for iia in theirs if iia.partner_with(settings.EWP_HEI_ID)), theirs[0])
    return compare(
        parsed_iia(ours), match, our_hei_id=settings.EWP_HEI_ID, partner_hei_id=agreement.partner.schac_code or ""
    )


def ewp_view(
    *, user: User | AnonymousUser, agreement: Agreement, with_differences: bool = True
) -> dict[str, Any] | None:
    """The EWP side of an agreement as its page and API show it; None for an agreement not of the Erasmus+ type.
    Without differences for the agreement's detail, which shows the summary only."""
    if agreement.type != AgreementType.ERASMUS_IIA:
        return None
    exchange = agreement_exchange(agreement)
    problem = ewp_problem(agreement)
    view: dict[str, Any] = {
        "agreement_id": agreement.pk,
        "problem": problem,
        "iia_id": our_iia_id(agreement.pk),
        "iia_code": our_iia_code(agreement),
        "hei_id": settings.EWP_HEI_ID,
        "partner_hei_id": agreement.partner.schac_code or "",
        "iia_hash": "",
        "valid_for_approval": False,
        "exchange": exchange,
        "status": exchange.status if exchange else "not_exchanged",
        "latest_copy": exchange.latest_copy if exchange else None,
        "differences": [],
        "can_exchange": can_exchange_ewp(user, agreement),
        "partner_approval_current": False,
        "approval_current": False,
    }
    if problem is not None:
        return view
    ours = our_iia(agreement, exchange, exchange_read=True)
    view["iia_hash"] = ours.hash.iia_hash
    view["valid_for_approval"] = ours.hash.valid_for_approval
    if exchange is not None:
        view["partner_approval_current"] = (
            bool(exchange.partner_approval_hash)
            and not exchange.partner_approval_outdated
            and exchange.partner_approval_hash == ours.hash.iia_hash
        )
        view["approval_current"] = bool(exchange.approved_iia_hash) and not exchange.approval_outdated
        if exchange.latest_copy is not None and with_differences:
            view["differences"] = copy_differences(agreement, exchange.latest_copy.xml, ours)
    return view


def ewp_agreements(
    *, caller: EwpCaller, partner_hei_id: str = "", modified_since: datetime | None = None
) -> QuerySet[Agreement]:
    """The Erasmus+ agreements an EWP caller is served: with a partner that has a SCHAC code, among those the
    caller's user may see and with the HEIs it speaks for, optionally with one partner and changed since a time."""
    qs = (
        Agreement.objects.filter(type=AgreementType.ERASMUS_IIA, current_version__isnull=False)
        .exclude(Q(partner__schac_code__isnull=True) | Q(partner__schac_code=""))
        .exclude(status=AgreementStatus.WITHDRAWN)
        .select_related("partner", "department", "current_version")
    )
    if caller.hei_ids is not None:
        qs = qs.filter(partner__schac_code__in=sorted(caller.hei_ids))
    if partner_hei_id:
        qs = qs.filter(partner__schac_code=partner_hei_id)
    if modified_since is not None:
        qs = qs.filter(
            Q(updated_at__gte=modified_since)
            | Q(current_version__created_at__gte=modified_since)
            | Q(ewp_exchange__updated_at__gte=modified_since)
        )
    if caller.user is not None:
        # The rule of agreements.permissions.can_view_agreement as a filter (agreements.selectors.agreement_list
        # has it too, but that module reads this one for the agreement's detail).
        user = caller.user
        if not can_read_partners(user):
            return qs.none()
        if not has_role(user, *ALL_AGREEMENTS_ROLES):
            qs = qs.filter(department_id__in=user_department_ids(user))
    return qs.order_by("pk")


def agreements_by_iia_id(*, caller: EwpCaller, iia_ids: list[str]) -> list[Agreement]:
    """The caller's agreements among those our iia-ids name, in the order named (unknown ids are skipped)."""
    by_id = {our_iia_id(a.pk): a for a in ewp_agreements(caller=caller)}
    return [by_id[i] for i in dict.fromkeys(iia_ids) if i in by_id]
