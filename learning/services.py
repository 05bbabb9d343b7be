"""Writes of learning agreements: start one from an approved mobility, save a new version, propose a change during
the mobility, sign or reject a version (account or emailed link), issue and revoke signing links, record the host's
transcript and the home's recognition, remind whoever has not signed. Each owns its transaction, locks the
agreement's row (so two signers at once are serialised: the second sees the first's signature), writes its
timeline line and defers every outside effect (emails, the signed PDF) until commit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.terms import CEFR_LEVELS
from applications.models import Application, Audience
from core.effects import on_commit_call
from core.errors import (
    ErrorCode,
    LAAlreadySigned,
    LAChangeWindowClosed,
    LANotEditable,
    LANotSignable,
    LAVersionOutdated,
    field_error,
)
from documents.services import letter_schedule
from learning.content import clean_content, content_diff, content_rules_check, content_sha256
from learning.models import (
    ComponentResult,
    ComponentStatus,
    ComponentTable,
    LAComponent,
    LAEvent,
    LAKind,
    LASignature,
    LAStatus,
    LAVersion,
    LearningAgreement,
    PartnerCourse,
    Party,
    SignatureDecision,
    SignatureMethod,
    SigningLink,
)
from learning.permissions import (
    STARTABLE_APPLICATION_STATUSES,
    can_edit_la,
    can_manage_links,
    can_propose_change,
    can_record_results,
    is_sending_coordinator,
)

SIGNED_PDF = "learning_agreement_signed"
PARTIES = (Party.STUDENT, Party.SENDING, Party.RECEIVING)


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def la_event_record(
    *,
    case: LearningAgreement,
    action: str,
    actor: User | None = None,
    step: str = "",
    comment: str = "",
    status_before: str | None = None,
    status_after: str | None = None,
    data: dict[str, Any] | None = None,
    version_number: int | None = None,
) -> LAEvent:
    """One line of the agreement's timeline (also the kind's `record_event` adapter)."""
    return LAEvent.objects.create(
        agreement=case,
        action=action,
        actor=actor,
        step=step or case.status,
        comment=comment,
        status_before=case.status if status_before is None else status_before,
        status_after=case.status if status_after is None else status_after,
        data=data or {},
        version_number=version_number,
    )


def _locked(agreement_id: int) -> LearningAgreement:
    return (
        LearningAgreement.objects.select_for_update(of=("self",))
        .select_related("current_version", "final_version", "receiving_partner", "participant", "department")
        .get(pk=agreement_id)
    )


def _set_status(agreement: LearningAgreement, status: str, *fields: str) -> None:
    agreement.status = status
    agreement.save(update_fields=["status", "updated_at", *fields])


# --- start ------------------------------------------------------------------------------------------------------


def initial_content(application: Application) -> dict[str, Any]:
    """What the first version's form starts from: the mobility as the application states it."""
    content: dict[str, Any] = {
        "mobility": {
            "start_date": application.period_start.isoformat() if application.period_start else "",
            "end_date": application.period_end.isoformat() if application.period_end else "",
            "eqf_level": 6,
            "isced_code": "",
            "isced_clarification": "",
            "language": "en",
            "language_level": application.language_level or "",
            "receiving_unit": "",
        },
        "components": [],
    }
    if application.call.audience == Audience.STAFF:
        content["staff"] = {
            "activity": application.call.mobility_type
            if application.call.mobility_type in ("teaching", "training")
            else "teaching",
            "hours": application.teaching_hours or 8,
            "programme": "",
            "outcomes": "",
        }
    return content


@transaction.atomic
def la_start(*, application_id: int, actor: User) -> LearningAgreement:
    """Start the agreement of an approved (or nominated, accepted) mobility: once per application — a second
    start returns the first. Only the applicant starts it."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "nominated_place__partner")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.applicant_id != actor.pk:
        raise Http404(_("No such application."))
    existing = LearningAgreement.objects.filter(application=application).first()
    if existing is not None:
        return existing
    if application.status not in STARTABLE_APPLICATION_STATUSES or application.nominated_place_id is None:
        raise field_error(
            "application",
            _("A learning agreement starts once the application is approved with a place at a partner."),
            ErrorCode.LA_NOT_STARTABLE,
        )
    agreement = LearningAgreement.objects.create(
        kind=LAKind.STAFF if application.call.audience == Audience.STAFF else LAKind.STUDENT,
        participant=application.applicant,
        department_id=application.department_id,
        application=application,
        receiving_partner_id=application.nominated_place.partner_id,  # type: ignore[union-attr]
        academic_year=application.call.academic_year,
        receiving_contact_name=application.host_contact_name,
        receiving_contact_email=application.host_contact_email,
    )
    la_event_record(case=agreement, action=LAEvent.Action.CREATED, actor=actor, data={"application": application.pk})
    return agreement


# --- versions ---------------------------------------------------------------------------------------------------


def _components_of(version: LAVersion) -> list[LAComponent]:
    return [
        LAComponent(
            version=version,
            position=index,
            table=item["table"],
            code=item["code"],
            title=item["title"],
            ects=Decimal(item["ects"]),
            term=item["term"],
            status=item["status"],
            reason_code=item["reason_code"],
            reason_text=item["reason_text"],
        )
        for index, item in enumerate(version.content.get("components", []))
    ]


def _links_revoke_rollback_unsafe(agreement: LearningAgreement, *, actor: User | None, reason: str) -> int:
    now = timezone.now()
    revoked = 0
    for link in SigningLink.objects.select_for_update().filter(
        agreement=agreement, used_at__isnull=True, revoked_at__isnull=True
    ):
        link.revoked_at = now
        link.save(update_fields=["revoked_at"])
        la_event_record(
            case=agreement,
            action=LAEvent.Action.LINK_REVOKED,
            actor=actor,
            comment=reason,
            data={"link": link.pk, "email": link.email},
            version_number=link.version.number,
        )
        revoked += 1
    return revoked


def _version_create(
    agreement: LearningAgreement, *, actor: User, content: dict[str, Any], is_change: bool, comment: str
) -> LAVersion:
    """The next version (with its component rows), made current; the agreement returns to draft (the student signs
    it first); links to earlier versions are revoked — their signatures stay on the versions they signed."""
    previous = agreement.current_version
    sha = content_sha256(content)
    if previous is not None and previous.sha256 == sha:
        return previous  # nothing changed: no new version, no signature lost
    status_before = agreement.status
    version = LAVersion.objects.create(
        agreement=agreement,
        number=(previous.number + 1) if previous else 1,
        content=content,
        sha256=sha,
        is_change=is_change,
        comment=comment,
        created_by=actor,
    )
    LAComponent.objects.bulk_create(_components_of(version))
    agreement.current_version = version
    _set_status(agreement, LAStatus.DRAFT, "current_version")
    _links_revoke_rollback_unsafe(agreement, actor=actor, reason=_("A new version replaced the one the link was for."))
    la_event_record(
        case=agreement,
        action=LAEvent.Action.CHANGE_PROPOSED if is_change else LAEvent.Action.VERSION_CREATED,
        actor=actor,
        comment=comment,
        status_before=status_before,
        data={
            "sha256": sha,
            "diff": content_diff(previous.content if previous else None, content),
            "replaces_signed": bool(previous and previous.signatures.exists()),
        },
        version_number=version.number,
    )
    return version


@transaction.atomic
def la_save(*, agreement_id: int, actor: User, content: Any, comment: str = "") -> LAVersion:
    """Save edited content as the next version (a version is never changed: signatures stay on the version they
    signed). Once a version is final, content changes only by `la_change_propose`.

    Errors: LANotEditable (final, recognised, or not the participant / a sending coordinator); ValidationError per
    field (`mobility.start_date`, `components.2.ects`, ...)."""
    agreement = _locked(agreement_id)
    if not can_edit_la(actor, agreement):
        raise LANotEditable(
            _("A final version changes only by a change proposal.") if agreement.final_version_id else None
        )
    cleaned = clean_content(content, kind=agreement.kind)
    return _version_create(agreement, actor=actor, content=cleaned, is_change=False, comment=comment.strip())


@transaction.atomic
def la_contact_set(*, agreement_id: int, actor: User, name: str, email: str) -> LearningAgreement:
    """Who signs for the receiving institution. A change revokes the open link (a new one goes to the new address
    when the version is sent for signature again)."""
    agreement = _locked(agreement_id)
    if not (can_edit_la(actor, agreement) or can_manage_links(actor, agreement)):
        raise LANotEditable()
    name, email = (name or "").strip()[:200], (email or "").strip().lower()
    errors = {}
    if not name:
        errors["receiving_contact_name"] = ValidationError(
            _("Give the receiving coordinator's name."), code=ErrorCode.REQUIRED
        )
    try:
        validate_email(email)
    except ValidationError:
        errors["receiving_contact_email"] = ValidationError(_("Give a valid email address."), code=ErrorCode.INVALID)
    if errors:
        raise ValidationError(errors)
    if (name, email) != (agreement.receiving_contact_name, agreement.receiving_contact_email):
        agreement.receiving_contact_name, agreement.receiving_contact_email = name, email
        agreement.save(update_fields=["receiving_contact_name", "receiving_contact_email", "updated_at"])
        la_event_record(
            case=agreement, action=LAEvent.Action.CONTACT_SET, actor=actor, data={"name": name, "email": email}
        )
        _links_revoke_rollback_unsafe(agreement, actor=actor, reason=_("The receiving coordinator changed."))
        version = agreement.current_version
        if agreement.status == LAStatus.SIGNING and version is not None and Party.RECEIVING not in _answers(version):
            _link_issue_rollback_unsafe(agreement, actor=actor)
    return agreement


def _change_window_check(agreement: LearningAgreement) -> None:
    start = agreement.final_version.content["mobility"].get("start_date") if agreement.final_version else ""
    if not start:
        return
    closes = date.fromisoformat(start) + timedelta(days=settings.LA_CHANGE_WINDOW_DAYS)
    if timezone.localdate() > closes:
        raise LAChangeWindowClosed(
            _("Changes could be proposed until %(date)s (%(days)s days after the start).")
            % {"date": closes.isoformat(), "days": settings.LA_CHANGE_WINDOW_DAYS}
        )


@transaction.atomic
def la_change_propose(
    *, agreement_id: int, actor: User, added: list[Any], removed: list[Any], comment: str = ""
) -> LAVersion:
    """A change during the mobility: components of the final version removed (`removed`: [{position,
    reason_code, reason_text}]) and added (`added`: components with a reason), as the next version — signed
    again by the three parties. Within LA_CHANGE_WINDOW_DAYS of the start.

    Errors: LANotEditable (no final version, or not yours); LAChangeWindowClosed; ValidationError per field."""
    agreement = _locked(agreement_id)
    if not can_propose_change(actor, agreement):
        raise LANotEditable(_("A change is proposed to a final version by the participant or a sending coordinator."))
    _change_window_check(agreement)
    assert agreement.final_version is not None  # can_propose_change
    base = agreement.final_version.content
    # The final version's components as they stand (earlier removals dropped, earlier additions now planned).
    components = [
        dict(c, status="", reason_code="", reason_text="")
        for c in base.get("components", [])
        if c.get("status") != ComponentStatus.DELETED
    ]
    errors: dict[str, list[ValidationError]] = {}
    if not isinstance(removed, list) or not isinstance(added, list):
        raise field_error("added", _("Added and removed components are lists."), ErrorCode.INVALID)
    if not added and not removed:
        raise field_error("added", _("Add or remove at least one component."), ErrorCode.REQUIRED)
    for index, item in enumerate(removed):
        position = item.get("position") if isinstance(item, dict) else None
        if not isinstance(position, int) or not 0 <= position < len(components):
            errors.setdefault(f"removed.{index}.position", []).append(
                ValidationError(_("Choose a component of the final version."), code=ErrorCode.INVALID)
            )
            continue
        components[position].update(
            status=ComponentStatus.DELETED,
            reason_code=item.get("reason_code") or "",
            reason_text=(item.get("reason_text") or "").strip(),
        )
    if errors:
        raise ValidationError(errors)
    raw = {
        **base,
        "components": components + [dict(c, status=ComponentStatus.INSERTED) for c in added if isinstance(c, dict)],
    }
    cleaned = clean_content(raw, kind=agreement.kind, change=True)
    return _version_create(agreement, actor=actor, content=cleaned, is_change=True, comment=(comment or "").strip())


# --- signatures -------------------------------------------------------------------------------------------------


def required_language_level(agreement: LearningAgreement, language: str) -> str:
    """The CEFR level asked of the participant in `language`: the inter-institutional agreement's recommendation
    for it where the place comes from one, else the call's minimum."""
    application = agreement.application
    place = application.nominated_place
    quota = getattr(place, "quota", None) if place else None
    version = quota.agreement.current_version if quota is not None else None
    levels = []
    if version is not None:
        for condition in version.terms.get("conditions", []):
            for entry in condition.get("languages", []):
                if entry.get("language") == language and entry.get("cefr") in CEFR_LEVELS:
                    levels.append(entry["cefr"])
    if levels:
        return str(min(levels, key=CEFR_LEVELS.index))
    return application.call.min_language_level or ""


def catalogue_of(agreement: LearningAgreement) -> dict[str, Any]:
    return {
        course.code: {"ects": course.ects, "title": course.title}
        for course in PartnerCourse.objects.filter(partner_id=agreement.receiving_partner_id)
    }


def la_rules_check(agreement: LearningAgreement, version: LAVersion) -> None:
    content = version.content
    content_rules_check(
        content,
        kind=agreement.kind,
        catalogue=catalogue_of(agreement),
        required_level=required_language_level(agreement, content["mobility"].get("language", "")),
    )


def _answers(version: LAVersion) -> dict[str, LASignature]:
    return {s.party: s for s in LASignature.objects.filter(version=version)}


def _signature_create(**fields: Any) -> LASignature:
    try:
        with transaction.atomic():
            return LASignature.objects.create(**fields)
    except IntegrityError:
        raise LAAlreadySigned()


def _after_answer(
    agreement: LearningAgreement, version: LAVersion, signature: LASignature, *, actor: User | None
) -> None:
    """The timeline line of an answer, and what follows it: the version rejected, sent on, or final."""
    status_before = agreement.status
    answers = _answers(version)
    if signature.decision == SignatureDecision.REJECTED:
        _set_status(agreement, LAStatus.REJECTED)
        _links_revoke_rollback_unsafe(agreement, actor=actor, reason=_("The version was rejected."))
    elif all(answers.get(p) is not None and answers[p].decision == SignatureDecision.SIGNED for p in PARTIES):
        agreement.final_version = version
        _set_status(agreement, LAStatus.FINAL, "final_version")
    elif signature.party == Party.STUDENT:
        _set_status(agreement, LAStatus.SIGNING)
    la_event_record(
        case=agreement,
        action=LAEvent.Action.REJECTED if signature.decision == SignatureDecision.REJECTED else LAEvent.Action.SIGNED,
        actor=actor,
        step=signature.party,
        comment=signature.reason,
        status_before=status_before,
        data={
            "party": signature.party,
            "sha256": signature.sha256,
            "method": signature.method,
            "signer": signature.signer_name,
            "signer_email": signature.signer_email,
            "signature": signature.pk,
        },
        version_number=version.number,
    )
    from learning import notifications

    if agreement.status == LAStatus.FINAL:
        la_event_record(
            case=agreement,
            action=LAEvent.Action.FINAL,
            status_before=status_before,
            version_number=version.number,
            data={"sha256": version.sha256},
        )
        letter_schedule(case=version, purpose=SIGNED_PDF)
        notifications.final_notify(agreement=agreement, version=version)
    elif agreement.status == LAStatus.REJECTED:
        notifications.rejected_notify(agreement=agreement, version=version, signature=signature)
    elif signature.party == Party.STUDENT:
        _link_issue_rollback_unsafe(agreement, actor=actor)
        notifications.sending_signature_requested(agreement=agreement, version=version)


@transaction.atomic
def la_sign(
    *,
    agreement_id: int,
    actor: User,
    party: str,
    sha256: str,
    decision: str = SignatureDecision.SIGNED,
    reason: str = "",
) -> LASignature:
    """The student or a sending coordinator signs (or rejects, with a reason) the current version, bound to the
    hash they saw. The student signs first (their signature sends the version to both coordinators: the
    receiving one gets an emailed link); the version is final when all three signed.

    Errors: Http404 for a party the actor is not; LAVersionOutdated (the hash is not the current version's);
    LANotSignable (out of order, or rejected/final); LAAlreadySigned; ValidationError (rules before the student
    signs, a rejection without a reason, no receiving coordinator's address)."""
    agreement = _locked(agreement_id)
    if party == Party.STUDENT and agreement.participant_id != actor.pk:
        raise PermissionDenied(_("Only the participant signs as the student."))
    if party == Party.SENDING and not is_sending_coordinator(actor, agreement):
        raise PermissionDenied(
            _("Only a coordinator of the participant's department signs for the sending institution.")
        )
    if party not in (Party.STUDENT, Party.SENDING):
        raise field_error("party", _("Sign as the student or the sending coordinator."), ErrorCode.INVALID_CHOICE)
    if decision not in SignatureDecision.values:
        raise field_error("decision", _("Choose signed or rejected."), ErrorCode.INVALID_CHOICE)
    reason = (reason or "").strip()
    if decision == SignatureDecision.REJECTED and not reason:
        raise field_error("reason", _("Give the reason for the rejection."), ErrorCode.COMMENT_REQUIRED)
    version = agreement.current_version
    if version is None:
        raise LANotSignable(_("Save the agreement's content first."))
    if sha256 != version.sha256:
        raise LAVersionOutdated()
    answers = _answers(version)
    if party in answers:
        raise LAAlreadySigned()
    if agreement.status in (LAStatus.REJECTED, LAStatus.FINAL, LAStatus.RECOGNISED):
        raise LANotSignable()
    if party == Party.STUDENT:
        if decision == SignatureDecision.REJECTED:
            raise LANotSignable(_("The student edits the version instead of rejecting it."))
        la_rules_check(agreement, version)
        if not agreement.receiving_contact_email:
            raise field_error(
                "receiving_contact_email",
                _("Give the receiving coordinator's email: they sign through a link sent there."),
                ErrorCode.REQUIRED,
            )
    elif Party.STUDENT not in answers:
        raise LANotSignable(_("The student signs the version first."))
    signature = _signature_create(
        version=version,
        party=party,
        decision=decision,
        signer=actor,
        signer_name=_name(actor),
        signer_email=actor.email,
        signer_role=str(Party(party).label),
        sha256=version.sha256,
        method=SignatureMethod.ACCOUNT,
        reason=reason,
    )
    _after_answer(agreement, version, signature, actor=actor)
    return signature


# --- signing links ----------------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _link_issue_rollback_unsafe(agreement: LearningAgreement, *, actor: User | None) -> SigningLink:
    """A new single-use link for the receiving coordinator to the current version (earlier open ones revoked); the
    email with it goes out after commit. Only the token's SHA-256 is stored: the token lives in the email alone."""
    _links_revoke_rollback_unsafe(agreement, actor=actor, reason=_("A new link was sent."))
    assert agreement.current_version is not None  # a link is to a version the student signed
    token = secrets.token_urlsafe(32)
    link = SigningLink.objects.create(
        agreement=agreement,
        version=agreement.current_version,
        name=agreement.receiving_contact_name or agreement.receiving_contact_email,
        email=agreement.receiving_contact_email,
        token_sha256=token_hash(token),
        created_by=actor or agreement.participant,
        expires_at=timezone.now() + timedelta(days=settings.LA_SIGNING_LINK_DAYS),
    )
    from learning.emails import signing_link_email_send

    on_commit_call(signing_link_email_send, link_id=link.pk, token=token)
    return link


@transaction.atomic
def signing_link_reissue(*, agreement_id: int, actor: User) -> SigningLink:
    """Send the receiving coordinator a fresh link (the old one expired or was lost); the old one is revoked."""
    agreement = _locked(agreement_id)
    if not (can_manage_links(actor, agreement) or agreement.participant_id == actor.pk):
        raise PermissionDenied(_("Only a sending coordinator or the participant sends the link again."))
    if agreement.status != LAStatus.SIGNING or agreement.current_version is None:
        raise LANotSignable(_("The version is not waiting for the receiving coordinator's signature."))
    if Party.RECEIVING in _answers(agreement.current_version):
        raise LANotSignable(_("The version is not waiting for the receiving coordinator's signature."))
    return _link_issue_rollback_unsafe(agreement, actor=actor)


@transaction.atomic
def signing_link_revoke(*, agreement_id: int, link_id: int, actor: User) -> SigningLink:
    agreement = _locked(agreement_id)
    if not can_manage_links(actor, agreement):
        raise PermissionDenied(_("Only a sending coordinator revokes a signing link."))
    link = SigningLink.objects.select_for_update().filter(pk=link_id, agreement=agreement).first()
    if link is None:
        raise Http404(_("No such link."))
    if link.revoked_at is None and link.used_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        la_event_record(
            case=agreement,
            action=LAEvent.Action.LINK_REVOKED,
            actor=actor,
            data={"link": link.pk, "email": link.email},
            version_number=link.version.number,
        )
    return link


def _link_refused(agreement_id: int, token: str, why: str) -> None:
    """A use of a known link that is no longer open is in the timeline too, in a transaction of its own (the caller
    answers 404 after it)."""
    link = SigningLink.objects.select_related("agreement", "version").filter(token_sha256=token_hash(token)).first()
    if link is not None and link.agreement_id == agreement_id:
        with transaction.atomic():
            la_event_record(
                case=link.agreement,
                action=LAEvent.Action.LINK_REFUSED,
                comment=why,
                data={"link": link.pk, "email": link.email},
                version_number=link.version.number,
            )


def signing_link_access(*, agreement_id: int, token: str, record: bool = True) -> SigningLink:
    """The open link of this token for this agreement and its current version; Http404 for anything else (unknown,
    another agreement's, expired, revoked, used, outdated). Opening it is written to the timeline."""
    link = (
        SigningLink.objects.select_related("agreement__current_version", "agreement__receiving_partner", "version")
        .filter(token_sha256=token_hash(token or ""), agreement_id=agreement_id)
        .first()
    )
    if link is None:
        raise Http404(_("This link is not valid."))
    why = ""
    if link.used_at is not None:
        why = "used"
    elif link.revoked_at is not None:
        why = "revoked"
    elif link.expires_at <= timezone.now():
        why = "expired"
    elif link.agreement.current_version_id != link.version_id:
        why = "outdated"
    if why:
        _link_refused(agreement_id, token, why)
        raise Http404(_("This link is not valid."))
    if record:
        with transaction.atomic():
            la_event_record(
                case=link.agreement,
                action=LAEvent.Action.LINK_OPENED,
                data={"link": link.pk, "email": link.email},
                version_number=link.version.number,
            )
    return link


@transaction.atomic
def la_sign_by_link(
    *,
    agreement_id: int,
    token: str,
    sha256: str,
    decision: str,
    signer_name: str,
    signer_role: str = "",
    reason: str = "",
) -> LASignature:
    """The receiving coordinator signs or rejects (with a reason) through their link: single use, bound to the
    version's hash. Errors: Http404 (not an open link of this agreement), LAVersionOutdated, LANotSignable,
    LAAlreadySigned, ValidationError."""
    link = signing_link_access(agreement_id=agreement_id, token=token, record=False)
    agreement = _locked(agreement_id)
    link = SigningLink.objects.select_for_update().get(pk=link.pk)
    if not link.is_open() or agreement.current_version_id != link.version_id:
        raise Http404(_("This link is not valid."))
    version = agreement.current_version
    if version is None or sha256 != version.sha256:
        raise LAVersionOutdated()
    if decision not in SignatureDecision.values:
        raise field_error("decision", _("Choose signed or rejected."), ErrorCode.INVALID_CHOICE)
    reason = (reason or "").strip()
    signer_name = (signer_name or "").strip()[:200]
    if not signer_name:
        raise field_error("signer_name", _("Give your name."), ErrorCode.REQUIRED)
    if decision == SignatureDecision.REJECTED and not reason:
        raise field_error("reason", _("Give the reason for the rejection."), ErrorCode.COMMENT_REQUIRED)
    if agreement.status != LAStatus.SIGNING:
        raise LANotSignable()
    signature = _signature_create(
        version=version,
        party=Party.RECEIVING,
        decision=decision,
        signer=None,
        signer_name=signer_name,
        signer_email=link.email,
        signer_role=(signer_role or "").strip()[:200] or str(Party.RECEIVING.label),
        sha256=version.sha256,
        method=SignatureMethod.LINK,
        link=link,
        reason=reason,
    )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    _after_answer(agreement, version, signature, actor=None)
    return signature


# --- the signed PDF's issue -------------------------------------------------------------------------------------


def signed_pdf_recorded(version: LAVersion, letter: Any) -> None:
    """The timeline says the signed PDF of a final version was stored (the letter pipeline calls it)."""
    agreement = version.agreement
    document = letter.document
    la_event_record(
        case=agreement,
        action=LAEvent.Action.PDF_STORED,
        data={"document_id": document.pk, "sha256": document.sha256, "letter_number": letter.number},
        version_number=version.number,
    )


# --- documents (the kind's attach check) -------------------------------------------------------------------------


def la_attach_check(actor: User, agreement: LearningAgreement) -> None:
    if agreement.participant_id != actor.pk and not is_sending_coordinator(actor, agreement):
        raise PermissionDenied(_("Only the participant or a sending coordinator adds documents."))


# --- after the mobility -----------------------------------------------------------------------------------------


def _decimal(value: Any, field: str, errors: dict[str, Any]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except Exception:
        number = None
    if number is None or number < 0 or number > 60:
        errors[field] = [ValidationError(_("Give credits between 0 and 60."), code=ErrorCode.OUT_OF_RANGE)]
        return None
    return number


@transaction.atomic
def la_results_record(*, agreement_id: int, actor: User, rows: list[Any]) -> list[ComponentResult]:
    """The host's transcript (grade, credits obtained) and the home's recognition (recognised, credits, home grade)
    of the final version's components, by the sending coordinator; once every Table B component has a
    recognition decision, the agreement is recognised. `rows`: [{component, grade, credits_obtained, recognised,
    recognised_credits, home_grade, note}] — fields left out stay as they were."""
    agreement = _locked(agreement_id)
    if not can_record_results(actor, agreement):
        raise PermissionDenied(_("The home coordinator records results once a version is final."))
    if not isinstance(rows, list) or not rows:
        raise field_error("rows", _("Give at least one component's result."), ErrorCode.REQUIRED)
    final = agreement.final_version
    assert final is not None  # can_record_results
    components = {c.pk: c for c in LAComponent.objects.filter(version=final).exclude(status=ComponentStatus.DELETED)}
    errors: dict[str, list[ValidationError]] = {}
    saved = []
    transcript_changed = recognition_changed = False
    for index, row in enumerate(rows):
        key = row.get("component") if isinstance(row, dict) else None
        component = components.get(key) if isinstance(key, int) else None
        if component is None:
            errors[f"rows.{index}.component"] = [
                ValidationError(_("Choose a component of the final version."), code=ErrorCode.INVALID)
            ]
            continue
        result, _created = ComponentResult.objects.select_for_update().get_or_create(
            component=component, defaults={"agreement": agreement}
        )
        row_errors: dict[str, Any] = {}
        fields = []
        if "grade" in row:
            result.grade = str(row["grade"] or "").strip()[:20]
            fields.append("grade")
        if "credits_obtained" in row:
            result.credits_obtained = _decimal(row["credits_obtained"], f"rows.{index}.credits_obtained", row_errors)
            fields.append("credits_obtained")
        if fields:
            result.transcript_by = actor
            transcript_changed = True
        recognition = []
        if "recognised" in row:
            value = row["recognised"]
            if value is True or value is False or value is None:
                result.recognised = value
                recognition.append("recognised")
            else:
                row_errors[f"rows.{index}.recognised"] = [
                    ValidationError(_("Say whether it is recognised."), code=ErrorCode.INVALID)
                ]
        if "recognised_credits" in row:
            result.recognised_credits = _decimal(
                row["recognised_credits"], f"rows.{index}.recognised_credits", row_errors
            )
            recognition.append("recognised_credits")
        for name, limit in (("home_grade", 20), ("note", 500)):
            if name in row:
                setattr(result, name, str(row[name] or "").strip()[:limit])
                recognition.append(name)
        if recognition:
            result.recognised_by = actor
            recognition_changed = True
            if result.recognised and result.recognised_credits is None:
                result.recognised_credits = component.ects
        errors.update(row_errors)
        result.save()
        saved.append(result)
    if errors:
        raise ValidationError(errors)
    data = {
        "rows": [
            {
                "component": r.component_id,
                "code": r.component.code,
                "grade": r.grade,
                "credits_obtained": str(r.credits_obtained) if r.credits_obtained is not None else None,
                "recognised": r.recognised,
                "recognised_credits": str(r.recognised_credits) if r.recognised_credits is not None else None,
            }
            for r in saved
        ]
    }
    status_before = agreement.status
    table_b = [c for c in components.values() if c.table == ComponentTable.RECOGNISED]
    decided = ComponentResult.objects.filter(component__in=table_b, recognised__isnull=False).count()
    if table_b and decided == len(table_b) and agreement.status == LAStatus.FINAL:
        _set_status(agreement, LAStatus.RECOGNISED)
    if transcript_changed:
        la_event_record(
            case=agreement,
            action=LAEvent.Action.TRANSCRIPT_RECORDED,
            actor=actor,
            status_before=status_before,
            data=data,
        )
    if recognition_changed:
        la_event_record(
            case=agreement,
            action=LAEvent.Action.RECOGNITION_RECORDED,
            actor=actor,
            status_before=status_before,
            data=data,
        )
    if agreement.status == LAStatus.RECOGNISED and status_before != LAStatus.RECOGNISED:
        from learning import notifications

        notifications.recognised_notify(agreement=agreement)
    return saved


# --- reminders --------------------------------------------------------------------------------------------------


def signature_reminders_send(*, now: datetime | None = None) -> int:
    """Remind whoever has not signed a version waiting longer than LA_REMINDER_DAYS: the sending coordinators (in
    the app and by email, once a day per version), the receiving coordinator (a fresh link, at most every
    LA_REMINDER_DAYS), the participant of a change proposal nobody has signed yet. Idempotent per day."""
    from learning import notifications

    now = now or timezone.now()
    threshold = now - timedelta(days=settings.LA_REMINDER_DAYS)
    sent = 0
    waiting = LearningAgreement.objects.filter(
        status__in=(LAStatus.SIGNING, LAStatus.DRAFT), current_version__created_at__lte=threshold
    ).values_list("pk", flat=True)
    for agreement_id in list(waiting):
        with transaction.atomic():
            agreement = _locked(agreement_id)
            version = agreement.current_version
            if version is None:
                continue
            answers = _answers(version)
            reminded = []
            if agreement.status == LAStatus.DRAFT:
                if version.is_change and version.created_by_id != agreement.participant_id:
                    reminded.append(Party.STUDENT)
            elif Party.SENDING not in answers:
                reminded.append(Party.SENDING)
            day = now.date().isoformat()
            for party in reminded:
                if LAEvent.objects.filter(
                    agreement=agreement, action=LAEvent.Action.REMINDED, data__party=party, data__day=day
                ).exists():
                    continue  # reminded today already
                if notifications.reminder_notify(agreement=agreement, version=version, party=party, day=now.date()):
                    la_event_record(
                        case=agreement,
                        action=LAEvent.Action.REMINDED,
                        data={"party": party, "day": day},
                        version_number=version.number,
                    )
                    sent += 1
            if agreement.status == LAStatus.DRAFT:
                continue
            if Party.RECEIVING not in answers:
                last = SigningLink.objects.filter(agreement=agreement).order_by("-created_at").first()
                earlier = LAEvent.objects.filter(
                    agreement=agreement, action=LAEvent.Action.REMINDED, data__party=Party.RECEIVING
                )
                reminded_lately = (
                    earlier.filter(data__day=day).exists()
                    or earlier.filter(created_at__gt=now - timedelta(days=settings.LA_REMINDER_DAYS)).exists()
                )
                if (last is None or last.created_at <= threshold) and not reminded_lately:
                    _link_issue_rollback_unsafe(agreement, actor=None)
                    la_event_record(
                        case=agreement,
                        action=LAEvent.Action.REMINDED,
                        data={"party": Party.RECEIVING, "day": day},
                        version_number=version.number,
                    )
                    sent += 1
    return sent
