"""Writes of the EWP exchange: importing a partner's copy of an IIA (uploaded, or fetched by the worker) and
the partner's approval of ours, approving the partner's copy, and what a new version of our terms does to the
approvals. Each writes a timeline line; an approval that stops covering both copies is marked outdated and the
agreement's coordinators are told."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import users_with_roles
from agreements.ewp.build import our_iia_id
from agreements.ewp.hashing import iia_hashes
from agreements.ewp.models import AgreementExchange, CopySource, PartnerIiaCopy
from agreements.ewp.parse import ParsedIia, parse_approvals, parse_iias
from agreements.ewp.selectors import copy_differences, ewp_problem, our_iia, our_iia_code
from agreements.ewp.xml import XmlRejected, validated
from agreements.models import Agreement, AgreementEvent, AgreementVersion
from agreements.permissions import can_exchange_ewp
from agreements.services.timeline import agreement_event_record
from core.errors import ErrorCode, EwpCopiesDiffer, EwpNoPartnerCopy, EwpNotApprovable, field_error
from notifications.models import NotificationKind
from notifications.services import notify

NOT_ALLOWED = _lazy(
    "Only a coordinator of the agreement's department, the prorector or an administrator exchanges it over EWP."
)


def _record(agreement: Agreement, action: str, actor: User | None, *, comment: str = "", data: dict[str, Any]) -> None:
    """The timeline line of an EWP action (the agreement's status does not change)."""
    agreement_event_record(
        agreement=agreement,
        action=action,
        actor=actor,
        step=agreement.status,
        status_before=agreement.status,
        comment=comment,
        data=data,
    )


def _check_may_exchange(actor: User | None, agreement: Agreement) -> None:
    if actor is not None and not can_exchange_ewp(actor, agreement):
        raise PermissionDenied(NOT_ALLOWED)
    problem = ewp_problem(agreement)
    if problem is not None:
        raise field_error("file", problem, ErrorCode.EWP_NOT_EXCHANGEABLE)


def _locked_exchange(agreement: Agreement) -> AgreementExchange:
    AgreementExchange.objects.get_or_create(agreement=agreement)
    return AgreementExchange.objects.select_for_update().get(agreement=agreement)


def _xml(data: bytes, kind: str, field: str) -> Any:
    if len(data) > settings.EWP_MAX_XML_BYTES:
        raise field_error(field, _("The file is too large for an EWP document."), ErrorCode.FILE_TOO_LARGE)
    try:
        return validated(data, kind)
    except XmlRejected as exc:
        raise field_error(
            field,
            _("This is not a valid EWP document: %(reason)s") % {"reason": str(exc)[:500]},
            ErrorCode.EWP_XML_INVALID,
        )


def _match(agreement: Agreement, iias: list[ParsedIia]) -> ParsedIia:
    """The IIA of the document that is this agreement: between us and this partner and, when it names our
    iia-id or iia-code, ours."""
    partner_hei = agreement.partner.schac_code or ""
    ours_id, ours_code = our_iia_id(agreement.pk), our_iia_code(agreement)
    candidates = [iia for iia in iias if iia.partner_with(settings.EWP_HEI_ID) and iia.partner_with(partner_hei)]
    if not candidates:
        raise field_error(
            "file",
            _("The document holds no IIA between %(us)s and %(partner)s.")
            % {"us": settings.EWP_HEI_ID, "partner": partner_hei},
            ErrorCode.EWP_NOT_THIS_AGREEMENT,
        )
    named = []
    for iia in candidates:
        side = iia.partner_with(settings.EWP_HEI_ID)
        assert side is not None
        if side.iia_id or side.iia_code:
            if side.iia_id == ours_id or (not side.iia_id and side.iia_code == ours_code):
                named.append(iia)
        elif len(candidates) == 1:
            named.append(iia)
    if len(named) != 1:
        raise field_error(
            "file",
            _("The document's IIA names another agreement of ours (its iia-id or iia-code is not this agreement's)."),
            ErrorCode.EWP_NOT_THIS_AGREEMENT,
        )
    return named[0]


def _notify_outdated(agreement: Agreement, *, reason: str, key: str) -> None:
    recipients = users_with_roles([Role.COORDINATOR]).filter(departments=agreement.department_id)
    notify(
        recipients=recipients,
        kind=NotificationKind.AGREEMENT_EWP_OUTDATED,
        event=f"agreement:{agreement.pk}:ewp-outdated:{key}",
        link=agreement.get_absolute_url(),
        context={"agreement": agreement.title, "partner": agreement.partner.name, "reason": reason},
    )


def _partner_approval_check(exchange: AgreementExchange, our_hash: str) -> list[str]:
    """Record our current hash; the partner's approval is outdated once our hash is not the one it approved."""
    exchange.our_iia_hash = our_hash
    if (
        exchange.partner_approval_hash
        and not exchange.partner_approval_outdated
        and exchange.partner_approval_hash != our_hash
    ):
        exchange.partner_approval_outdated = True
        return [_("Our copy changed since the partner approved it.")]
    return []


def _save_and_tell(
    exchange: AgreementExchange, agreement: Agreement, *, actor: User | None, key: str, reasons: list[str]
) -> None:
    exchange.status = exchange.derived_status()
    exchange.save()
    if reasons:
        reason = " ".join(reasons)
        _record(
            agreement,
            AgreementEvent.Action.EWP_APPROVAL_OUTDATED,
            actor,
            comment=reason,
            data={"ewp_status": exchange.status, "our_iia_hash": exchange.our_iia_hash},
        )
        _notify_outdated(agreement, reason=reason, key=key)


@transaction.atomic
def partner_copy_import(
    *, agreement: Agreement, actor: User | None, data: bytes, source: str = CopySource.UPLOAD, url: str = ""
) -> PartnerIiaCopy:
    """Import the partner's copy of the IIA (an IIAs v7 get response): validated against the schema, matched to
    this agreement, hashed with the official stylesheet and compared with ours. A copy with another hash than the
    one we approved makes our approval outdated. `actor` None: the worker fetching a URL for a coordinator who
    was checked when asking."""
    _check_may_exchange(actor, agreement)
    tree = _xml(data, "get", "file")
    iias = parse_iias(tree)
    theirs = _match(agreement, iias)
    computed = iia_hashes(tree)[theirs.position]
    exchange = _locked_exchange(agreement)
    owner = theirs.partners[0]
    partner_side = theirs.partner_with(agreement.partner.schac_code or "")
    assert partner_side is not None
    if partner_side.iia_id:
        exchange.partner_iia_id = partner_side.iia_id
    if partner_side.iia_code:
        exchange.partner_iia_code = partner_side.iia_code
    ours = our_iia(agreement, exchange)
    xml = data.decode("utf-8", errors="replace")
    copy = PartnerIiaCopy.objects.create(
        agreement=agreement,
        xml=xml,
        xml_sha256=hashlib.sha256(data).hexdigest(),
        source=source,
        source_url=url,
        owner_hei_id=owner.hei_id,
        owner_iia_id=owner.iia_id,
        partner_iia_id=partner_side.iia_id,
        partner_iia_code=partner_side.iia_code,
        iia_hash=computed.iia_hash,
        stated_hash=theirs.stated_hash,
        valid_for_approval=computed.valid_for_approval,
        conditions=theirs.conditions,
        terminated=theirs.terminated,
        our_iia_hash=ours.hash.iia_hash,
        imported_by=actor,
        differences=copy_differences(agreement, xml, ours),
    )
    exchange.latest_copy = copy
    reasons = []
    if exchange.approved_iia_hash and not exchange.approval_outdated and exchange.approved_iia_hash != copy.iia_hash:
        exchange.approval_outdated = True
        reasons.append(_("The partner sent a new copy with another iia-hash than the one we approved."))
    _record(
        agreement,
        AgreementEvent.Action.EWP_COPY_IMPORTED,
        actor,
        data={
            "iia_id": copy.owner_iia_id,
            "iia_hash": copy.iia_hash,
            "source": source,
            "differences": len(copy.differences),
        },
    )
    reasons += _partner_approval_check(exchange, ours.hash.iia_hash)
    _save_and_tell(exchange, agreement, actor=actor, key=f"copy:{copy.pk}", reasons=reasons)
    return copy


@transaction.atomic
def partner_copy_approve(*, agreement: Agreement, actor: User, iia_hash: str = "") -> AgreementExchange:
    """Approve the partner's latest copy: records their iia-id and iia-hash (what our Approval API then serves).
    Refused when the copies differ in substance, when the copy's stated hash is not its own, when the stylesheet
    says it is not valid for approval, or when `iia_hash` (the copy the approver looked at) is not the latest's."""
    _check_may_exchange(actor, agreement)
    exchange = _locked_exchange(agreement)
    copy = exchange.latest_copy
    if copy is None or (iia_hash and iia_hash != copy.iia_hash):
        raise EwpNoPartnerCopy()
    if copy.stated_hash and copy.stated_hash != copy.iia_hash:
        raise EwpNotApprovable(
            _("The iia-hash the partner's copy states is not the one its content gives: ask the partner to correct it.")
        )
    if not copy.valid_for_approval:
        raise EwpNotApprovable(_("The partner's copy has values not yet defined for IIA v7; it cannot be approved."))
    ours = our_iia(agreement, exchange)
    if copy_differences(agreement, copy.xml, ours):
        raise EwpCopiesDiffer()
    version: AgreementVersion | None = agreement.current_version
    exchange.approved_copy = copy
    exchange.approved_iia_id = copy.owner_iia_id
    exchange.approved_iia_hash = copy.iia_hash
    exchange.approved_at = timezone.now()
    exchange.approved_by = actor
    exchange.approved_version = version
    exchange.approval_outdated = False
    _record(
        agreement,
        AgreementEvent.Action.EWP_APPROVED,
        actor,
        data={"iia_id": copy.owner_iia_id, "iia_hash": copy.iia_hash},
    )
    reasons = _partner_approval_check(exchange, ours.hash.iia_hash)
    _save_and_tell(exchange, agreement, actor=actor, key=f"approve:{copy.pk}", reasons=reasons)
    return exchange


@transaction.atomic
def partner_approval_import(*, agreement: Agreement, actor: User | None, data: bytes) -> AgreementExchange:
    """Import the partner's approval of our copy (an IIAs Approval API v2 response): accepted only when it
    approves our iia-id with our current iia-hash."""
    _check_may_exchange(actor, agreement)
    tree = _xml(data, "approval", "file")
    ours_id = our_iia_id(agreement.pk)
    approvals = [(iia_id, iia_hash) for iia_id, iia_hash in parse_approvals(tree) if iia_id == ours_id]
    if not approvals:
        raise field_error(
            "file",
            _("The approval does not name this agreement's iia-id (%(id)s).") % {"id": ours_id},
            ErrorCode.EWP_NOT_THIS_AGREEMENT,
        )
    exchange = _locked_exchange(agreement)
    ours = our_iia(agreement, exchange)
    approved_hash = approvals[-1][1]
    if approved_hash != ours.hash.iia_hash:
        raise field_error(
            "file",
            _("The partner approved iia-hash %(theirs)s, but our copy's current iia-hash is %(ours)s.")
            % {"theirs": approved_hash, "ours": ours.hash.iia_hash},
            ErrorCode.EWP_APPROVAL_HASH_MISMATCH,
        )
    exchange.partner_approval_iia_id = ours_id
    exchange.partner_approval_hash = approved_hash
    exchange.partner_approved_at = timezone.now()
    exchange.partner_approval_outdated = False
    exchange.our_iia_hash = ours.hash.iia_hash
    _record(
        agreement,
        AgreementEvent.Action.EWP_PARTNER_APPROVED,
        actor,
        data={"iia_id": ours_id, "iia_hash": approved_hash},
    )
    _save_and_tell(exchange, agreement, actor=actor, key=f"partner-approval:{approved_hash}", reasons=[])
    return exchange


def ewp_terms_changed(*, agreement: Agreement, version: AgreementVersion, actor: User | None) -> None:
    """A new version of our terms (agreements.services.drafts._apply_terms, in its transaction): our approval of
    the partner's copy no longer covers our terms, and the partner's approval of ours is outdated when our hash
    changed. Nothing happens to an agreement never exchanged."""
    if not AgreementExchange.objects.filter(agreement=agreement).exists():
        return
    exchange = AgreementExchange.objects.select_for_update().get(agreement=agreement)
    reasons = []
    if exchange.approved_iia_hash and not exchange.approval_outdated:
        exchange.approval_outdated = True
        reasons.append(
            _("Our terms changed (version %(n)s) since we approved the partner's copy.") % {"n": version.number}
        )
    if ewp_problem(agreement) is None:
        reasons += _partner_approval_check(exchange, our_iia(agreement, exchange).hash.iia_hash)
    _save_and_tell(exchange, agreement, actor=actor, key=f"version:{version.number}", reasons=reasons)


# --- fetching from a URL (the worker) ----------------------------------------------------------------------------


def partner_fetch_check(*, agreement: Agreement, actor: User, url: str) -> None:
    """Whether the worker may be asked to fetch from this URL for this user (agreements.ewp.tasks.ewp_fetch_queue):
    only where the deployment enables it, an https URL, someone who may exchange the agreement."""
    if not settings.EWP_FETCH_ENABLED:
        raise field_error(
            "url", _("Fetching from a URL is not enabled here; upload the file."), ErrorCode.EWP_FETCH_DISABLED
        )
    if not url.startswith("https://"):
        raise field_error("url", _("Give an https URL."), ErrorCode.INVALID)
    _check_may_exchange(actor, agreement)


def fetch_xml(url: str) -> bytes:
    """GET an https URL, at most EWP_MAX_XML_BYTES, within EWP_FETCH_TIMEOUT_SECONDS; no redirect is followed."""
    import requests

    limit = int(settings.EWP_MAX_XML_BYTES)
    data = b""
    try:
        with requests.get(
            url,
            timeout=settings.EWP_FETCH_TIMEOUT_SECONDS,
            stream=True,
            allow_redirects=False,
            headers={"Accept": "application/xml"},
        ) as response:
            response.raise_for_status()
            for chunk in response.iter_content(64 * 1024):
                data += chunk
                if len(data) > limit:
                    raise field_error("url", _("The file is too large for an EWP document."), ErrorCode.FILE_TOO_LARGE)
    except requests.RequestException as exc:
        raise field_error("url", _("The URL could not be fetched: %(error)s") % {"error": exc}, ErrorCode.INVALID)
    return data


def partner_fetch(*, agreement_id: int, url: str, kind: str, actor_id: int) -> None:
    """The worker's part: fetch and import as an upload would be (a refused document is logged on the timeline)."""
    agreement = Agreement.objects.select_related("partner", "department", "current_version").get(pk=agreement_id)
    actor = User.objects.get(pk=actor_id)
    try:
        data = fetch_xml(url)
        if kind == "approval":
            partner_approval_import(agreement=agreement, actor=actor, data=data)
        else:
            partner_copy_import(agreement=agreement, actor=actor, data=data, source=CopySource.URL, url=url)
    except ValidationError as exc:
        _record(
            agreement,
            AgreementEvent.Action.EWP_FETCH_FAILED,
            actor,
            comment="; ".join(exc.messages)[:2000],
            data={"url": url, "kind": kind},
        )
