"""Server-rendered pages of agreements and a partner's page with its agreements and mobilities (the rest of
the partner registry's pages are partners.views): lists with filters and CSV export,
the agreement page (terms, versions and their diff, quotas, documents, timeline), drafting and editing,
and the task page of an agreement's flow steps (workflows.views.task_detail hands agreement tasks here)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agreements import services
from agreements.forms import (
    AgreementDocumentForm,
    AgreementFilterForm,
    AgreementForm,
    MarkSentForm,
    SendBackForm,
    SignedCopyForm,
    condition_formset,
)
from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementStatus,
    AgreementType,
    Direction,
    MobilityCategory,
)
from agreements.permissions import (
    can_draft_agreement,
    can_edit_info,
    can_edit_terms,
    can_terminate,
)
from agreements.selectors import (
    access_agreement,
    access_agreement_document,
    agreement_documents,
    agreement_events,
    agreement_list_visible,
    agreement_quota_rows,
    agreement_versions,
    drafting_departments,
    partner_agreements,
    partner_mobilities,
)
from agreements.terms import terms_diff
from core.errors import Conflict
from core.exports import csv_response
from documents.downloads import document_response
from documents.models import DocumentKind
from partners.permissions import can_manage_partners, can_read_partners
from partners.selectors import access_partner, partner_and_unit_names
from workflows.services import case_submit

AGREEMENTS_PER_PAGE = 50

TERM_LABELS = {
    "title": gettext_lazy("Title"),
    "type": gettext_lazy("Type"),
    "partner": gettext_lazy("Partner institution"),
    "partner_unit": gettext_lazy("Unit of the partner"),
    "start_date": gettext_lazy("Start date"),
    "end_date": gettext_lazy("End date"),
    "text": gettext_lazy("Text of the agreement"),
}

CSV_COLUMNS = (
    gettext_lazy("ID"),
    gettext_lazy("Number"),
    gettext_lazy("Title"),
    gettext_lazy("Type"),
    gettext_lazy("Status"),
    gettext_lazy("Partner"),
    gettext_lazy("Country"),
    gettext_lazy("City"),
    gettext_lazy("Erasmus code"),
    gettext_lazy("Department"),
    gettext_lazy("Start date"),
    gettext_lazy("End date"),
    gettext_lazy("Version"),
    gettext_lazy("Version SHA-256"),
    gettext_lazy("Renewal of"),
)


def step_label(step: str) -> str:
    """What the timeline calls a step: a flow step of the agreement, or the status the agreement was in."""
    from workflows.agreement import AGREEMENT

    if step in AGREEMENT.steps:
        return str(AGREEMENT.steps[step].label)
    if step in AgreementStatus.values:
        return str(AgreementStatus(step).label)
    return step


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def condition_row(condition: dict) -> dict:
    """One cooperation condition as the pages show it."""
    students = MobilityCategory.for_students(condition.get("category") or "")
    first, last = condition.get("first_academic_year"), condition.get("last_academic_year")
    return {
        "direction": condition.get("direction"),
        "direction_label": _label(Direction, condition.get("direction")),
        "category_label": _label(MobilityCategory, condition.get("category")),
        "years": first if first == last else f"{first} – {last}",
        "mobilities": condition.get("mobilities_per_year"),
        "duration": (
            _("%(n)s months") % {"n": condition.get("total_months_per_year")}
            if students and condition.get("total_months_per_year") is not None
            else _("%(n)s days") % {"n": condition.get("total_days_per_year")}
            if condition.get("total_days_per_year") is not None
            else ""
        ),
        "subject_areas": ", ".join(condition.get("subject_areas") or []),
        "eqf_levels": ", ".join(str(level) for level in condition.get("eqf_levels") or []),
        "languages": ", ".join(f"{lang['language']} {lang['cefr']}" for lang in condition.get("languages") or []),
    }


def condition_order(condition: dict) -> tuple:
    """Outgoing before incoming, students before staff: the order the office reads an IIA in."""
    directions, categories = Direction.values, MobilityCategory.values
    return (
        directions.index(condition["direction"]) if condition.get("direction") in directions else 99,
        categories.index(condition["category"]) if condition.get("category") in categories else 99,
    )


def quota_order(quota) -> tuple:
    return (quota.academic_year, *condition_order({"direction": quota.direction, "category": quota.category}))


def condition_summary(condition: dict | None) -> str:
    if not condition:
        return ""
    row = condition_row(condition)
    parts = [
        _("%(years)s: %(n)s per year") % {"years": row["years"], "n": row["mobilities"]},
        row["duration"],
        _("subject areas %(areas)s") % {"areas": row["subject_areas"]} if row["subject_areas"] else "",
        _("EQF %(levels)s") % {"levels": row["eqf_levels"]} if row["eqf_levels"] else "",
        _("languages %(languages)s") % {"languages": row["languages"]} if row["languages"] else "",
    ]
    return "; ".join(part for part in parts if part)


def documents_by_kind(agreement: Agreement) -> list[dict]:
    history: dict[str, list] = {}
    for document in agreement_documents(agreement=agreement):
        history.setdefault(document.kind, []).append(document)
    order = [DocumentKind.SIGNED_AGREEMENT, DocumentKind.AGREEMENT_DRAFT, DocumentKind.OTHER]
    kinds = [k for k in order if k in history] + [k for k in history if k not in order]
    return [
        {"kind": kind, "label": _label(DocumentKind, kind), "document": history[kind][0], "older": history[kind][1:]}
        for kind in kinds
    ]


def agreement_context(*, user, agreement: Agreement, upload_form=None) -> dict:
    """Everything the agreement page shows; shared with the task page of the agreement's steps."""
    from workflows.kinds import step_of_task
    from workflows.permissions import can_act
    from workflows.selectors import open_task_for_agreement

    terms = agreement.current_version.terms if agreement.current_version else {"conditions": []}
    versions = list(agreement_versions(agreement=agreement))
    events = list(agreement_events(agreement=agreement))
    for event in events:
        event.step_label = step_label(event.step)
    task = open_task_for_agreement(agreement=agreement)
    step = step_of_task(task) if task is not None else None
    my_task = task if step is not None and any(can_act(user, task, action) for action in step.actions) else None
    sent_back = None
    if agreement.status == AgreementStatus.DRAFT and task is not None and task.flow_task.name == "revise":
        sent_back = next((e for e in reversed(events) if e.action == AgreementEvent.Action.CHANGES_REQUESTED), None)
    try:
        renewal = agreement.renewal
    except Agreement.DoesNotExist:
        renewal = None
    info_editable = can_edit_info(user, agreement)
    if info_editable and upload_form is None:
        upload_form = AgreementDocumentForm()
    return {
        "agreement": agreement,
        "terms": terms,
        "conditions": [condition_row(c) for c in sorted(terms.get("conditions", []), key=condition_order)],
        "versions": versions,
        "events": events,
        "quotas": sorted(agreement_quota_rows(agreement=agreement), key=quota_order),
        "documents": documents_by_kind(agreement),
        "open_task": task,
        "open_step": step,
        "my_task": my_task,
        "sent_back": sent_back,
        "renewal": renewal,
        "can_edit": can_edit_terms(user, agreement) or info_editable,
        "can_submit": agreement.status == AgreementStatus.DRAFT and can_draft_agreement(user, agreement.department_id),
        "resubmission": hasattr(agreement, "process"),
        "upload_form": upload_form if info_editable else None,
        "can_terminate": can_terminate(user, agreement),
    }


def _require_staff(user) -> None:
    """Agreements and partners are the office's: students get the same 404 as for a missing page."""
    if not can_read_partners(user):
        raise Http404(_("No such page."))


def _page_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- agreements ----------------------------------------------------------------------------------


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    form = AgreementFilterForm(request.GET or None)
    form.is_valid()
    agreements = agreement_list_visible(user=request.user, **form.filters())
    page = Paginator(agreements, AGREEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "agreements/list.html",
        {
            "form": form,
            "page": page,
            "query": _page_query(request),
            "can_draft": drafting_departments(user=request.user).exists(),
        },
    )


def _export_row(agreement: Agreement) -> list:
    version = agreement.current_version
    return [
        agreement.pk,
        agreement.number,
        agreement.title,
        agreement.get_type_display(),
        agreement.get_status_display(),
        agreement.partner.name,
        agreement.partner.country,
        agreement.partner.city,
        agreement.partner.erasmus_code,
        agreement.department.name,
        agreement.start_date.isoformat(),
        agreement.end_date.isoformat(),
        version.number if version else None,
        version.sha256 if version else None,
        agreement.renewal_of_id,
    ]


@login_required
def agreement_export(request: HttpRequest) -> HttpResponse:
    """The agreements list as CSV, with the same filters; one query whatever its length."""
    _require_staff(request.user)
    form = AgreementFilterForm(request.GET or None)
    form.is_valid()
    agreements = agreement_list_visible(user=request.user, **form.filters())
    rows = (_export_row(agreement) for agreement in agreements)
    return csv_response(f"agreements-{timezone.localdate().isoformat()}.csv", CSV_COLUMNS, rows)


def _render_form(request, *, form, conditions, conditions_errors, agreement=None, status=200) -> HttpResponse:
    return render(
        request,
        "agreements/form.html",
        {"form": form, "conditions": conditions, "conditions_errors": conditions_errors, "agreement": agreement},
        status=status,
    )


@login_required
def agreement_create(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    departments = drafting_departments(user=request.user)
    if not departments.exists():
        raise PermissionDenied(_("Only coordinators draft agreements."))
    partner_id = request.GET.get("partner")
    initial = {"partner": partner_id} if partner_id and partner_id.isdigit() else {}
    form = AgreementForm(request.POST or None, departments=departments, initial=initial)
    conditions = condition_formset(request.POST or None, extra=2)
    conditions_errors: list[str] = []
    if request.method == "POST" and form.is_valid() & conditions.is_valid():
        try:
            agreement = services.agreement_create_draft(
                actor=request.user,
                department=form.cleaned_data["department"],
                conditions=conditions.conditions(),
                **form.term_values(),
                **form.info_values(),
            )
        except ValidationError as error:
            conditions_errors = form.add_service_errors(error)
        else:
            messages.success(request, _("The draft is saved. Check it, add documents, then submit it for approval."))
            return redirect(agreement)
    status = 400 if request.method == "POST" else 200
    return _render_form(request, form=form, conditions=conditions, conditions_errors=conditions_errors, status=status)


@login_required
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement(user=request.user, agreement_id=agreement_id)
    return render(request, "agreements/detail.html", agreement_context(user=request.user, agreement=agreement))


@login_required
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement(user=request.user, agreement_id=agreement_id)
    terms_editable = can_edit_terms(request.user, agreement)
    if not terms_editable and not can_edit_info(request.user, agreement):
        if not can_draft_agreement(request.user, agreement.department_id):
            raise PermissionDenied(_("Only a coordinator of this department can change this agreement."))
        messages.error(request, _("This agreement is closed and can no longer be changed."))
        return redirect(agreement)
    form = AgreementForm(
        request.POST or None, terms_editable=terms_editable, initial=AgreementForm.initial_from(agreement)
    )
    conditions = (
        condition_formset(request.POST or None, conditions=agreement.current_version.terms["conditions"])
        if terms_editable
        else None
    )
    conditions_errors: list[str] = []
    if request.method == "POST" and form.is_valid() & (conditions is None or conditions.is_valid()):
        changes = {**form.term_values(), **form.info_values(agreement)}
        if conditions is not None:
            changes["conditions"] = conditions.conditions()
        version_before = agreement.current_version_id
        try:
            agreement = services.agreement_update(agreement=agreement, actor=request.user, **changes)
        except ValidationError as error:
            conditions_errors = form.add_service_errors(error)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect(agreement)
        else:
            if agreement.current_version_id != version_before:
                messages.success(
                    request,
                    _("Saved as version %(number)s of the terms.") % {"number": agreement.current_version.number},
                )
            else:
                messages.success(request, _("Your changes are saved."))
            return redirect(agreement)
    status = 400 if request.method == "POST" else 200
    return _render_form(
        request,
        form=form,
        conditions=conditions,
        conditions_errors=conditions_errors,
        agreement=agreement,
        status=status,
    )


@require_POST
@login_required
def agreement_submit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement(user=request.user, agreement_id=agreement_id)
    resubmission = hasattr(agreement, "process")
    try:
        case_submit(case=agreement, actor=request.user)
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        for field_messages in errors.values():
            for message in field_messages:
                messages.error(request, message)
        return redirect(agreement)
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return redirect(agreement)
    if resubmission:
        messages.success(request, _("The revised draft is resubmitted for approval."))
    else:
        messages.success(request, _("The draft is submitted: it goes to the department head, then the prorector."))
    return redirect(agreement)


@login_required
@require_POST
def agreement_terminate(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement(user=request.user, agreement_id=agreement_id)
    try:
        services.agreement_terminate(agreement=agreement, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        for field_messages in error.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("The agreement is terminated; it offers no more places."))
    return redirect(agreement)


@login_required
def agreement_versions_page(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Every version of the terms, and what changed between two of them (?a=1&b=2)."""
    agreement = access_agreement(user=request.user, agreement_id=agreement_id)
    versions = {v.number: v for v in agreement_versions(agreement=agreement)}
    numbers = sorted(versions)
    errors = []

    def pick(name: str, default: int) -> int:
        raw = request.GET.get(name)
        if raw is None or raw == "":
            return default
        if not raw.isdigit() or int(raw) not in versions:
            errors.append(_("There is no version %(number)s.") % {"number": raw})
            return default
        return int(raw)

    a = pick("a", numbers[-2] if len(numbers) > 1 else numbers[-1])
    b = pick("b", numbers[-1])
    old, new = versions[a].terms, versions[b].terms
    partners, units = partner_and_unit_names(
        partner_ids=[old.get("partner"), new.get("partner")],
        unit_ids=[old.get("partner_unit"), new.get("partner_unit")],
    )

    def show(field: str, value):
        if value in (None, ""):
            return ""
        if field == "type":
            return _label(AgreementType, value)
        if field == "partner":
            return partners.get(value, value)
        if field == "partner_unit":
            return units.get(value, value)
        return value

    changes = []
    for change in terms_diff(old, new):
        field = change["field"]
        if field.startswith("conditions."):
            _prefix, direction, category = field.split(".", 2)
            label = _("Condition: %(direction)s · %(category)s") % {
                "direction": _label(Direction, direction),
                "category": _label(MobilityCategory, category),
            }
            old_value, new_value = condition_summary(change["old"]), condition_summary(change["new"])
        else:
            label = str(TERM_LABELS.get(field, field))
            old_value, new_value = show(field, change["old"]), show(field, change["new"])
        changes.append({"field": field, "label": label, "old": old_value, "new": new_value})
    return render(
        request,
        "agreements/versions.html",
        {
            "agreement": agreement,
            "versions": [versions[n] for n in numbers],
            "a": versions[a],
            "b": versions[b],
            "changes": changes,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_POST
@login_required
def agreement_document_upload(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement(user=request.user, agreement_id=agreement_id)
    form = AgreementDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.agreement_document_attach(
                agreement=agreement, actor=request.user, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            from applications.forms import add_service_errors

            add_service_errors(form, error)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect(agreement)
        else:
            messages.success(
                request,
                _("%(kind)s uploaded (version %(version)s).")
                % {"kind": document.get_kind_display(), "version": document.version},
            )
            return redirect(f"{agreement.get_absolute_url()}#documents")
    context = agreement_context(user=request.user, agreement=agreement, upload_form=form)
    return render(request, "agreements/detail.html", context, status=400)


@login_required
def agreement_document_download(request: HttpRequest, agreement_id: int, document_id: int) -> HttpResponse:
    """The agreement permission first (404 for a stranger), then the file or a short-lived S3 URL."""
    document = access_agreement_document(user=request.user, agreement_id=agreement_id, document_id=document_id)
    return document_response(document)


# --- the task page of the agreement flow's steps ------------------------------------------------


def agreement_task(request: HttpRequest, task) -> HttpResponse:
    """workflows:task for an agreement task: the agreement with the decision form (review steps), or the
    coordinator's "mark as sent" / "upload signed copy" / "send back" forms; `revise` is done on the
    agreement page itself."""
    from workflows.agreement import MARK_SENT, RECORD_SIGNED, agreement_mark_sent, agreement_record_signed
    from workflows.forms import DecisionForm
    from workflows.kinds import step_of_task
    from workflows.models import Decision
    from workflows.permissions import OPEN_TASK_STATUSES, can_act, decide_refusal
    from workflows.services import task_decide

    agreement = access_agreement(user=request.user, agreement_id=task.process.agreementprocess.agreement_id)
    step = step_of_task(task)
    if task.flow_task.name == "revise":
        return redirect(agreement)
    initial = {"task_id": task.pk}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    decision_form = DecisionForm(request.POST if action == "decide" else None, initial=initial)
    decision_form.fields["comment"].help_text = _(
        "Required when you send the agreement back or reject it; its coordinators see it in the timeline."
    )
    sent_form = MarkSentForm(request.POST if action == "mark_sent" else None, initial=initial)
    signed_form = SignedCopyForm(
        request.POST if action == "record_signed" else None,
        request.FILES if action == "record_signed" else None,
        initial=initial,
    )
    back_form = SendBackForm(request.POST if action == "send_back" else None, initial=initial)
    forms_by_action = {
        "decide": decision_form,
        "mark_sent": sent_form,
        "record_signed": signed_form,
        "send_back": back_form,
    }
    form = forms_by_action.get(action)
    if request.method == "POST" and form is None:
        raise Http404(_("No such action."))
    if form is not None and form.is_valid():
        if form.cleaned_data["task_id"] != task.pk:
            form.add_error(None, _("This form belongs to another task. Reload the page."))
        else:
            data = form.cleaned_data
            try:
                if action == "decide":
                    task_decide(user=request.user, task_id=task.pk, decision=data["decision"], comment=data["comment"])
                    message = _("Decision recorded: %(decision)s — agreement #%(pk)s “%(title)s”.") % {
                        "decision": Decision(data["decision"]).label,
                        "pk": agreement.pk,
                        "title": agreement.title,
                    }
                    target = "workflows:inbox"
                elif action == "send_back":
                    task_decide(
                        user=request.user,
                        task_id=task.pk,
                        decision=Decision.REQUEST_CHANGES,
                        comment=data["comment"],
                    )
                    message = _("The agreement is back in draft for revision.")
                    target = agreement
                elif action == "mark_sent":
                    agreement_mark_sent(user=request.user, task_id=task.pk, comment=data["comment"])
                    message = _("Recorded as sent to the partner. Upload the signed copy when it comes back.")
                    target = agreement
                else:
                    agreement_record_signed(
                        user=request.user,
                        task_id=task.pk,
                        our_signed_on=data["our_signed_on"],
                        partner_signed_on=data["partner_signed_on"],
                        file=data["file"],
                        comment=data["comment"],
                    )
                    message = _("The signed copy is stored and the agreement is active.")
                    target = agreement
            except ValidationError as error:
                form.add_service_errors(error)
            except Conflict as conflict:
                messages.error(request, conflict.message)
                return redirect("workflows:task", task_id=task.pk)
            else:
                messages.success(request, message)
                return redirect(target)
    context = agreement_context(user=request.user, agreement=agreement)
    task_open = task.status in OPEN_TASK_STATUSES
    context.update(
        task=task,
        step=step.label if step else task.flow_task.name,
        task_open=task_open,
        is_review=bool(step and step.is_review),
        can_decide=bool(step and step.is_review and can_act(request.user, task, Decision.APPROVE)),
        refusal=decide_refusal(request.user, task),
        can_mark_sent=can_act(request.user, task, MARK_SENT),
        can_record_signed=can_act(request.user, task, RECORD_SIGNED),
        can_send_back=bool(step and not step.is_review and can_act(request.user, task, Decision.REQUEST_CHANGES)),
        form=decision_form,
        sent_form=sent_form,
        signed_form=signed_form,
        back_form=back_form,
    )
    return render(request, "workflows/agreement_task.html", context, status=400 if form is not None else 200)


# --- a partner's page ----------------------------------------------------------------------------
# The partner registry's list and forms are partners.views; a partner's own page shows its agreements
# and mobilities, which the registry (below agreements and applications) does not know.


@login_required
def partner_detail(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = access_partner(user=request.user, partner_id=partner_id)
    agreements = list(partner_agreements(user=request.user, partner=partner))
    for agreement in agreements:
        agreement.quota_rows = sorted(agreement.quotas.all(), key=quota_order)
    return render(
        request,
        "agreements/partner_detail.html",
        {
            "partner": partner,
            "agreements": agreements,
            "mobilities": partner_mobilities(user=request.user, partner=partner),
            "can_manage": can_manage_partners(request.user),
            "can_draft": drafting_departments(user=request.user).exists(),
        },
    )
