"""Drafts of agreements and the immutable versions of their terms; the timeline line every agreement service writes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Department, User
from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementVersion,
)
from agreements.permissions import (
    can_draft_agreement,
    can_edit_info,
    can_edit_terms,
)
from agreements.services.timeline import agreement_event_record as agreement_event_record  # re-exported
from agreements.terms import TERM_FIELDS, clean_terms, terms_sha256
from core.changes import field_changes
from core.errors import (
    AgreementNotDraft,
    ErrorCode,
    field_error,
)
from partners.models import PartnerInstitution

if TYPE_CHECKING:
    pass


INFO_FIELDS = (
    "number",
    "our_signatory_name",
    "our_signatory_position",
    "partner_signatory_name",
    "partner_signatory_position",
    "partner_signatory_email",
)


# --- drafts and versions ------------------------------------------------------------------------


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
    # An EWP approval covers one version of the terms (agreements/ewp/); imported here, not at the top, because
    # the EWP services import agreements.services.timeline, whose package imports this module.
    from agreements.ewp.services import ewp_terms_changed

    ewp_terms_changed(agreement=agreement, version=version, actor=actor)
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
        before = {name: getattr(agreement, name) for name in info_changes}
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
            # The changed fields with their old and new values: the timeline shows what changed.
            data={
                "fields": sorted(info_changes),
                "changes": field_changes(before, {name: getattr(agreement, name) for name in info_changes}),
            },
        )
    return agreement
