"""Server-rendered pages of mobility applications: the applicant's list, new application, edit,
documents and submission, and the case page every role opens (read-only unless they may act)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Department
from accounts.roles import APPROVER_ROLES, Role, has_role, user_roles
from applications import services
from applications.forms import ApplicationForm, CaseFilterForm, DocumentUploadForm, add_service_errors
from applications.models import Application, ApplicationStatus, Call, CaseEvent, DocumentKind
from applications.permissions import can_apply, can_edit_application
from applications.selectors import (
    access_application,
    access_call_open,
    application_document_history,
    application_events,
    application_list_filtered,
    application_list_own,
    call_list_open,
)
from core.changes import change_rows
from core.errors import Conflict
from core.exports import csv_response
from core.pagination import BadCursor, in_order, keyset_page
from incoming.selectors import incoming_list
from migration.selectors import own_cases
from partners.models import PartnerInstitution
from workflows.models import Decision
from workflows.permissions import OPEN_TASK_STATUSES, can_decide, decide_refusal
from workflows.selectors import case_progress, open_task_for_application
from workflows.services import case_document_attach, case_submit
from workflows.views import changes_context, decision_form_handle

# What the timeline calls each step (event.step holds a flow step or the status the case was in).
STEP_LABELS = {
    **dict(ApplicationStatus.choices),
    "applicant": gettext_lazy("Applicant"),
    "revise": gettext_lazy("Revision by the applicant"),
}

# Labels of the keys application_submission_errors() uses that are not model fields.
ERROR_LABELS = {
    "choices": gettext_lazy("Host institutions"),
    "documents": gettext_lazy("Documents"),
    "call": gettext_lazy("Call"),
}

DETAIL_FIELDS = (
    "period_start",
    "period_end",
    "gpa",
    "year_of_study",
    "language",
    "language_level",
    "teaching_hours",
    "host_contact_name",
    "host_contact_email",
)

CASES_PER_PAGE = 50


def step_label(step: str) -> str:
    return str(STEP_LABELS.get(step, step))


def field_label(name: str) -> str:
    if name == NON_FIELD_ERRORS:
        return ""
    if name in ERROR_LABELS:
        return str(ERROR_LABELS[name])
    try:
        return str(capfirst(Application._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name


def labelled_errors(errors: dict[str, list[str]]) -> list[dict]:
    return [{"field": name, "label": field_label(name), "messages": messages} for name, messages in errors.items()]


def case_context(*, user, application: Application, upload_form=None, submit_errors=None, open_task=None) -> dict:
    """Everything the case page shows about one application; shared by the applicant's page and
    the approver's task page. `application` comes from access_application (choices prefetched); `open_task`: its
    open task when the caller has read it (the task page), so it is not read again."""
    history = application_document_history(application=application)
    required = application.call.required_document_kinds()
    documents = [
        {
            "kind": kind,
            "label": DocumentKind(kind).label,
            "document": history[kind][0] if kind in history else None,
            "older": history.get(kind, [])[1:],
            "required": kind in required,
        }
        for kind in [*required, *(k for k in history if k not in required)]
    ]
    events = list(application_events(application=application))
    for event in events:
        event.step_label = step_label(event.step)
        event.changes = change_rows(Application, event.data, {"choices": field_label("choices")})
        kind = event.data.get("kind") if event.action == CaseEvent.Action.DOCUMENT_UPLOADED else None
        event.document_label = (
            _("%(kind)s, version %(version)s")
            % {"kind": DocumentKind(kind).label, "version": event.data.get("version")}
            if kind in DocumentKind.values
            else ""
        )
    changes_request = None
    if application.status == ApplicationStatus.CHANGES_REQUESTED:
        changes_request = next((e for e in reversed(events) if e.action == CaseEvent.Action.CHANGES_REQUESTED), None)
    final_event = None
    if application.status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED):
        final_event = next((e for e in reversed(events) if e.action == application.status), None)
    editable = can_edit_application(user, application)
    pending_errors = []
    if editable:
        errors = (
            submit_errors
            if submit_errors is not None
            else services.application_submission_errors(application=application)
        )
        pending_errors = labelled_errors(errors)
        if upload_form is None:
            upload_form = DocumentUploadForm(required_kinds=required)
    task = open_task if open_task is not None else open_task_for_application(application=application)
    progress = case_progress(application, open_task=task) if task is not None else None
    decide_task = task if task is not None and can_decide(user, task) else None
    return {
        "application": application,
        "fields": [
            (field_label(name), getattr(application, name))
            for name in DETAIL_FIELDS
            if name in services.application_fields_for(application.call)
        ],
        "language_level_display": application.get_language_level_display(),
        "documents": documents,
        "missing_documents": [d for d in documents if d["required"] and d["document"] is None],
        "events": events,
        "changes_request": changes_request,
        "final_event": final_event,
        "editable": editable,
        "upload_form": upload_form,
        "pending_errors": pending_errors,
        "submit_failed": submit_errors is not None,
        "decide_task": decide_task,
        "progress": progress,
    }


def render_case(request: HttpRequest, application: Application, *, status: int = 200, **kwargs) -> HttpResponse:
    context = case_context(user=request.user, application=application, **kwargs)
    return render(request, "applications/detail.html", context, status=status)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page they work from."""
    if has_role(request.user, *APPROVER_ROLES):
        return redirect("workflows:inbox")
    if has_role(request.user, Role.AUDITOR, Role.ADMIN):
        return redirect("applications:cases")
    if not user_roles(request.user):
        # No role at the university: a nominee coming to study here, or a foreigner with a migration-advice case.
        own = incoming_list(user=request.user).filter(applicant=request.user)
        incoming = list(own.values_list("pk", flat=True)[:2])
        if len(incoming) == 1:
            return redirect("incoming:detail", application_id=incoming[0])
        if incoming:
            return redirect("incoming:list")
        if own_cases(user=request.user).exists():
            return redirect("migration:mine")
    return redirect("applications:mine")


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = application_list_own(user=request.user)
    return render(
        request,
        "applications/my_list.html",
        {"applications": applications, "can_apply": can_apply(request.user)},
    )


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """Every case the user may see (their departments', or all for the prorector and the auditor), filtered by
    status, call, department, partner and a search; the same filters export as CSV."""
    form = _case_filter_form(request)
    applications = application_list_filtered(user=request.user, filters=form.case_filter())
    # Keyset pages (the rows after or before a cursor), chosen on the keys alone and then read in full: the same
    # few queries on the first page and the thousandth, and no row seen twice or missed while cases come in.
    bad_cursor = False
    try:
        page = keyset_page(
            applications,
            per_page=CASES_PER_PAGE,
            after=request.GET.get("after") or None,
            before=request.GET.get("before") or None,
        )
    except BadCursor:
        bad_cursor = True
        page = keyset_page(applications, per_page=CASES_PER_PAGE)
    page.object_list = in_order(applications.filter(pk__in=page.keys).prefetch_related(None), page.keys)
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return render(
        request,
        "applications/case_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "bad_cursor": bad_cursor},
        status=400 if (form.is_bound and form.errors) or bad_cursor else 200,
    )


def _case_filter_form(request: HttpRequest) -> CaseFilterForm:
    return CaseFilterForm(
        request.GET or None,
        calls=Call.objects.order_by("-closes_at")[:200],
        departments=Department.objects.order_by("name"),
        partners=PartnerInstitution.objects.order_by("name"),
    )


# The columns of the case list's CSV export.
CASE_CSV_COLUMNS = (
    gettext_lazy("Case"),
    gettext_lazy("Applicant"),
    gettext_lazy("Department"),
    gettext_lazy("Call"),
    gettext_lazy("Status"),
    gettext_lazy("Submitted"),
    gettext_lazy("Decided"),
    gettext_lazy("Nominated partner"),
)


@login_required
def case_export(request: HttpRequest) -> HttpResponse:
    """The filtered case list as CSV (every row the user may see, not one page; cells safe from formulas)."""
    form = _case_filter_form(request)
    applications = application_list_filtered(user=request.user, filters=form.case_filter())
    rows = (
        (
            application.pk,
            str(application.applicant),
            application.department.name,
            application.call.title,
            application.get_status_display(),
            application.submitted_at.date().isoformat() if application.submitted_at else "",
            application.decided_at.date().isoformat() if application.decided_at else "",
            application.nominated_place.partner.name if application.nominated_place_id else "",
        )
        for application in applications.select_related("nominated_place__partner").iterator(chunk_size=2000)
    )
    return csv_response(f"cases-{timezone.localdate().isoformat()}.csv", [str(c) for c in CASE_CSV_COLUMNS], rows)


@login_required
def call_choose(request: HttpRequest) -> HttpResponse:
    if not can_apply(request.user):
        raise PermissionDenied(_("Only students and staff members can apply."))
    calls = list(call_list_open(user=request.user))
    for call in calls:
        call.required_document_labels = [DocumentKind(k).label for k in call.required_document_kinds()]
    return render(request, "applications/call_choose.html", {"calls": calls})


@login_required
def application_new(request: HttpRequest, call_id: int) -> HttpResponse:
    if not can_apply(request.user):
        raise PermissionDenied(_("Only students and staff members can apply."))
    call = access_call_open(call_id=call_id)
    form = ApplicationForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                applicant=request.user, call=call, choices=form.choices(), **form.field_values()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your draft is saved. Upload the required documents, then submit it."))
            return redirect(application)
    status = 400 if form.is_bound else 200
    return render(request, "applications/form.html", {"form": form, "call": call}, status=status)


@login_required
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(user=request.user, application_id=application_id)
    return render_case(request, application)


@login_required
def application_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(user=request.user, application_id=application_id)
    if not can_edit_application(request.user, application):
        if application.applicant_id != request.user.pk:
            raise PermissionDenied(_("Only the applicant can change this application."))
        messages.error(request, _("This application is under review and cannot be changed."))
        return redirect(application)
    form = ApplicationForm(request.POST or None, instance=application, call=application.call)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                application=application, actor=request.user, choices=form.choices(), **form.field_values()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect(application)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(application)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "applications/form.html",
        {"form": form, "call": application.call, "application": application},
        status=status,
    )


@require_POST
@login_required
def document_upload(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(user=request.user, application_id=application_id)
    form = DocumentUploadForm(request.POST, request.FILES, required_kinds=application.call.required_documents)
    if form.is_valid():
        try:
            document = case_document_attach(
                case=application, actor=request.user, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect(application)
        else:
            messages.success(
                request,
                _("%(kind)s uploaded (version %(version)s).")
                % {"kind": document.get_kind_display(), "version": document.version},
            )
            return redirect(f"{application.get_absolute_url()}#documents")
    return render_case(request, application, status=400, upload_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def application_submit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(user=request.user, application_id=application_id)
    if request.method != "POST":
        # A reload (or a bookmark) of the page a failed submit left: the application page shows what is missing.
        return redirect(f"{application.get_absolute_url()}#submit")
    resubmission = application.status == ApplicationStatus.CHANGES_REQUESTED
    try:
        case_submit(case=application, actor=request.user)
    except ValidationError as error:
        messages.error(request, _("Your application cannot be submitted yet. See what is missing below."))
        errors = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        return render_case(request, application, status=400, submit_errors=errors)
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return redirect(application)
    if resubmission:
        messages.success(request, _("Your revised application is resubmitted for review."))
    else:
        messages.success(request, _("Your application is submitted. You will see every step of its review here."))
    return redirect(application)


def application_task(request: HttpRequest, task) -> HttpResponse:
    """The page of a task of a mobility application (registered with workflows.web): the case and the decision
    form. `task` comes from workflows' access_task."""
    application = access_application(user=request.user, application_id=task.process.mobilityprocess.application_id)
    if task.flow_task.name == "revise":
        # The applicant's own "revise" step is done from the application page.
        return redirect(application)
    form, answered = decision_form_handle(
        request,
        task,
        decided_message=lambda decision: (
            _("Decision recorded: %(decision)s — application #%(pk)s of %(applicant)s.")
            % {"decision": Decision(decision).label, "pk": application.pk, "applicant": application.applicant}
        ),
    )
    if answered is not None:
        return answered
    open_task = task if task.status in OPEN_TASK_STATUSES else None
    context = case_context(user=request.user, application=application, open_task=open_task)
    context.update(
        task=task,
        step=step_label(task.flow_task.name),
        task_open=task.status in OPEN_TASK_STATUSES,
        can_decide=can_decide(request.user, task),
        refusal=decide_refusal(request.user, task),
        form=form,
        changes=changes_context(user=request.user, case=application, events=context["events"]),
    )
    return render(request, "workflows/task.html", context, status=400 if form.is_bound else 200)
