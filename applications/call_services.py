"""Writes to mobility calls as the office manages them in pages and the API: create and change a call, take its
places from the agreements' quotas or set them by hand with a reason. Each service checks who asks
(applications.permissions), owns its transaction and writes the call's audit line (CallEvent)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Department, User
from applications.models import Audience, Call, CallEvent, CallPlace, MobilityType
from applications.permissions import can_create_call, can_edit_call, can_manage_call_for
from applications.selectors import call_quotas_by_partner
from core.errors import ErrorCode, field_error
from documents.models import APPLICATION_UPLOAD_KINDS, DocumentKind
from partners.models import PartnerInstitution

CALL_FIELDS = (
    "title",
    "programme",
    "mobility_type",
    "audience",
    "academic_year",
    "term",
    "opens_at",
    "closes_at",
    "min_year_of_study",
    "min_gpa",
    "min_language_level",
    "eligibility_notes",
    "required_documents",
    "selection_mode",
)
# What a call's applications were made under: their form (audience), their places' quotas (type, year) and their
# approval chain (selection mode). None of it changes once someone has applied.
CALL_FIELDS_LOCKED_ONCE_APPLIED = ("audience", "mobility_type", "academic_year", "selection_mode")
MOBILITY_TYPES_OF = {
    Audience.STUDENTS: (MobilityType.STUDY, MobilityType.TRAINEESHIP),
    Audience.STAFF: (MobilityType.TEACHING, MobilityType.TRAINING),
}


# --- places -------------------------------------------------------------------------------------


@dataclass
class PlacesFeed:
    """What taking a call's places from the agreements' quotas did: the partners whose places were created or
    updated, those left alone because their places are set by hand (with the reason), and how many quotas exist."""

    quotas: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept_by_hand: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.created) + len(self.updated)

    def summary(self) -> str:
        """One sentence per outcome, as the call's page and the admin say it (never a bare "0 updated")."""
        parts = []
        if not self.quotas:
            parts.append(
                _("No agreement in force has an outgoing quota for this call's academic year and mobility type.")
            )
        if self.created:
            parts.append(_("Places added from the agreements: %(partners)s.") % {"partners": ", ".join(self.created)})
        if self.updated:
            parts.append(_("Places updated from the agreements: %(partners)s.") % {"partners": ", ".join(self.updated)})
        for partner, reason in self.kept_by_hand:
            parts.append(
                _("%(partner)s keeps its places set by hand (%(reason)s): its agreement quota is not used.")
                % {"partner": partner, "reason": reason or _("no reason was recorded")}
            )
        if self.quotas and not self.changed and not self.kept_by_hand:
            parts.append(_("The places already follow the agreements' quotas; nothing changed."))
        return " ".join(parts)


def places_from_quotas(*, call: Call) -> PlacesFeed:
    """Offer the call's places from the agreements' quotas (call_quotas_by_partner); places set by hand stay as
    they are, and are named. Runs in the caller's transaction (it locks the call's places)."""
    quotas = call_quotas_by_partner(call=call)
    existing = {p.partner_id: p for p in CallPlace.objects.select_for_update().filter(call=call)}
    feed = PlacesFeed(quotas=len(quotas))
    for partner_id, quota in quotas.items():
        partner_name = quota.agreement.partner.name
        place = existing.get(partner_id)
        if place is None:
            CallPlace.objects.create(call=call, partner_id=partner_id, places=quota.places, quota=quota)
            feed.created.append(partner_name)
        elif place.quota_id is None:
            feed.kept_by_hand.append((partner_name, place.manual_reason))
        elif place.quota_id != quota.pk or place.places != max(quota.places, place.places_taken):
            place.quota = quota
            place.places = max(quota.places, place.places_taken)
            place.save(update_fields=["quota", "places"])
            feed.updated.append(partner_name)
    return feed


@transaction.atomic
def call_places_from_agreements(*, call: Call) -> int:
    """Offer the call's places from the active agreements' outgoing quotas for its academic year and category;
    places set by hand (no quota) stay as they are. Returns the places created or updated. (The office's pages
    use call_places_take_from_agreements, which checks who asks, records it and explains what happened.)"""
    return places_from_quotas(call=call).changed


# --- calls --------------------------------------------------------------------------------------


def _call_check(call: Call) -> None:
    """The rules of a call beyond its fields' own: the type fits the audience, no student rules on a staff call,
    document kinds from the list (a staff call always asks for the mobility agreement / programme), the deadline
    after the opening."""
    errors: dict[str, list[ValidationError]] = {}

    def add(name: str, message: str, code: ErrorCode) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    allowed = MOBILITY_TYPES_OF.get(Audience(call.audience)) if call.audience in Audience.values else None
    if allowed is not None and call.mobility_type not in allowed:
        add(
            "mobility_type",
            _("This audience's calls offer: %(types)s.") % {"types": ", ".join(str(t.label) for t in allowed)},
            ErrorCode.CALL_TYPE_AUDIENCE,
        )
    if call.audience == Audience.STAFF:
        for name in ("min_gpa", "min_year_of_study"):
            if getattr(call, name) is not None:
                add(name, _("Staff mobility has no GPA or year-of-study rule."), ErrorCode.CALL_RULE_NOT_FOR_STAFF)
    kinds = call.required_documents if isinstance(call.required_documents, list) else None
    if kinds is None or any(k not in APPLICATION_UPLOAD_KINDS for k in kinds):
        add("required_documents", _("Choose document kinds from the list."), ErrorCode.DOCUMENT_KIND)
    else:
        kinds = list(dict.fromkeys(kinds))
        if call.audience == Audience.STAFF and DocumentKind.PROGRAMME not in kinds:
            kinds.append(DocumentKind.PROGRAMME)
        call.required_documents = [str(k) for k in kinds]
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        add("closes_at", _("The deadline must come after the opening."), ErrorCode.PERIOD_ORDER)
    try:
        call.full_clean(exclude=list(errors), validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.error_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _call_departments_check(*, actor: User, departments: Sequence[Department]) -> None:
    if can_manage_call_for(actor, [d.pk for d in departments]):
        return
    if not departments:
        raise field_error("departments", _("Choose the departments whose call this is."), ErrorCode.DEPARTMENT_REQUIRED)
    raise field_error(
        "departments", _("You can manage calls of your own departments only."), ErrorCode.CALL_DEPARTMENT_NOT_YOURS
    )


def _unknown_call_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise ValidationError(
            {f: ValidationError(_("This field cannot be set."), code=ErrorCode.FIELD_NOT_SETTABLE) for f in unknown}
        )


def _audit_value(value: Any) -> Any:
    """A field's value as the audit trail keeps it (JSON)."""
    if value is None or isinstance(value, (bool, int, str, list)):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _refuse_unless_editable(*, actor: User, call: Call) -> None:
    if not can_edit_call(actor, call):
        raise PermissionDenied(_("You can change calls of your own departments only."))


def call_event_record(
    *, call: Call, action: str, actor: User | None, comment: str = "", data: dict[str, Any] | None = None
) -> CallEvent:
    """Append one line to the call's audit trail, in the caller's transaction."""
    return CallEvent.objects.create(call=call, actor=actor, action=action, comment=comment, data=data or {})


@transaction.atomic
def call_create(*, actor: User, departments: Sequence[Department] = (), **fields: Any) -> Call:
    """A new call for these departments (none: university-wide, the prorector's office only), audited."""
    if not can_create_call(actor):
        raise PermissionDenied(_("Only the International Relations Office can create calls."))
    _unknown_call_fields(fields)
    _call_departments_check(actor=actor, departments=departments)
    call = Call(**fields)
    _call_check(call)
    call.save()
    call.departments.set(departments)
    call_event_record(
        call=call,
        action=CallEvent.Action.CREATED,
        actor=actor,
        data={
            "fields": {name: _audit_value(getattr(call, name)) for name in CALL_FIELDS},
            "departments": sorted(d.code for d in departments),
        },
    )
    return call


@transaction.atomic
def call_update(*, call: Call, actor: User, departments: Sequence[Department] | None = None, **fields: Any) -> Call:
    """Change a call: its rules, dates, documents and owners. What its applications were made under (audience,
    type, year, selection mode) is locked once anyone applied. Each change is audited with its old and new value."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    _refuse_unless_editable(actor=actor, call=call)
    _unknown_call_fields(fields)
    before = {name: getattr(call, name) for name in CALL_FIELDS}
    old_departments = sorted(d.code for d in call.departments.all())
    if departments is not None:
        _call_departments_check(actor=actor, departments=departments)
    locked = [n for n, v in fields.items() if n in CALL_FIELDS_LOCKED_ONCE_APPLIED and v != before[n]]
    if locked and call.applications.exists():
        raise ValidationError(
            {
                name: ValidationError(
                    _("This cannot change once someone has applied to the call."), code=ErrorCode.CALL_FIELD_LOCKED
                )
                for name in locked
            }
        )
    for name, value in fields.items():
        setattr(call, name, value)
    _call_check(call)
    changes = {
        name: [_audit_value(before[name]), _audit_value(getattr(call, name))]
        for name in CALL_FIELDS
        if getattr(call, name) != before[name]
    }
    data: dict[str, Any] = {}
    if changes:
        call.save(update_fields=list(changes))
        data["changes"] = changes
    new_departments = sorted(d.code for d in departments) if departments is not None else old_departments
    if new_departments != old_departments:
        call.departments.set(departments or [])
        data["departments"] = [old_departments, new_departments]
    if {"academic_year", "mobility_type"} & set(changes):
        # Nobody has applied (the fields are locked otherwise): the old year's or type's quotas no longer apply.
        removed, _counts = CallPlace.objects.filter(call=call, quota__isnull=False).delete()
        data["quota_places_removed"] = removed
    if data:
        call_event_record(call=call, action=CallEvent.Action.UPDATED, actor=actor, data=data)
    return call


@transaction.atomic
def call_places_take_from_agreements(*, call: Call, actor: User) -> PlacesFeed:
    """The office takes the call's places from the agreements' quotas (places set by hand stay, and are named)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    _refuse_unless_editable(actor=actor, call=call)
    feed = places_from_quotas(call=call)
    call_event_record(
        call=call,
        action=CallEvent.Action.PLACES_FROM_AGREEMENTS,
        actor=actor,
        data={
            "quotas": feed.quotas,
            "created": feed.created,
            "updated": feed.updated,
            "kept_by_hand": [list(kept) for kept in feed.kept_by_hand],
        },
    )
    return feed


@transaction.atomic
def call_place_set_by_hand(
    *, call: Call, actor: User, partner: PartnerInstitution, places: int, reason: str
) -> CallPlace:
    """Set a partner's places by hand, with the reason the page shows; the agreement quota no longer feeds them
    (the page warns while one exists)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    _refuse_unless_editable(actor=actor, call=call)
    reason = reason.strip()
    if not reason:
        raise field_error("reason", _("Say why the places are set by hand."), ErrorCode.REASON_REQUIRED)
    place = CallPlace.objects.select_for_update().filter(call=call, partner=partner).first()
    if place is not None and places < place.places_taken:
        raise field_error(
            "places",
            _("%(taken)s places are already taken; set at least that many.") % {"taken": place.places_taken},
            ErrorCode.PLACES_BELOW_TAKEN,
        )
    before = {"places": place.places, "quota_id": place.quota_id} if place is not None else None
    if place is None:
        place = CallPlace(call=call, partner=partner)
    place.places = places
    place.quota = None
    place.manual_reason = reason
    place.full_clean(exclude=["call", "partner", "quota"], validate_constraints=False)
    place.save()
    call_event_record(
        call=call,
        action=CallEvent.Action.PLACES_SET_BY_HAND,
        actor=actor,
        comment=reason,
        data={"partner": partner.name, "partner_id": partner.pk, "places": places, "before": before},
    )
    return place


@transaction.atomic
def call_place_use_quota(*, call: Call, actor: User, partner: PartnerInstitution) -> CallPlace:
    """Let the partner's agreement quota feed its places again (undoing a setting by hand)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    _refuse_unless_editable(actor=actor, call=call)
    quota = call_quotas_by_partner(call=call).get(partner.pk)
    if quota is None:
        raise field_error(
            "partner", _("No agreement in force offers this partner's places to this call."), ErrorCode.INVALID
        )
    place = CallPlace.objects.select_for_update().filter(call=call, partner=partner).first()
    before = {"places": place.places, "reason": place.manual_reason} if place is not None else None
    if place is None:
        place = CallPlace(call=call, partner=partner)
    place.quota = quota
    place.places = max(quota.places, place.places_taken)
    place.manual_reason = ""
    place.save()
    call_event_record(
        call=call,
        action=CallEvent.Action.PLACES_FROM_AGREEMENTS,
        actor=actor,
        data={"partner": partner.name, "partner_id": partner.pk, "places": place.places, "before": before},
    )
    return place
