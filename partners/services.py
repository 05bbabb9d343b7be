"""Writes to the partner registry: a partner with its organisational units and contacts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ErrorCode, field_error
from partners.models import OrganisationalUnit, PartnerContact, PartnerInstitution
from partners.permissions import can_manage_partners

# What makes a row that points at a unit keep it from being removed (an agreement's unit is PROTECT).
KEEPING = (models.PROTECT, models.RESTRICT)


def _units_in_use(removed: models.QuerySet[OrganisationalUnit]) -> list[str]:
    """Names of the units among `removed` that rows of other apps still refer to. The registry does not
    know those apps (they sit above it): it asks every relation that protects a unit, one query each."""
    unit_ids: set[int] = set()
    for relation in OrganisationalUnit._meta.get_fields(include_hidden=True):
        if isinstance(relation, models.ForeignObjectRel) and relation.on_delete in KEEPING:
            referring = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": removed})
            unit_ids.update(referring.values_list(relation.field.attname, flat=True))
    return sorted(removed.filter(pk__in=unit_ids).values_list("name", flat=True))


def _partner_children(
    *, partner: PartnerInstitution, units: Iterable[str] | None, contacts: Iterable[Mapping[str, Any]] | None
) -> None:
    if units is not None:
        names = [str(u).strip() for u in units if str(u).strip()]
        removed = partner.units.exclude(name__in=names)
        in_use = _units_in_use(removed)
        if in_use:
            raise field_error(
                "units",
                _("These units are named in agreements and cannot be removed: %(names)s.")
                % {"names": ", ".join(in_use)},
                ErrorCode.UNIT_IN_USE,
            )
        removed.delete()
        for name in names:
            OrganisationalUnit.objects.get_or_create(partner=partner, name=name)
    if contacts is not None:
        partner.contacts.all().delete()
        for contact in contacts:
            row = PartnerContact(partner=partner, **contact)
            row.full_clean()
            row.save()


@transaction.atomic
def partner_create(
    *,
    actor: User | AnonymousUser,
    units: Iterable[str] | None = None,
    contacts: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> PartnerInstitution:
    if not can_manage_partners(actor):
        raise PermissionDenied(_("Only coordinators and administrators manage partners."))
    for key in ("erasmus_code", "schac_code"):
        fields[key] = fields.get(key) or None
    partner = PartnerInstitution(**fields)
    partner.full_clean()
    partner.save()
    _partner_children(partner=partner, units=units, contacts=contacts)
    return partner


@transaction.atomic
def partner_update(
    *,
    partner: PartnerInstitution,
    actor: User | AnonymousUser,
    units: Iterable[str] | None = None,
    contacts: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> PartnerInstitution:
    if not can_manage_partners(actor):
        raise PermissionDenied(_("Only coordinators and administrators manage partners."))
    partner = PartnerInstitution.objects.select_for_update().get(pk=partner.pk)
    for key in ("erasmus_code", "schac_code"):
        if key in fields:
            fields[key] = fields[key] or None
    for name, value in fields.items():
        setattr(partner, name, value)
    partner.full_clean()
    partner.save(update_fields=list(fields) or None)
    _partner_children(partner=partner, units=units, contacts=contacts)
    return partner
