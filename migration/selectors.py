"""Reads of migration advice, permission-checked: a case (404 for a missing one and someone else's alike), the
cases a user sees, the foreigner's own, the office's overdue list, the checklist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import users_with_roles
from documents.models import Document
from documents.services import case_documents
from migration.models import AdviceCase, AdviceStatus, AdviceStep, StepTemplate
from migration.permissions import can_list_cases, can_view_case, can_view_personal_data


def _steps_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "steps", queryset=AdviceStep.objects.select_related("template", "done_by", "document").order_by("order", "pk")
    )


def access_advice_case(*, user: Any, case_id: int | str) -> AdviceCase:
    """The case with its steps if the user may see it; 404 otherwise (missing and not-yours alike)."""
    try:
        case = (
            AdviceCase.objects.select_related("person", "department", "opened_by")
            .prefetch_related(_steps_prefetch())
            .get(pk=case_id)
        )
    except (AdviceCase.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such case."))
    if not can_view_case(user, case):
        raise Http404(_("No such case."))
    return case


def access_personal_documents(*, user: Any, case_id: int | str) -> tuple[AdviceCase, QuerySet[Document]]:
    """The case and its documents, for the people who may see personal data (404 for everyone else, including
    those who see the case but not its documents: a department head never learns a passport is there)."""
    case = access_advice_case(user=user, case_id=case_id)
    if not can_view_personal_data(user, case):
        raise Http404(_("No such document."))
    return case, case_documents(case).select_related("uploaded_by").order_by("kind", "-version")


def access_personal_document(*, user: Any, case_id: int | str, document_id: int | str) -> Document:
    """One document of a case, for the people who may see personal data; 404 otherwise."""
    _case, documents = access_personal_documents(user=user, case_id=case_id)
    try:
        return documents.get(pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such document."))


@dataclass(frozen=True)
class CaseFilter:
    status: str = ""
    search: str = ""


def visible_cases(*, user: Any, filters: CaseFilter | None = None) -> QuerySet[AdviceCase]:
    """The cases a user sees, newest first: the office's readers see all, anyone else their own."""
    filters = filters or CaseFilter()
    cases = AdviceCase.objects.select_related("person", "department")
    if not can_list_cases(user):
        cases = cases.filter(person_id=user.pk) if user.is_authenticated else cases.none()
    if filters.status in AdviceStatus.values:
        cases = cases.filter(status=filters.status)
    if filters.search:
        term = filters.search.strip()
        cases = cases.filter(
            Q(person__first_name__icontains=term)
            | Q(person__last_name__icontains=term)
            | Q(person__email__icontains=term)
            | Q(nationality__icontains=term)
        )
    return cases.order_by("-created_at", "-pk")


def own_cases(*, user: Any) -> QuerySet[AdviceCase]:
    """The foreigner's own cases with their checklists, newest first."""
    if not user.is_authenticated:
        return AdviceCase.objects.none()
    return (
        AdviceCase.objects.filter(person_id=user.pk)
        .select_related("person", "department")
        .prefetch_related(_steps_prefetch())
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class OverdueFilter:
    template: int | None = None
    department: int | None = None
    search: str = ""


def overdue_steps(
    *, user: Any, filters: OverdueFilter | None = None, today: date | None = None
) -> QuerySet[AdviceStep]:
    """Steps of open cases past their due date and not done, the longest overdue first (the office's readers)."""
    if not can_list_cases(user):
        raise Http404(_("No such page."))
    filters = filters or OverdueFilter()
    today = today or timezone.localdate()
    steps = AdviceStep.objects.filter(done_at__isnull=True, due_date__lt=today, case__status=AdviceStatus.OPEN)
    if filters.template:
        steps = steps.filter(template_id=filters.template)
    if filters.department:
        steps = steps.filter(case__department_id=filters.department)
    if filters.search:
        term = filters.search.strip()
        steps = steps.filter(
            Q(case__person__first_name__icontains=term)
            | Q(case__person__last_name__icontains=term)
            | Q(case__person__email__icontains=term)
            | Q(case__nationality__icontains=term)
        )
    return steps.select_related("case__person", "case__department", "template").order_by("due_date", "pk")


def step_templates(*, active_only: bool = False) -> QuerySet[StepTemplate]:
    templates = StepTemplate.objects.all()
    if active_only:
        templates = templates.filter(active=True)
    return templates.order_by("order", "pk")


def office_recipients(*, case: AdviceCase) -> list[User]:
    """Who in the office hears about a case's deadlines: the coordinators of its department, or every coordinator
    when it has none (or its department has none)."""
    coordinators = users_with_roles([Role.COORDINATOR])
    if case.department_id is not None:
        own = list(coordinators.filter(departments=case.department_id).order_by("pk"))
        if own:
            return own
    return list(coordinators.order_by("pk"))
