"""Reads of incoming mobility: permission-checked fetches (404 for missing and not-yours alike), the office's lists,
what a partner's link shows (that agreement's quota and its own nominations only), and the incoming counts by
partner, country, department, level and term that the partner and agreement pages and the reports use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role, user_department_ids
from agreements.models import AgreementQuota, Direction
from documents.models import Document
from documents.services import case_documents
from incoming.models import (
    LIVE_STATUSES,
    IncomingApplication,
    IncomingStatus,
    Nomination,
    PartnerInvitation,
)
from incoming.permissions import (
    PERSONAL_DOCUMENT_KINDS,
    can_see_document,
    can_see_personal_data,
    can_view_incoming,
    can_view_invitations,
)


def access_incoming(*, user: User | AnonymousUser, application_id: int | str) -> IncomingApplication:
    """The application if the user may see it; Http404 for a missing one and a stranger's alike."""
    try:
        application = IncomingApplication.objects.select_related(
            "nomination__agreement__partner", "nomination__invitation", "department", "applicant", "quota"
        ).get(pk=application_id)
    except (IncomingApplication.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such application."))
    if not can_view_incoming(user, application):
        raise Http404(_("No such application."))
    return application


def incoming_documents(*, user: User | AnonymousUser, application: IncomingApplication) -> list[Document]:
    """The application's documents this user may see (personal ones only with can_see_personal_data)."""
    personal = can_see_personal_data(user, application)
    return [
        document
        for document in case_documents(application).select_related("uploaded_by").order_by("kind", "-version")
        if personal or document.kind not in PERSONAL_DOCUMENT_KINDS
    ]


def access_incoming_document(
    *, user: User | AnonymousUser, application_id: int | str, document_id: int | str
) -> Document:
    """A document the user may see (the case first, then the personal-data rule); Http404 otherwise."""
    application = access_incoming(user=user, application_id=application_id)
    try:
        document = case_documents(application).get(pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such document."))
    if not can_see_document(user, application, document):
        raise Http404(_("No such document."))
    return document


def incoming_list(*, user: User | AnonymousUser) -> QuerySet[IncomingApplication]:
    """The applications this user sees (as can_view_incoming): their own; coordinators their departments', heads
    their departments' once submitted; the prorector, auditors and administrators every one."""
    queryset = IncomingApplication.objects.select_related(
        "nomination__agreement__partner", "department", "applicant"
    ).order_by("-created_at", "-pk")
    if not user.is_authenticated:
        return queryset.none()
    if has_role(user, Role.PRORECTOR, Role.AUDITOR, Role.ADMIN):
        return queryset
    visible = Q(applicant=user)
    if has_role(user, Role.COORDINATOR):
        visible |= Q(department_id__in=user_department_ids(user))
    elif has_role(user, Role.HEAD):
        visible |= Q(department_id__in=user_department_ids(user)) & ~Q(status=IncomingStatus.DRAFT)
    return queryset.filter(visible)


def access_invitation(*, user: User | AnonymousUser, invitation_id: int | str) -> PartnerInvitation:
    if not can_view_invitations(user):
        raise Http404(_("No such invitation."))
    try:
        return PartnerInvitation.objects.select_related("agreement__partner", "created_by").get(pk=invitation_id)
    except (PartnerInvitation.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such invitation."))


def invitations_list(*, user: User | AnonymousUser) -> QuerySet[PartnerInvitation]:
    if not can_view_invitations(user):
        return PartnerInvitation.objects.none()
    return PartnerInvitation.objects.select_related("agreement__partner", "created_by").order_by("-created_at", "-pk")


@dataclass(frozen=True)
class QuotaRow:
    category: str
    label: str
    places: int
    accepted: int
    nominated: int

    @property
    def free(self) -> int:
        return max(self.places - self.nominated, 0)


def invitation_quota(*, invitation: PartnerInvitation) -> list[QuotaRow]:
    """The agreement's incoming quota of the invitation's year, per category: places, accepted, live nominations."""
    quotas = AgreementQuota.objects.filter(
        agreement_id=invitation.agreement_id, academic_year=invitation.academic_year, direction=Direction.INCOMING
    ).order_by("category")
    nominated = dict(
        Nomination.objects.filter(
            agreement_id=invitation.agreement_id,
            academic_year=invitation.academic_year,
            application__status__in=LIVE_STATUSES,
        )
        .values("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    return [
        QuotaRow(
            category=quota.category,
            label=str(quota.get_category_display()),
            places=quota.places,
            accepted=quota.used,
            nominated=nominated.get(quota.category, 0),
        )
        for quota in quotas
    ]


def invitation_nominations(*, invitation: PartnerInvitation) -> QuerySet[Nomination]:
    """The nominations made through this invitation (the partner's own), never another's: names, category, status."""
    return Nomination.objects.filter(invitation=invitation).select_related("application").order_by("created_at", "pk")


# --- counts -----------------------------------------------------------------------------------------------------

GROUPS = {
    "partner": "nomination__agreement__partner__name",
    "country": "nomination__agreement__partner__country",
    "department": "department__name",
    "level": "nomination__level",
    "term": "nomination__term",
}


def incoming_counts(
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    academic_year: str | None = None,
    agreement_id: int | None = None,
    partner_id: int | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Incoming participants grouped by partner, country, department, level and term: for each value, how many
    were nominated (not withdrawn) and how many accepted. Narrowed to a mobility period overlapping
    [period_start, period_end] (the nominations without dates by their academic year), an academic year, an
    agreement or a partner. One query per grouping. For reports/ (indicators) and the partner and agreement pages."""
    queryset = IncomingApplication.objects.exclude(status=IncomingStatus.WITHDRAWN)
    if academic_year:
        queryset = queryset.filter(nomination__academic_year=academic_year)
    if agreement_id is not None:
        queryset = queryset.filter(nomination__agreement_id=agreement_id)
    if partner_id is not None:
        queryset = queryset.filter(nomination__agreement__partner_id=partner_id)
    if period_start is not None:
        queryset = queryset.filter(Q(period_end__gte=period_start) | Q(period_end__isnull=True))
    if period_end is not None:
        queryset = queryset.filter(Q(period_start__lte=period_end) | Q(period_start__isnull=True))
    accepted = Count("pk", filter=Q(status=IncomingStatus.ACCEPTED))
    result: dict[str, list[dict[str, Any]]] = {}
    for group, path in GROUPS.items():
        rows = queryset.values(path).annotate(nominated=Count("pk"), accepted=accepted).order_by(path)
        result[group] = [
            {"value": row[path] or "", "nominated": row["nominated"], "accepted": row["accepted"]} for row in rows
        ]
    return result
