"""Reads of partners and agreements, permission-checked, in a constant number of queries."""

from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import has_role, user_department_ids
from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementQuota,
    AgreementVersion,
    PartnerInstitution,
)
from agreements.permissions import ALL_AGREEMENTS_ROLES, can_read_partners, can_view_agreement


def partner_list(*, user, search: str = "", country: str = "", city: str = "", erasmus_code: str = ""):
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


def access_partner(*, user, partner_id) -> PartnerInstitution:
    try:
        return partner_list(user=user).get(pk=partner_id)
    except (PartnerInstitution.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such partner."))


def agreement_list(
    *,
    user,
    status: str = "",
    type: str = "",
    partner_id=None,
    country: str = "",
    department_id=None,
    expiring_within_days: int | None = None,
) -> QuerySet[Agreement]:
    qs = Agreement.objects.select_related("partner", "department", "current_version", "renewal_of")
    if not has_role(user, *ALL_AGREEMENTS_ROLES):
        qs = qs.filter(department_id__in=user_department_ids(user))
    if status:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type=type)
    if partner_id:
        qs = qs.filter(partner_id=partner_id)
    if country:
        qs = qs.filter(partner__country=country.upper())
    if department_id:
        qs = qs.filter(department_id=department_id)
    if expiring_within_days is not None:
        today = timezone.localdate()
        qs = qs.filter(
            status__in=["active", "expiring"],
            end_date__gte=today,
            end_date__lte=today + timedelta(days=expiring_within_days),
        )
    return qs.order_by("end_date", "pk")


def access_agreement(*, user, agreement_id) -> Agreement:
    """The agreement if the user may see it; one 404 for missing and not-yours."""
    try:
        agreement = Agreement.objects.select_related(
            "partner", "partner_unit", "department", "current_version", "renewal_of", "created_by"
        ).get(pk=agreement_id)
    except (Agreement.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such agreement."))
    if not can_view_agreement(user, agreement):
        raise Http404(_("No such agreement."))
    return agreement


def agreement_versions(*, agreement: Agreement) -> QuerySet[AgreementVersion]:
    return agreement.versions.select_related("created_by").order_by("number")


def agreement_events(*, agreement: Agreement) -> QuerySet[AgreementEvent]:
    return agreement.events.select_related("actor", "version").order_by("created_at", "pk")


def agreement_quota_rows(*, agreement: Agreement) -> list[AgreementQuota]:
    return list(agreement.quotas.order_by("academic_year", "direction", "category"))


def partner_agreements(*, user, partner: PartnerInstitution) -> QuerySet[Agreement]:
    return agreement_list(user=user, partner_id=partner.pk).prefetch_related(
        Prefetch("quotas", queryset=AgreementQuota.objects.order_by("academic_year", "direction", "category"))
    )
