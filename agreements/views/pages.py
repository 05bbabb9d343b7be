"""The agreement pages: list with filters and CSV export, drafting and editing, submit, terminate, versions and
their diff, documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import services
from agreements.forms import (
    AgreementDocumentForm,
    AgreementFilterForm,
    AgreementForm,
    condition_formset,
)
from agreements.models import (
    Agreement,
    AgreementType,
    Direction,
    MobilityCategory,
)
from agreements.permissions import (
    can_draft_agreement,
    can_edit_info,
    can_edit_terms,
)
from agreements.selectors import (
    access_agreement,
    agreement_list_visible,
    agreement_versions,
    drafting_departments,
)
from agreements.terms import terms_diff
from agreements.views.common import (
    AGREEMENTS_PER_PAGE,
    CSV_COLUMNS,
    TERM_LABELS,
    _label,
    _page_query,
    _require_staff,
    agreement_context,
    condition_summary,
)
from core.errors import Conflict
from core.exports import csv_response
from partners.selectors import partner_and_unit_names
from workflows.services import case_document_attach, case_submit

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
            document = case_document_attach(
                case=agreement, actor=request.user, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
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
