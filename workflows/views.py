"""The approvers' shared pages: the task inbox, a task's page (its kind of case shows it) and the list of tasks
nobody may decide; and the download of a case's document, for every kind."""

from collections.abc import Callable
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Department
from core.changes import change_rows
from core.errors import Conflict
from core.pagination import CappedPaginator
from documents.downloads import document_response
from documents.models import DocumentKind
from documents.preview import preview_response
from workflows.forms import SORTS, BulkDecisionForm, DecisionForm, InboxFilterForm
from workflows.kinds import case_kinds, kind_by_key, kind_of_case, kind_of_task, step_of_task
from workflows.models import Decision, InboxEntry, InboxView
from workflows.permissions import can_see_tasks_without_decider
from workflows.selectors import (
    InboxFilter,
    access_case_document,
    access_task,
    case_changes_since_last_seen,
    inbox_entries_of,
    inbox_facets,
    inbox_filter_choices,
    inbox_ids,
    inbox_scopes,
    tasks_without_decider,
)
from workflows.services import task_decide, tasks_decide_bulk
from workflows.web import web_of


def inbox_row(task) -> dict:
    """One line of the list of tasks nobody may decide, for a task of any kind of case: the case, its step, whom
    it concerns, its department and what it is about (the kind's inbox columns)."""
    kind = kind_of_task(task)
    case = kind.case_of(task)
    step = step_of_task(task)
    who, subject = kind.inbox_columns(case)
    return {
        "task": task,
        "kind": kind.key,
        "kind_label": kind.label,
        "case": case,
        "step": step.label if step else task.flow_task.name,
        "who": who,
        "subject": subject,
    }


class InboxLineTexts:
    """What the lines of an inbox page share: the time they are shown at, the departments' names and each day's
    text (made once a page: Django's date format asks the translations for the month on every call)."""

    def __init__(self, *, departments: dict[int, str], now: datetime):
        self.departments = departments
        self.now = now
        self._days: dict[date, str] = {}

    def day(self, moment: datetime) -> tuple[str, datetime]:
        """The local day of `moment` as "j M Y", and `moment` in local time."""
        local = timezone.localtime(moment)
        text = self._days.get(local.date())
        if text is None:
            text = self._days[local.date()] = date_format(local.date(), "j M Y")
        return text, local


def inbox_line(entry: InboxEntry, *, texts: InboxLineTexts) -> dict:
    """One line of the inbox, from its inbox row alone (which holds what the line shows of the case: whom it
    concerns, what it is about, its department, its dates — workflows.inbox keeps them true while the step is
    open), with its texts made here rather than by the template's filters and tags: reading the tasks with their
    cases and formatting fifty lines in the template took 25 ms of the inbox's 60."""
    kind = kind_by_key(entry.kind)
    step = kind.steps.get(entry.step) if kind else None
    kind_label = str(kind.label) if kind else entry.kind
    created_day, created = texts.day(entry.created)
    return {
        "entry": entry,
        "task_id": entry.task_id,
        "case_id": entry.case_id,
        "title": f"{kind_label} #{entry.case_id}",
        "choose": _("Choose %(kind)s #%(pk)s") % {"kind": kind_label, "pk": entry.case_id},
        "step": str(step.label) if step else entry.step,
        "who": entry.who,
        "subject": entry.subject,
        "department": texts.departments.get(entry.department_id, "") if entry.department_id else "",
        "created": f"{created_day}, {created:%H:%M}",
        "waiting": timesince(entry.created, texts.now),
        "due": texts.day(entry.due_at)[0] if entry.due_at else "",
        "overdue": entry.due_at is not None and entry.due_at <= texts.now,
        "url": reverse("workflows:task", args=[entry.task_id]),  # once: the line links to it twice
    }


INBOX_PAGE_SIZE = 50


def _inbox_filter(form: InboxFilterForm) -> InboxFilter:
    data = form.cleaned_data
    return InboxFilter(
        kind=data.get("kind") or "",
        step=data.get("step") or "",
        department=data.get("department"),
        call=data.get("call"),
        partner=data.get("partner"),
        overdue=bool(data.get("overdue")),
        due_before=data.get("due_before"),
        q=data.get("q") or "",
    )


def _saved_filter(user) -> tuple[InboxFilter, str]:
    """The user's remembered inbox filter and order (what the inbox shows when opened without one)."""
    saved = InboxView.objects.filter(user=user).values_list("query", flat=True).first()
    if not saved:
        return InboxFilter(), "due"
    form = InboxFilterForm(QueryDict(saved), kinds=list(case_kinds()), departments=Department.objects.all())
    if not form.is_valid():
        return InboxFilter(), "due"
    return _inbox_filter(form), form.cleaned_data.get("sort") or "due"


def changes_context(*, user, case, events=None) -> dict | None:
    """What a task page shows of a resubmitted case's changes since this user last decided it (or since it was
    sent back): field labels in the reader's language, new document versions. None for a case seen first.
    `events`: the case's timeline when the page has read it."""
    kind = kind_of_case(case)
    changes = case_changes_since_last_seen(kind=kind, case=case, user=user, events=events) if kind is not None else None
    if changes is None:
        return None
    kinds = dict(DocumentKind.choices)
    return {
        "since": changes.since,
        "rows": change_rows(type(case), {"changes": changes.fields}),
        "documents": [
            {"label": kinds.get(data.get("kind"), data.get("kind")), "version": data.get("version")}
            for data in changes.documents
        ],
    }


def decision_form_handle(
    request: HttpRequest, task, *, decided_message: Callable[[str], str]
) -> tuple[DecisionForm, HttpResponseBase | None]:
    """The decision form of a review task's page, for any kind: on a valid POST for this task it decides through
    `task_decide` and answers the redirect to the next case of the inbox (with `decided_message(decision)`); a
    conflict (decided meanwhile, busy) goes back to the task with its message; bad input stays on the form.
    Returns the form and the response to send, or None to render the page with the form."""
    form = DecisionForm(request.POST or None, initial={"task_id": task.pk})
    if request.method != "POST" or not form.is_valid():
        return form, None
    if form.cleaned_data["task_id"] != task.pk:
        form.add_error(None, _("This form belongs to another task. Reload the page."))
        return form, None
    decision = form.cleaned_data["decision"]
    try:
        task_decide(user=request.user, task_id=task.pk, decision=decision, comment=form.cleaned_data["comment"])
    except ValidationError as error:
        form.add_service_errors(error)
        return form, None
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return form, redirect("workflows:task", task_id=task.pk)
    messages.success(request, decided_message(decision))
    return form, redirect(next_task_url(request))


def next_task_url(request: HttpRequest) -> str:
    """Where a decision on a task page leads: the next task of the user's inbox as they filtered it, so the next
    case opens at once; the inbox when nothing is left."""
    filters, sort = _saved_filter(request.user)
    first = inbox_ids(user=request.user, filters=filters, order=SORTS[sort])[0:1]
    return reverse("workflows:task", args=[first[0]]) if first else reverse("workflows:inbox")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The tasks the user may act on, filtered (kind, step, department, call, partner, overdue, due by, search),
    sorted, a page at a time, with how many wait at each step; the filter is remembered for the user. Tasks are
    chosen here for a bulk decision."""
    saved = InboxView.objects.filter(user=request.user).values_list("query", flat=True).first()
    if "clear" in request.GET:
        InboxView.objects.filter(user=request.user).delete()
        return redirect("workflows:inbox")
    if not request.GET and saved:
        return redirect(f"{reverse('workflows:inbox')}?{saved}")
    scopes = inbox_scopes(user=request.user)  # what the user may act on, asked once for the page's questions
    departments = list(Department.objects.order_by("name"))
    department_names = {department.pk: department.name for department in departments}
    form = InboxFilterForm(
        request.GET or None,
        kinds=list(case_kinds()),
        departments=departments,
        calls=inbox_filter_choices(user=request.user, field="call", scopes=scopes),
        partners=inbox_filter_choices(user=request.user, field="partner", scopes=scopes),
    )
    filters = InboxFilter()
    sort = "due"
    if form.is_bound and form.is_valid():
        filters = _inbox_filter(form)
        sort = form.cleaned_data.get("sort") or "due"
        query = request.GET.copy()
        query.pop("page", None)
        remembered = query.urlencode()[:500]
        if remembered != saved:  # the same filter again (every page of it, every return to it) writes nothing
            InboxView.objects.update_or_create(user=request.user, defaults={"query": remembered})
    # The page is chosen on the inbox table alone (a capped count, each step's rows through its index, no joins of
    # the cases), then read in full.
    ids = inbox_ids(user=request.user, filters=filters, order=SORTS[sort], scopes=scopes)
    page = CappedPaginator(ids, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    texts = InboxLineTexts(departments=department_names, now=timezone.now())
    context = {
        "form": form,
        "filtered": not filters.is_empty,
        "page": page,
        "rows": [inbox_line(entry, texts=texts) for entry in inbox_entries_of(task_ids=list(page.object_list))],
        "facets": inbox_facets(user=request.user, scopes=scopes),
        "query": query.urlencode(),
        "bulk_form": BulkDecisionForm(initial={"next": request.get_full_path()}),
    }
    return render(request, "workflows/inbox.html", context, status=400 if form.is_bound and form.errors else 200)


@require_POST
@login_required
def bulk_decide(request: HttpRequest) -> HttpResponse:
    """One decision on the chosen tasks; each case is decided on its own and the outcome of each is shown."""
    form = BulkDecisionForm(request.POST)
    back = form.data.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("workflows:inbox")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        outcomes = tasks_decide_bulk(
            user=request.user,
            task_ids=form.cleaned_data["tasks"],
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    done = sum(1 for outcome in outcomes if outcome.result == "done")
    return render(
        request,
        "workflows/bulk_result.html",
        {
            "outcomes": outcomes,
            "done": done,
            "not_done": len(outcomes) - done,
            "decision": Decision(form.cleaned_data["decision"]).label,
            "back": back,
        },
    )


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    """A task's page: its kind of case shows it (workflows.web)."""
    task = access_task(user=request.user, task_id=task_id)
    return web_of(kind_of_task(task).key).task_page(request, task)


@login_required
def without_decider(request: HttpRequest) -> HttpResponse:
    """For administrators: open review tasks that nobody may decide (no holder of the role, or separation of
    duties excludes every one), so that no case waits unseen."""
    if not can_see_tasks_without_decider(request.user):
        raise PermissionDenied
    rows = []
    for task, case in tasks_without_decider():
        row = inbox_row(task)
        row["case"] = case
        rows.append(row)
    return render(request, "workflows/without_decider.html", {"rows": rows})


@login_required
def case_document_download(
    request: HttpRequest, *, kind: str, case_kwarg: str, document_id: int, **ids
) -> HttpResponseBase:
    """A document of a case of any kind: the case's permission first (404 for a stranger), then the file or a
    short-lived S3 URL. Each kind's URLconf mounts it with its `kind` and the name of its case id."""
    document = access_case_document(
        user=request.user, kind=kind_by_key(kind), case_id=ids[case_kwarg], document_id=document_id
    )
    return document_response(document)


@login_required
def case_document_preview(
    request: HttpRequest, *, kind: str, case_kwarg: str, document_id: int, page: int, **ids
) -> HttpResponse:
    """A page of a case's document as an image (documents.preview), after the same case permission as its
    download. Each kind's URLconf mounts it beside the download."""
    document = access_case_document(
        user=request.user, kind=kind_by_key(kind), case_id=ids[case_kwarg], document_id=document_id
    )
    return preview_response(document, page=page)
