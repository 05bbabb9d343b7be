"""Reads of calls and applications, permission-checked, in a constant number of queries."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role, user_department_ids
from applications.models import Application, ApplicationStatus, Call, CallPlace, CaseEvent, HostChoice
from applications.permissions import ALL_CASES_ROLES, DEPARTMENT_ROLES, can_view_application
from documents.models import Document


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
    # A GenericRelation's manager is Any to django-stubs.
    documents: QuerySet[Document] = application.documents.select_related("uploaded_by").order_by("kind", "-version")
    return documents


def application_current_documents(*, application: Application) -> dict[str, Document]:
    """The latest version of each document kind."""
    current: dict[str, Document] = {}
    for document in application_documents(application=application):
        current.setdefault(document.kind, document)
    return current


def application_document_versions(*, application: Application) -> list[dict[str, Any]]:
    """The latest version of each kind, as the timeline records it with a decision."""
    return [
        {"kind": d.kind, "version": d.version, "sha256": d.sha256, "status": d.status}
        for d in application_current_documents(application=application).values()
    ]


def application_document_history(*, application: Application) -> dict[str, list[Document]]:
    """Every version of each kind, newest first."""
    history: dict[str, list[Document]] = {}
    for document in application_documents(application=application):
        history.setdefault(document.kind, []).append(document)
    return history


def access_document(*, user: User | AnonymousUser, application_id: int | str, document_id: int | str) -> Document:
    application = access_application(user=user, application_id=application_id)
    try:
        document: Document = application.documents.get(pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such document."))
    return document
