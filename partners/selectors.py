"""Reads of the partner registry, permission-checked, in a constant number of queries."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from partners.models import OrganisationalUnit, PartnerInstitution
from partners.permissions import can_read_partners


def partner_list(
    *, user: User | AnonymousUser, search: str = "", country: str = "", city: str = "", erasmus_code: str = ""
) -> QuerySet[PartnerInstitution]:
    if not can_read_partners(user):
        raise Http404(_("No such page."))
    qs = PartnerInstitution.objects.prefetch_related("units", "contacts").order_by("name")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(name_az__icontains=search))
    if country:
        qs = qs.filter(country=country.upper())
    if city:
        qs = qs.filter(city__icontains=city)
    if erasmus_code:
        qs = qs.filter(erasmus_code__icontains=erasmus_code)
    return qs


def access_partner(*, user: User | AnonymousUser, partner_id: int | str) -> PartnerInstitution:
    try:
        return partner_list(user=user).get(pk=partner_id)
    except (PartnerInstitution.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such partner."))


def partner_and_unit_names(
    *, partner_ids: Iterable[int | None], unit_ids: Iterable[int | None]
) -> tuple[dict[int, str], dict[int, str]]:
    """Names of partners and units that versions of terms refer to by id (for diffs of old versions)."""
    partners = dict(PartnerInstitution.objects.filter(pk__in=[i for i in partner_ids if i]).values_list("pk", "name"))
    units = dict(OrganisationalUnit.objects.filter(pk__in=[i for i in unit_ids if i]).values_list("pk", "name"))
    return partners, units
