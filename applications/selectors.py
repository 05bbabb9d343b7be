"""Reads of calls and applications, permission-checked, in a constant number of queries."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role, user_department_ids
from agreements.models import AgreementQuota
from applications.models import Application, ApplicationStatus, Call, CallEvent, CallPlace, CaseEvent, HostChoice
from applications.permissions import ALL_CASES_ROLES, DEPARTMENT_ROLES, can_view_application, can_view_calls
from core.compiled import compiled_rows
from documents.models import Document
from workflows.selectors import case_documents


def call_list_open(*, user: User | AnonymousUser | None = None) -> QuerySet[Call]:
    calls = Call.objects.open().prefetch_related(
        Prefetch(
            "places",
            queryset=CallPlace.objects.select_related("partner", "quota__agreement").order_by("partner__name"),
        )
    )
    if user is not None and user.is_authenticated:
        if has_role(user, Role.STUDENT) and not has_role(user, Role.STAFF):
            calls = calls.filter(audience="students")
        elif has_role(user, Role.STAFF) and not has_role(user, Role.STUDENT):
            calls = calls.filter(audience="staff")
    return calls


def access_call_open(*, call_id: int | str) -> Call:
    try:
        return call_list_open().get(pk=call_id)
    except (Call.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such open call."))


def _with_related(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.select_related("applicant", "call", "department", "nominated_place__partner").prefetch_related(
        Prefetch(
            "choices",
            queryset=HostChoice.objects.select_related("place__partner", "place__quota__agreement").order_by("rank"),
        )
    )


def application_list(*, user: User) -> QuerySet[Application]:
    """The applications the user may see: their own, their departments' (submitted) ones, or all."""
    qs = Application.objects.all()
    if has_role(user, *ALL_CASES_ROLES):
        pass
    elif has_role(user, *DEPARTMENT_ROLES):
        qs = qs.filter(
            Q(applicant=user) | (Q(department_id__in=user_department_ids(user)) & ~Q(status=ApplicationStatus.DRAFT))
        )
    else:
        qs = qs.filter(applicant=user)
    return _with_related(qs)


def application_list_own(*, user: User) -> QuerySet[Application]:
    return _with_related(Application.objects.filter(applicant=user))


def access_application(*, user: User | AnonymousUser, application_id: int | str) -> Application:
    """The application if the user may see it; the same 404 whether it is missing or not theirs."""
    try:
        application = _with_related(Application.objects.all()).get(pk=application_id)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such application."))
    if not can_view_application(user, application):
        raise Http404(_("No such application."))
    return application


def application_events(*, application: Application) -> QuerySet[CaseEvent]:
    return application.events.select_related("actor").order_by("created_at", "pk")


def application_documents(*, application: Application) -> QuerySet[Document]:
    return case_documents(case=application)


def application_current_documents(*, application: Application) -> dict[str, Document]:
    """The latest version of each document kind."""
    current: dict[str, Document] = {}
    for document in application_documents(application=application):
        current.setdefault(document.kind, document)
    return current


def application_document_versions(*, application: Application) -> list[dict[str, Any]]:
    """The latest version of each kind, as the timeline records it with a decision (each decision reads it: its
    statement is compiled once, core.compiled)."""

    def build(case_type: int, case: int) -> QuerySet[Document, tuple[Any, ...]]:
        documents = Document.objects.filter(case_type_id=case_type, case_id=case).order_by("kind", "-version")
        return documents.values_list("kind", "version", "sha256", "status")

    case_type = ContentType.objects.get_for_model(Application).pk
    latest: dict[str, dict[str, Any]] = {}
    for kind, version, sha256, status in compiled_rows(
        ("application_document_versions",), build, case_type=case_type, case=application.pk
    ):
        latest.setdefault(kind, {"kind": kind, "version": version, "sha256": sha256, "status": status})
    return list(latest.values())


def application_document_history(*, application: Application) -> dict[str, list[Document]]:
    """Every version of each kind, newest first."""
    history: dict[str, list[Document]] = {}
    for document in application_documents(application=application):
        history.setdefault(document.kind, []).append(document)
    return history


# --- calls as the office manages them --------------------------------------------------------------

# A call's mobility type -> the agreement category whose outgoing quota offers its places.
CALL_CATEGORY = {
    "study": "student_studies",
    "traineeship": "student_traineeship",
    "teaching": "staff_teaching",
    "training": "staff_training",
}


def call_list_managed(*, user: User | AnonymousUser) -> QuerySet[Call]:
    """Every call, newest deadline first, for the office's staff (an empty list for anyone else)."""
    if not can_view_calls(user):
        return Call.objects.none()
    # Subqueries, not joins: a join of places and applications would count each place once per application.
    places = CallPlace.objects.filter(call=OuterRef("pk")).values("call").annotate(total=Sum("places")).values("total")
    applications = Application.objects.filter(call=OuterRef("pk")).values("call").annotate(n=Count("pk")).values("n")
    return (
        Call.objects.prefetch_related("departments")
        .annotate(
            place_total=Coalesce(Subquery(places), 0),
            application_count=Coalesce(Subquery(applications), 0),
        )
        .order_by("-closes_at", "-pk")
    )


def access_call(*, user: User | AnonymousUser, call_id: int | str) -> Call:
    """A call with its departments and places, for the office's staff; the same 404 for missing and not theirs."""
    if not can_view_calls(user):
        raise Http404(_("No such call."))
    try:
        return Call.objects.prefetch_related(
            "departments",
            Prefetch(
                "places",
                queryset=CallPlace.objects.select_related("partner", "quota__agreement").order_by("partner__name"),
            ),
        ).get(pk=call_id)
    except (Call.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such call."))


def call_quotas_by_partner(*, call: Call) -> dict[int, AgreementQuota]:
    """The agreement quota that offers each partner's places to this call: outgoing, of the call's academic year and
    category, in an agreement in force; where a partner has several agreements, the one ending last."""
    quotas = (
        AgreementQuota.objects.filter(
            academic_year=call.academic_year,
            direction="outgoing",
            category=CALL_CATEGORY[call.mobility_type],
            agreement__status__in=["active", "expiring"],
        )
        .select_related("agreement__partner")
        .order_by("agreement__partner_id", "-agreement__end_date", "-pk")
    )
    chosen: dict[int, AgreementQuota] = {}
    for quota in quotas:
        chosen.setdefault(quota.agreement.partner_id, quota)
    return chosen


@dataclass(frozen=True)
class UnusedQuota:
    """An agreement quota the call does not take its places from: the partner is missing from the call, or its
    places were set by hand (`place` then)."""

    quota: AgreementQuota
    place: CallPlace | None


def call_unused_quotas(*, call: Call) -> list[UnusedQuota]:
    """The warnings of a call's page: quotas that exist but do not feed the call. `call.places` may be prefetched."""
    places = {place.partner_id: place for place in call.places.all()}
    unused = []
    for partner_id, quota in call_quotas_by_partner(call=call).items():
        place = places.get(partner_id)
        if place is None or place.quota_id is None:
            unused.append(UnusedQuota(quota=quota, place=place))
    return sorted(unused, key=lambda u: u.quota.agreement.partner.name)


def call_events(*, call: Call) -> QuerySet[CallEvent]:
    return call.events.select_related("actor").order_by("created_at", "pk")


@dataclass(frozen=True)
class CaseFilter:
    """What the case list (page, export, API) narrows the visible applications to."""

    status: str = ""
    call: int | None = None
    department: int | None = None
    partner: int | None = None
    q: str = ""


def application_list_filtered(*, user: User, filters: CaseFilter) -> QuerySet[Application]:
    """`application_list` (what the user may see) narrowed by `filters`: a status, a call, a department, a partner
    among the choices or the nominated place, a search in the applicant's name and username or the case number."""
    applications = application_list(user=user)
    if filters.status:
        applications = applications.filter(status=filters.status)
    if filters.call is not None:
        applications = applications.filter(call_id=filters.call)
    if filters.department is not None:
        applications = applications.filter(department_id=filters.department)
    if filters.partner is not None:
        applications = applications.filter(
            Q(nominated_place__partner_id=filters.partner)
            | Q(pk__in=HostChoice.objects.filter(place__partner_id=filters.partner).values("application_id"))
        )
    term = filters.q.strip()
    if term:
        match = (
            Q(applicant__first_name__icontains=term)
            | Q(applicant__last_name__icontains=term)
            | Q(applicant__username__icontains=term)
        )
        if term.isdigit():
            match |= Q(pk=int(term))
        applications = applications.filter(match)
    return applications
