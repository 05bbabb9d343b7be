"""Reads of agreements (and of a partner's agreements and mobilities), permission-checked, in a constant
number of queries. The partner registry's own reads are partners.selectors."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.roles import Role, has_role, user_department_ids
from agreements.ewp.models import EwpStatus
from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementQuota,
    AgreementType,
    AgreementVersion,
)
from agreements.permissions import ALL_AGREEMENTS_ROLES, can_view_agreement
from applications.models import Application, ApplicationStatus
from applications.selectors import application_list
from core.errors import ErrorCode, field_error
from documents.models import Document
from partners.models import PartnerInstitution
from partners.permissions import can_read_partners
from workflows.selectors import case_documents


def agreement_list(
    *,
    user: User | AnonymousUser,
    status: str = "",
    type: str = "",
    partner_id: int | None = None,
    country: str = "",
    department_id: int | None = None,
    expiring_within_days: int | None = None,
    ewp_status: str = "",
) -> QuerySet[Agreement]:
    qs = Agreement.objects.select_related("partner", "department", "current_version", "renewal_of", "ewp_exchange")
    if not can_read_partners(user):
        return qs.none()  # students see no agreements
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
    if ewp_status:
        # Erasmus+ agreements only; one never exchanged has no exchange row yet.
        qs = qs.filter(type=AgreementType.ERASMUS_IIA)
        if ewp_status == EwpStatus.NOT_EXCHANGED:
            qs = qs.filter(Q(ewp_exchange__isnull=True) | Q(ewp_exchange__status=ewp_status))
        else:
            qs = qs.filter(ewp_exchange__status=ewp_status)
    if expiring_within_days is not None:
        today = timezone.localdate()
        qs = qs.filter(
            status__in=["active", "expiring"],
            end_date__gte=today,
            end_date__lte=today + timedelta(days=expiring_within_days),
        )
    return qs.order_by("end_date", "pk")


def access_agreement(*, user: User | AnonymousUser, agreement_id: int | str) -> Agreement:
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


# Outgoing before incoming ("outgoing" sorts after "incoming", hence the descending order).
QUOTA_ORDER = ("academic_year", "-direction", "category")


def agreement_quota_rows(*, agreement: Agreement) -> list[AgreementQuota]:
    return list(agreement.quotas.order_by(*QUOTA_ORDER))


def partner_agreements(*, user: User | AnonymousUser, partner: PartnerInstitution) -> QuerySet[Agreement]:
    return agreement_list(user=user, partner_id=partner.pk).prefetch_related(
        Prefetch("quotas", queryset=AgreementQuota.objects.order_by(*QUOTA_ORDER))
    )


# --- added for the agreement pages and API --------------------------------------------------------


def agreement_list_visible(*, user: User | AnonymousUser, **filters: Any) -> QuerySet[Agreement]:
    """agreement_list for the pages and API: the same 404 as a missing page for those who may see no
    agreements at all (students)."""
    if not can_read_partners(user):
        raise Http404(_("No such page."))
    return agreement_list(user=user, **filters)


def agreement_documents(*, agreement: Agreement) -> QuerySet[Document]:
    """Every version of every document of the agreement (drafts, signed copies, other), newest first per kind."""
    return case_documents(case=agreement)


def partner_mobilities(*, user: User, partner: PartnerInstitution) -> QuerySet[Application]:
    """Approved mobility applications nominated to this partner, among those the user may see."""
    return (
        application_list(user=user)
        .filter(status=ApplicationStatus.APPROVED, nominated_place__partner=partner)
        .order_by("-decided_at", "-pk")
    )


def drafting_departments(*, user: User | AnonymousUser) -> QuerySet[Department]:
    """The departments whose agreements this user may draft (a coordinator's own)."""
    if not has_role(user, Role.COORDINATOR):
        return Department.objects.none()
    return Department.objects.filter(pk__in=user_department_ids(user)).order_by("name")


def draft_department(*, user: User | AnonymousUser, department_id: int | None = None) -> Department:
    """The department a new draft is for: the one named (a field error if there is no such department) or,
    when none is named, the coordinator's only one. Whether the user may draft for it is the service's check."""
    if department_id is None:
        departments = list(drafting_departments(user=user)[:2])
        if not departments:
            raise PermissionDenied(_("Only coordinators draft agreements."))
        if len(departments) > 1:
            raise field_error(
                "department", _("Choose the department that owns the agreement."), ErrorCode.DEPARTMENT_REQUIRED
            )
        return departments[0]
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise field_error("department", _("No such department."), ErrorCode.DOES_NOT_EXIST)
    return department


def agreement_detail(*, user: User | AnonymousUser, agreement_id: int | str) -> Agreement:
    """access_agreement with what the API's detail shows beyond the row, fetched here so that serializing it runs
    no query: its quotas, its documents (`detail_documents`) and the agreement renewing it (`detail_renewal_id`)."""
    agreement = access_agreement(user=user, agreement_id=agreement_id)
    prefetch_related_objects([agreement], "quotas")
    agreement.detail_documents = list(agreement_documents(agreement=agreement))  # type: ignore[attr-defined]
    agreement.detail_renewal_id = (  # type: ignore[attr-defined]
        Agreement.objects.filter(renewal_of=agreement).values_list("pk", flat=True).first()
    )
    # Imported here: the EWP selectors read agreement_list of this module.
    from agreements.ewp.selectors import ewp_view

    agreement.detail_ewp = ewp_view(  # type: ignore[attr-defined]
        user=user, agreement=agreement, with_differences=False
    )
    return agreement
