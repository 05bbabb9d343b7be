"""Reads of learning agreements: the permission-checked fetch (404 for missing and not yours alike), lists, the
versions with their differences, and what an agreement's page shows — in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role, user_department_ids
from documents.models import Document
from documents.services import case_documents
from learning.content import content_diff
from learning.models import (
    ComponentResult,
    LAComponent,
    LASignature,
    LAStatus,
    LAVersion,
    LearningAgreement,
    SigningLink,
)
from learning.permissions import ALL_CASES_ROLES, can_view_la


def visible_agreements(*, user: User) -> QuerySet[LearningAgreement]:
    """The agreements the user may see (the list's query form of can_view_la, deputies aside)."""
    queryset = LearningAgreement.objects.select_related(
        "participant", "department", "receiving_partner", "current_version", "final_version"
    )
    if not user.is_authenticated:
        return queryset.none()
    if has_role(user, *ALL_CASES_ROLES):
        return queryset
    scope = Q(participant=user)
    if has_role(user, Role.COORDINATOR, Role.HEAD):
        scope |= Q(department_id__in=user_department_ids(user))
    return queryset.filter(scope)


def waiting_for_sending_signature(*, user: User) -> QuerySet[LearningAgreement]:
    """Agreements of the coordinator's departments whose current version the student signed and no sending
    coordinator has answered yet."""
    if not has_role(user, Role.COORDINATOR):
        return LearningAgreement.objects.none()
    return (
        visible_agreements(user=user)
        .filter(status=LAStatus.SIGNING, department_id__in=user_department_ids(user))
        .exclude(participant=user)
        .exclude(current_version__signatures__party="sending")
    )


def access_la(*, user: User, agreement_id: Any) -> LearningAgreement:
    try:
        agreement = (
            LearningAgreement.objects.select_related(
                "participant", "department", "receiving_partner", "current_version", "final_version", "application"
            )
            .filter(pk=agreement_id)
            .first()
        )
    except (ValueError, TypeError):
        agreement = None
    if agreement is None or not can_view_la(user, agreement):
        raise Http404(_("No such learning agreement."))
    return agreement


@dataclass
class VersionView:
    version: LAVersion
    signatures: list[LASignature]
    diff: dict[str, Any] | None
    components: list[LAComponent]
    signed_pdf: Document | None

    def signature(self, party: str) -> LASignature | None:
        return next((s for s in self.signatures if s.party == party), None)


def agreement_versions(*, agreement: LearningAgreement) -> list[VersionView]:
    """Every version, oldest first, with its signatures, components, the difference from the previous one and its
    signed PDF (if final) — four queries whatever the number of versions."""
    versions = list(
        LAVersion.objects.filter(agreement=agreement)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("signatures", queryset=LASignature.objects.order_by("signed_at", "pk")),
            Prefetch("components", queryset=LAComponent.objects.select_related("result").order_by("position")),
        )
        .order_by("number")
    )
    pdfs: dict[int, Document] = {}
    if versions:
        from django.contrib.contenttypes.models import ContentType

        version_type = ContentType.objects.get_for_model(LAVersion)
        for document in Document.objects.filter(case_type=version_type, case_id__in=[v.pk for v in versions]).order_by(
            "version"
        ):
            pdfs[document.case_id] = document
    views = []
    previous = None
    for version in versions:
        views.append(
            VersionView(
                version=version,
                signatures=list(version.signatures.all()),
                diff=content_diff(previous.content, version.content) if previous else None,
                components=list(version.components.all()),
                signed_pdf=pdfs.get(version.pk),
            )
        )
        previous = version
    return views


def agreement_links(*, agreement: LearningAgreement) -> list[SigningLink]:
    return list(SigningLink.objects.filter(agreement=agreement).select_related("version").order_by("-created_at"))


def agreement_results(*, agreement: LearningAgreement) -> list[tuple[LAComponent, ComponentResult | None]]:
    """The final version's components (those not removed) with their results."""
    if agreement.final_version_id is None:
        return []
    components = (
        LAComponent.objects.filter(version_id=agreement.final_version_id)
        .exclude(status="deleted")
        .select_related("result")
        .order_by("position")
    )
    return [(c, getattr(c, "result", None)) for c in components]


def agreement_documents(*, agreement: LearningAgreement) -> QuerySet[Document]:
    return case_documents(agreement)


def access_signed_pdf(*, user: User, agreement_id: Any, number: Any) -> Document:
    agreement = access_la(user=user, agreement_id=agreement_id)
    version = LAVersion.objects.filter(agreement=agreement, number=number).first() if str(number).isdigit() else None
    if version is None:
        raise Http404(_("No such version."))
    from django.contrib.contenttypes.models import ContentType

    document = (
        Document.objects.filter(case_type=ContentType.objects.get_for_model(LAVersion), case_id=version.pk)
        .order_by("-version")
        .first()
    )
    if document is None:
        raise Http404(_("This version has no signed PDF (yet)."))
    return document


def recognised_credits(*, since: Any = None, until: Any = None) -> list[dict[str, Any]]:
    """ECTS recognised per department (and the number of agreements), for the office's reports: from the
    recognition recorded on final versions, optionally only agreements updated in [since, until)."""
    from django.db.models import Count, Sum

    queryset = ComponentResult.objects.filter(recognised=True)
    if since is not None:
        queryset = queryset.filter(agreement__updated_at__gte=since)
    if until is not None:
        queryset = queryset.filter(agreement__updated_at__lt=until)
    rows = (
        queryset.values("agreement__department__code", "agreement__department__name")
        .annotate(credits=Sum("recognised_credits"), agreements=Count("agreement", distinct=True))
        .order_by("agreement__department__code")
    )
    return [dict(row) for row in rows]
