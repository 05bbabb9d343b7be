"""Writes to agreements: drafts and their versions, the steps the agreement flow makes, quotas, and the
daily expiry/renewal sweep. The partner registry's writes are partners.services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.roles import Role, has_role
from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementQuota,
    AgreementStatus,
    AgreementVersion,
    Direction,
)
from agreements.notifications import agreement_expiry_notify
from agreements.permissions import (
    can_draft_agreement,
    can_edit_info,
    can_edit_terms,
    can_terminate,
)
from agreements.terms import TERM_FIELDS, academic_years, clean_terms, terms_sha256
from core.errors import (
    AgreementAlreadySubmitted,
    AgreementNotDraft,
    AgreementNotInForce,
    ErrorCode,
    field_error,
)
from partners.models import PartnerInstitution

if TYPE_CHECKING:
    from django.core.files.base import File

    from documents.models import Document

INFO_FIELDS = (
    "number",
    "our_signatory_name",
    "our_signatory_position",
    "partner_signatory_name",
    "partner_signatory_position",
    "partner_signatory_email",
)


# --- drafts and versions ------------------------------------------------------------------------


def agreement_event_record(
    *,
    agreement: Agreement,
    action: str,
    actor: User | None = None,
    step: str = "",
    comment: str = "",
    status_before: str = "",
    data: dict[str, Any] | None = None,
) -> AgreementEvent:
    version = agreement.current_version
    return AgreementEvent.objects.create(
        agreement=agreement,
        actor=actor,
        action=action,
        step=step,
        comment=comment,
        version=version,
        version_sha256=version.sha256 if version else "",
        status_before=status_before,
        status_after=agreement.status,
        data=data or {},
    )


def _validate_partner_refs(terms: dict[str, Any]) -> PartnerInstitution:
    try:
        partner = PartnerInstitution.objects.get(pk=terms["partner"])
    except PartnerInstitution.DoesNotExist:
        raise field_error("partner", _("Choose a partner institution."), ErrorCode.DOES_NOT_EXIST)
    if terms["partner_unit"] and not partner.units.filter(pk=terms["partner_unit"]).exists():
        raise field_error("partner_unit", _("Choose a unit of this partner."), ErrorCode.UNIT_NOT_OF_PARTNER)
    return partner


def _current_terms(agreement: Agreement) -> dict[str, Any]:
    """The terms of the current version, which every agreement has from its creation (`_apply_terms`)."""
    version = agreement.current_version
    assert version is not None, "an agreement gets version 1 of its terms when it is created"
    terms: dict[str, Any] = version.terms
    return terms


def _apply_terms(*, agreement: Agreement, terms: dict[str, Any], actor: User) -> AgreementVersion | None:
    """Make `terms` the current version unless they equal it; mirror them into the columns."""
    digest = terms_sha256(terms)
    current = agreement.current_version
    if current is not None and current.sha256 == digest:
        return None
    number = (current.number if current else 0) + 1
    version = AgreementVersion.objects.create(
        agreement=agreement, number=number, terms=terms, sha256=digest, created_by=actor
    )
    agreement.current_version = version
    agreement.title = terms["title"]
    agreement.type = terms["type"]
    agreement.partner_id = terms["partner"]
    agreement.partner_unit_id = terms["partner_unit"]
    agreement.start_date = date.fromisoformat(terms["start_date"])
    agreement.end_date = date.fromisoformat(terms["end_date"])
    agreement.save(
        update_fields=[
            "current_version",
            "title",
            "type",
            "partner",
            "partner_unit",
            "start_date",
            "end_date",
            "updated_at",
        ]
    )
    return version


@transaction.atomic
def agreement_create_draft(
    *, actor: User, department: Department, renewal_of: Agreement | None = None, **fields: Any
) -> Agreement:
    """A new draft with version 1 of its terms. `fields` are the terms (TERM_FIELDS) and general information."""
    if not can_draft_agreement(actor, department.pk):
        raise PermissionDenied(_("Only a coordinator of this department can draft its agreements."))
    unknown = set(fields) - set(TERM_FIELDS) - set(INFO_FIELDS)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be set."), code=ErrorCode.FIELD_NOT_SETTABLE) for f in unknown}
        )
    terms = clean_terms({k: fields.get(k) for k in TERM_FIELDS})
    _validate_partner_refs(terms)
    info = {k: fields[k] for k in INFO_FIELDS if k in fields}
    info["number"] = info.get("number") or None
    agreement = Agreement(
        department=department,
        created_by=actor,
        renewal_of=renewal_of,
        title=terms["title"],
        type=terms["type"],
        partner_id=terms["partner"],
        partner_unit_id=terms["partner_unit"],
        start_date=date.fromisoformat(terms["start_date"]),
        end_date=date.fromisoformat(terms["end_date"]),
        **info,
    )
    agreement.full_clean(exclude=["current_version"])
    agreement.save()
    _apply_terms(agreement=agreement, terms=terms, actor=actor)
    agreement_event_record(
        agreement=agreement,
        action=AgreementEvent.Action.CREATED,
        actor=actor,
        step="draft",
        data={"renewal_of": renewal_of.pk} if renewal_of else {},
    )
    return agreement


@transaction.atomic
def agreement_update(*, agreement: Agreement, actor: User, **fields: Any) -> Agreement:
    """Change terms (a new version, only while a draft) and/or general information (any time before it closes)."""
    agreement = Agreement.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=agreement.pk)
    unknown = set(fields) - set(TERM_FIELDS) - set(INFO_FIELDS)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be changed."), code=ErrorCode.FIELD_NOT_EDITABLE) for f in unknown}
        )
    term_changes = {k: v for k, v in fields.items() if k in TERM_FIELDS}
    info_changes = {k: v for k, v in fields.items() if k in INFO_FIELDS}
    status_before = agreement.status
    if term_changes:
        if not can_edit_terms(actor, agreement):
            if can_draft_agreement(actor, agreement.department_id):
                raise AgreementNotDraft()
            raise PermissionDenied(_("Only a coordinator of this department can change this agreement."))
        terms = clean_terms({**_current_terms(agreement), **term_changes})
        _validate_partner_refs(terms)
        version = _apply_terms(agreement=agreement, terms=terms, actor=actor)
        if version is not None:
            agreement_event_record(
                agreement=agreement,
                action=AgreementEvent.Action.TERMS_CHANGED,
                actor=actor,
                step="draft",
                status_before=status_before,
                data={"version": version.number},
            )
    if info_changes:
        if not can_edit_info(actor, agreement):
            raise PermissionDenied(_("Only a coordinator of this department can change this agreement."))
        if "number" in info_changes:
            info_changes["number"] = info_changes["number"] or None
        for name, value in info_changes.items():
            setattr(agreement, name, value)
        agreement.full_clean(exclude=["current_version"])
        try:
            with transaction.atomic():
                agreement.save(update_fields=[*info_changes, "updated_at"])
        except IntegrityError:
            raise field_error("number", _("Another agreement already has this number."), ErrorCode.DUPLICATE_NUMBER)
        agreement_event_record(
            agreement=agreement,
            action=AgreementEvent.Action.INFO_CHANGED,
            actor=actor,
            step=agreement.status,
            status_before=status_before,
            data={"fields": sorted(info_changes)},
        )
    return agreement


# --- submission and documents -------------------------------------------------------------------

AGREEMENT_UPLOAD_KINDS = ("agreement_draft", "other")


def agreement_submit(*, agreement: Agreement, actor: User) -> Agreement:
    """The drafter's part of submitting a draft for approval, or resubmitting one that was sent back: check it.
    Runs inside workflows.services.case_submit, which then starts the agreement flow or completes its revision
    step, and records the submission (agreement_submitted_record)."""
    agreement = Agreement.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=agreement.pk)
    if not can_draft_agreement(actor, agreement.department_id):
        raise PermissionDenied(_("Only a coordinator of this department can submit this agreement."))
    if agreement.status != AgreementStatus.DRAFT:
        raise AgreementAlreadySubmitted()
    if not _current_terms(agreement)["conditions"] and agreement.type != "mou":
        raise field_error("conditions", _("Add at least one cooperation condition."), ErrorCode.NO_CONDITIONS)
    return agreement


def agreement_submitted_record(
    *, agreement: Agreement, actor: User, status_before: str, resubmitted: bool
) -> AgreementEvent:
    action = AgreementEvent.Action.RESUBMITTED if resubmitted else AgreementEvent.Action.SUBMITTED
    return agreement_event_record(
        agreement=agreement, action=action, actor=actor, step="draft", status_before=status_before
    )


def agreement_document_attach(*, agreement: Agreement, actor: User, kind: str, file: File[bytes]) -> Document:
    """A draft text or supporting file, as the next version of its kind (coordinators of the department)."""
    from documents.services import atomic_storing, document_store

    with atomic_storing():
        agreement = (
            Agreement.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=agreement.pk)
        )
        if not can_edit_info(actor, agreement):
            raise PermissionDenied(_("Only a coordinator of this department can add documents to this agreement."))
        document = document_store(
            case=agreement, kind=kind, file=file, actor=actor, allowed_kinds=AGREEMENT_UPLOAD_KINDS
        )
        agreement_event_record(
            agreement=agreement,
            action=AgreementEvent.Action.DOCUMENT_UPLOADED,
            actor=actor,
            step=agreement.status,
            status_before=agreement.status,
            data={"kind": kind, "version": document.version, "document_id": document.pk, "sha256": document.sha256},
        )
    return document


def agreement_signed_copy_store(*, agreement: Agreement, actor: User, file: File[bytes]) -> Document:
    """Store the copy signed by both sides; called by the flow's upload step inside its transaction."""
    from documents.services import document_store

    return document_store(
        case=agreement, kind="signed_agreement", file=file, actor=actor, allowed_kinds=["signed_agreement"]
    )


# --- steps of the agreement flow ---------------------------------------------------------------


def agreement_enter_status(*, agreement: Agreement, status: str) -> None:
    """Called by the agreement flow when the case reaches a step; runs inside the flow's transaction."""
    agreement.status = status
    agreement.save(update_fields=["status", "updated_at"])


def agreement_activate(*, agreement: Agreement) -> None:
    """Signed by both sides: active, with its quotas per academic year; a renewal supersedes its predecessor."""
    status_before = agreement.status
    agreement.status = AgreementStatus.ACTIVE
    agreement.save(update_fields=["status", "updated_at"])
    agreement_quotas_materialise(agreement=agreement)
    agreement_event_record(agreement=agreement, action=AgreementEvent.Action.ACTIVATED, status_before=status_before)
    predecessor = agreement.renewal_of
    if predecessor is not None and predecessor.status not in (AgreementStatus.SUPERSEDED, AgreementStatus.WITHDRAWN):
        before = predecessor.status
        predecessor.status = AgreementStatus.SUPERSEDED
        predecessor.save(update_fields=["status", "updated_at"])
        agreement_event_record(
            agreement=predecessor,
            action=AgreementEvent.Action.SUPERSEDED,
            status_before=before,
            data={"renewal": agreement.pk},
        )


def agreement_quotas_materialise(*, agreement: Agreement) -> None:
    """One quota row per academic year, direction and category of the current version's conditions."""
    for condition in _current_terms(agreement)["conditions"]:
        for year in academic_years(condition["first_academic_year"], condition["last_academic_year"]):
            quota, created = AgreementQuota.objects.get_or_create(
                agreement=agreement,
                academic_year=year,
                direction=condition["direction"],
                category=condition["category"],
                defaults={"places": condition["mobilities_per_year"]},
            )
            if not created and quota.places != condition["mobilities_per_year"]:
                # Never below what is already approved: the CHECK constraint would refuse it anyway.
                quota.places = max(condition["mobilities_per_year"], quota.used)
                quota.save(update_fields=["places"])


def agreement_withdraw(*, agreement: Agreement) -> None:
    agreement.status = AgreementStatus.WITHDRAWN
    agreement.save(update_fields=["status", "updated_at"])


def quota_consume_rollback_unsafe(*, quota_id: int) -> bool:
    """Take one place of a quota inside the caller's transaction (the caller holds the row lock);
    False when none is left or the agreement no longer offers places."""
    updated = AgreementQuota.objects.filter(
        pk=quota_id,
        used__lt=F("places"),
        agreement__status__in=[AgreementStatus.ACTIVE, AgreementStatus.EXPIRING],
    ).update(used=F("used") + 1)
    return bool(updated)


@transaction.atomic
def agreement_terminate(*, agreement: Agreement, actor: User, reason: str) -> Agreement:
    """End an agreement in force before its end date: it offers no more places (approved mobilities stay)."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Give the reason for the termination."), ErrorCode.REASON_REQUIRED)
    agreement = Agreement.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=agreement.pk)
    if not can_terminate(actor, agreement):
        if has_role(actor, Role.PRORECTOR, Role.ADMIN):
            raise AgreementNotInForce()
        raise PermissionDenied(_("Only the prorector or an administrator can terminate an agreement."))
    status_before = agreement.status
    agreement.status = AgreementStatus.TERMINATED
    agreement.terminated_on = timezone.localdate()
    agreement.save(update_fields=["status", "terminated_on", "updated_at"])
    agreement_event_record(
        agreement=agreement,
        action=AgreementEvent.Action.TERMINATED,
        actor=actor,
        step="active",
        comment=reason,
        status_before=status_before,
    )
    return agreement


# --- expiry and renewal -------------------------------------------------------------------------


def agreement_start_renewal(*, agreement: Agreement) -> Agreement | None:
    """A new draft prefilled from `agreement` and linked to it; None if one already exists."""
    if Agreement.objects.filter(renewal_of=agreement).exists():
        return None
    old = _current_terms(agreement)
    length = agreement.end_date - agreement.start_date
    start = agreement.end_date + timedelta(days=1)
    shift = start.year - agreement.start_date.year
    conditions = []
    for c in old["conditions"]:
        first = int(c["first_academic_year"][:4]) + shift
        last = int(c["last_academic_year"][:4]) + shift
        conditions.append(
            {
                **c,
                "first_academic_year": f"{first}/{(first + 1) % 100:02d}",
                "last_academic_year": f"{last}/{(last + 1) % 100:02d}",
            }
        )
    terms = clean_terms(
        {
            **old,
            "title": old["title"],
            "start_date": start,
            "end_date": start + length,
            "conditions": conditions,
        }
    )
    renewal = Agreement(
        department_id=agreement.department_id,
        created_by=agreement.created_by,
        renewal_of=agreement,
        title=terms["title"],
        type=terms["type"],
        partner_id=terms["partner"],
        partner_unit_id=terms["partner_unit"],
        start_date=date.fromisoformat(terms["start_date"]),
        end_date=date.fromisoformat(terms["end_date"]),
        our_signatory_name=agreement.our_signatory_name,
        our_signatory_position=agreement.our_signatory_position,
        partner_signatory_name=agreement.partner_signatory_name,
        partner_signatory_position=agreement.partner_signatory_position,
        partner_signatory_email=agreement.partner_signatory_email,
    )
    try:
        with transaction.atomic():
            renewal.save()
    except IntegrityError:
        return None  # a concurrent sweep started it first (renewal_of is one-to-one)
    _apply_terms(agreement=renewal, terms=terms, actor=agreement.created_by)
    agreement_event_record(
        agreement=renewal, action=AgreementEvent.Action.CREATED, step="draft", data={"renewal_of": agreement.pk}
    )
    agreement_event_record(
        agreement=agreement,
        action=AgreementEvent.Action.RENEWAL_STARTED,
        status_before=agreement.status,
        data={"renewal": renewal.pk},
    )
    return renewal


def agreements_expiry_sweep(*, today: date | None = None, window_days: int | None = None) -> dict[str, int]:
    """Mark active agreements ending within the window as expiring (starting their renewal) and past
    ones as expired. Idempotent: each agreement is handled in its own locked transaction."""
    today = today or timezone.localdate()
    window = settings.AGREEMENT_EXPIRY_WINDOW_DAYS if window_days is None else window_days
    counts = {"expiring": 0, "renewals": 0, "expired": 0}
    candidates = Agreement.objects.filter(
        status__in=[AgreementStatus.ACTIVE, AgreementStatus.EXPIRING], end_date__lte=today + timedelta(days=window)
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=pk)
            before = agreement.status
            if agreement.end_date < today:
                if before in (AgreementStatus.ACTIVE, AgreementStatus.EXPIRING):
                    agreement.status = AgreementStatus.EXPIRED
                    agreement.save(update_fields=["status", "updated_at"])
                    agreement_event_record(
                        agreement=agreement, action=AgreementEvent.Action.EXPIRED, status_before=before
                    )
                    agreement_expiry_notify(agreement=agreement, expired=True)
                    counts["expired"] += 1
                continue
            if before == AgreementStatus.ACTIVE:
                agreement.status = AgreementStatus.EXPIRING
                agreement.save(update_fields=["status", "updated_at"])
                agreement_event_record(
                    agreement=agreement,
                    action=AgreementEvent.Action.EXPIRING,
                    status_before=before,
                    data={"end_date": agreement.end_date.isoformat()},
                )
                agreement_expiry_notify(agreement=agreement, expired=False)
                counts["expiring"] += 1
            if agreement_start_renewal(agreement=agreement) is not None:
                counts["renewals"] += 1
    return counts


def outgoing_quota_for(*, partner_id: int, academic_year: str, category: str) -> AgreementQuota | None:
    """The outgoing quota a call's places at a partner come from: the place-offering agreement ending last."""
    return (
        AgreementQuota.objects.filter(
            agreement__partner_id=partner_id,
            agreement__status__in=[AgreementStatus.ACTIVE, AgreementStatus.EXPIRING],
            academic_year=academic_year,
            direction=Direction.OUTGOING,
            category=category,
        )
        .order_by("-agreement__end_date", "-pk")
        .first()
    )


# --- decision letter ------------------------------------------------------------------------------


def agreement_decision_letter_schedule(*, agreement: Agreement) -> None:
    """Called when the prorector approves: the letter is rendered by a worker once the decision commits."""
    from agreements.tasks import agreement_decision_letter_task
    from core.effects import on_commit_delay

    on_commit_delay(agreement_decision_letter_task, agreement.pk)


def agreement_decision_letter_generate(*, agreement_id: int) -> Document | None:
    """Render and store the letter of the prorector's approval, once (a retry returns the stored letter).
    It names the version of the terms (and its hash) the approval covered."""
    from documents.letters import DecisionLetter, LetterStep, render_decision_letter
    from documents.models import DocumentKind
    from documents.services import atomic_storing, case_documents, document_store_generated

    agreement = Agreement.objects.select_related("partner", "department").filter(pk=agreement_id).first()
    if agreement is None:
        return None
    existing = case_documents(agreement).filter(kind=DocumentKind.DECISION_LETTER).first()
    if existing is not None:
        return existing
    approval = (
        agreement.events.filter(action=AgreementEvent.Action.APPROVED, step="prorector_review")
        .select_related("version")
        .order_by("-created_at", "-pk")
        .first()
    )
    if approval is None:
        return None
    decisions = agreement.events.select_related("actor").filter(
        action__in=[AgreementEvent.Action.APPROVED, AgreementEvent.Action.CHANGES_REQUESTED],
        created_at__lte=approval.created_at,
    )
    letter = DecisionLetter(
        case_number=agreement.number or f"#{agreement.pk}",
        reference=f"AGR-{agreement.pk}",
        decision="approved",
        decided_at=approval.created_at,
        applicant=agreement.partner.name,
        call=agreement.title,
        department=agreement.department.name,
        steps=[
            LetterStep(
                step=event.step,
                actor=(event.actor.get_full_name() or event.actor.get_username()) if event.actor else "—",
                decided_at=event.created_at,
                decision=event.action,
                comment=event.comment,
            )
            for event in decisions.order_by("created_at", "pk")
        ],
        case_kind="agreement",
        terms_version=f"v{approval.version.number} · SHA-256 {approval.version_sha256}" if approval.version else "",
    )
    content = render_decision_letter(letter)
    with atomic_storing():
        document, created = document_store_generated(
            case=agreement,
            kind=DocumentKind.DECISION_LETTER,
            content=content,
            name=f"agreement-{agreement.pk}-letter.pdf",
        )
        if created:
            agreement_event_record(
                agreement=agreement,
                action=AgreementEvent.Action.DOCUMENT_UPLOADED,
                step=agreement.status,
                status_before=agreement.status,
                data={"kind": document.kind, "version": 1, "document_id": document.pk, "sha256": document.sha256},
            )
    return document
