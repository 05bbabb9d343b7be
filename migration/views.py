"""The pages of migration advice: the office's cases, overdue list and checklist; a case with its steps, documents and
timeline; the foreigner's own checklist. Thin: parse, access, one service, respond."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_errors, service_post
from core.pagination import CappedPaginator
from documents.downloads import document_response
from documents.preview import preview_response
from migration import forms, services
from migration.flows import advice_case_close
from migration.models import AdviceCase, StepTemplate
from migration.permissions import (
    can_add_document,
    can_list_cases,
    can_manage_migration,
    can_view_personal_data,
)
from migration.selectors import (
    CaseFilter,
    OverdueFilter,
    access_advice_case,
    access_personal_document,
    overdue_steps,
    own_cases,
    step_templates,
    visible_cases,
)
from workflows.kinds import kind_by_key
from workflows.selectors import case_events

PAGE_SIZE = 25


def _page(request: HttpRequest, rows):
    return CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The office's cases (filter, search, pages); anyone else is shown their own checklist."""
    if not can_list_cases(request.user):
        return redirect("migration:mine")
    form = forms.CaseFilterForm(request.GET or None)
    filters = CaseFilter()
    if form.is_valid():
        filters = CaseFilter(status=form.cleaned_data["status"], search=form.cleaned_data["q"])
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "migration/list.html",
        {
            "form": form,
            "page": _page(request, visible_cases(user=request.user, filters=filters)),
            "query": query,
            "can_manage": can_manage_migration(request.user),
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The foreigner's own checklist(s), in both languages."""
    return render(request, "migration/mine.html", {"cases": own_cases(user=request.user)})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_migration(request.user):
        raise Http404(_("No such page."))
    form = forms.CaseOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.advice_case_open_manual(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The migration-advice case is open; its checklist has its deadlines."))
            return redirect(case)
    return render(request, "migration/case_new.html", {"form": form}, status=400 if form.errors else 200)


def _case_context(request: HttpRequest, case: AdviceCase, **forms_given) -> dict:
    user = request.user
    personal = can_view_personal_data(user, case)
    manage = can_manage_migration(user) and case.is_open
    documents = []
    if personal:
        from documents.services import case_documents

        documents = list(case_documents(case).select_related("uploaded_by").order_by("kind", "-version"))
    steps = list(case.steps.all())
    for step in steps:
        # One form per step, each with its own prefix: every field's id (and its label) is unique on the page.
        prefix = f"step-{step.pk}"
        given_done = forms_given.get("done_form") if forms_given.get("done_step_id") == step.pk else None
        given_reopen = forms_given.get("reopen_form") if forms_given.get("reopen_step_id") == step.pk else None
        step.done_form = given_done or forms.StepDoneForm(prefix=prefix)  # type: ignore[attr-defined]
        step.reopen_form = given_reopen or forms.StepReopenForm(prefix=prefix)  # type: ignore[attr-defined]
    return {
        "case": case,
        "steps": steps,
        "documents": documents,
        "show_personal": personal,
        "can_manage": manage,
        "can_upload": can_add_document(user, case) and case.is_open and case.personal_data_deleted_at is None,
        "events": case_events(kind=kind_by_key("migration"), case=case),
        "dates_form": forms_given.get("dates_form")
        or forms.CaseDatesForm(
            initial={
                "nationality": case.nationality,
                "arrival_date": case.arrival_date,
                "permit_expiry_date": case.permit_expiry_date,
                "departure_date": case.departure_date,
                "department": case.department_id,
            }
        ),
        "passport_form": forms_given.get("passport_form")
        or forms.PassportForm(initial={"passport_number": case.passport_number}),
        "done_step_id": forms_given.get("done_step_id"),
        "reopen_step_id": forms_given.get("reopen_step_id"),
        "upload_form": forms_given.get("upload_form") or forms.DocumentUploadForm(),
        "close_form": forms_given.get("close_form") or forms.CloseForm(),
    }


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_advice_case(user=request.user, case_id=case_id)
    return render(request, "migration/case.html", _case_context(request, case))


def _managed_case(request: HttpRequest, case_id: int) -> AdviceCase:
    case = access_advice_case(user=request.user, case_id=case_id)
    if not can_manage_migration(request.user):
        raise Http404(_("No such page."))
    return case


@require_POST
@login_required
def case_dates(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _managed_case(request, case_id)
    form = forms.CaseDatesForm(request.POST)
    done = service_post(
        request,
        form,
        lambda: services.advice_case_update(actor=request.user, case_id=case.pk, **form.cleaned_data),
        back=case,
        success=_("The dates are saved; the deadlines follow them."),
    )
    if done is not None:
        return done
    return render(request, "migration/case.html", _case_context(request, case, dates_form=form), status=400)


@require_POST
@login_required
def case_passport(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _managed_case(request, case_id)
    form = forms.PassportForm(request.POST)
    done = service_post(
        request,
        form,
        lambda: services.advice_case_update(
            actor=request.user, case_id=case.pk, passport_number=form.cleaned_data["passport_number"]
        ),
        back=case,
        success=_("The passport number is saved."),
    )
    if done is not None:
        return done
    return render(request, "migration/case.html", _case_context(request, case, passport_form=form), status=400)


@require_POST
@login_required
def step_done(request: HttpRequest, case_id: int, step_id: int) -> HttpResponse:
    case = _managed_case(request, case_id)
    form = forms.StepDoneForm(request.POST, request.FILES, prefix=f"step-{step_id}")
    done = service_post(
        request,
        form,
        lambda: services.advice_step_done(
            actor=request.user,
            case_id=case.pk,
            step_id=step_id,
            note=form.cleaned_data["note"],
            document_kind=form.cleaned_data["document_kind"],
            file=form.cleaned_data["file"],
        ),
        back=case,
        done=f"{case.get_absolute_url()}#step-{step_id}",
        success=_("The step is marked done."),
        aliases={"kind": "document_kind"},
    )
    if done is not None:
        return done
    context = _case_context(request, case, done_form=form, done_step_id=int(step_id))
    return render(request, "migration/case.html", context, status=400)


@require_POST
@login_required
def step_reopen(request: HttpRequest, case_id: int, step_id: int) -> HttpResponse:
    case = _managed_case(request, case_id)
    form = forms.StepReopenForm(request.POST, prefix=f"step-{step_id}")
    done = service_post(
        request,
        form,
        lambda: services.advice_step_reopen(
            actor=request.user, case_id=case.pk, step_id=step_id, reason=form.cleaned_data["reason"]
        ),
        back=case,
        done=f"{case.get_absolute_url()}#step-{step_id}",
        success=_("The step is open again."),
    )
    if done is not None:
        return done
    context = _case_context(request, case, reopen_form=form, reopen_step_id=int(step_id))
    return render(request, "migration/case.html", context, status=400)


@require_POST
@login_required
def document_upload(request: HttpRequest, case_id: int) -> HttpResponse:
    from workflows.services import case_document_attach

    case = access_advice_case(user=request.user, case_id=case_id)
    form = forms.DocumentUploadForm(request.POST, request.FILES)
    done = service_post(
        request,
        form,
        lambda: case_document_attach(
            case=case, actor=request.user, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
        ),
        back=case,
        done=f"{case.get_absolute_url()}#documents",
        success=lambda document: (
            _("%(kind)s uploaded (version %(version)s).")
            % {"kind": document.get_kind_display(), "version": document.version}
        ),
    )
    if done is not None:
        return done
    return render(request, "migration/case.html", _case_context(request, case, upload_form=form), status=400)


@require_POST
@login_required
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _managed_case(request, case_id)
    form = forms.CloseForm(request.POST)
    done = service_post(
        request,
        form,
        lambda: advice_case_close(actor=request.user, case_id=case.pk, **form.cleaned_data),
        back=case,
        success=_("The case is closed."),
    )
    if done is not None:
        return done
    return render(request, "migration/case.html", _case_context(request, case, close_form=form), status=400)


@login_required
def document_download(request: HttpRequest, case_id: int, document_id: int) -> HttpResponseBase:
    """A residence document: only for the person and the office roles that need it (404 for anyone else)."""
    return document_response(access_personal_document(user=request.user, case_id=case_id, document_id=document_id))


@login_required
def document_preview(request: HttpRequest, case_id: int, document_id: int, page: int) -> HttpResponse:
    document = access_personal_document(user=request.user, case_id=case_id, document_id=document_id)
    return preview_response(document, page=page)


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """The office's overdue steps: the longest overdue first, filtered by step, department, person."""
    if not can_list_cases(request.user):
        raise Http404(_("No such page."))
    form = forms.OverdueFilterForm(request.GET or None)
    filters = OverdueFilter()
    if form.is_valid():
        step, department = form.cleaned_data["step"], form.cleaned_data["department"]
        filters = OverdueFilter(
            template=step.pk if step else None,
            department=department.pk if department else None,
            search=form.cleaned_data["q"],
        )
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    page = _page(request, overdue_steps(user=request.user, filters=filters))
    return render(request, "migration/overdue.html", {"form": form, "page": page, "query": query})


@login_required
def templates(request: HttpRequest) -> HttpResponse:
    if not can_list_cases(request.user):
        raise Http404(_("No such page."))
    return render(
        request,
        "migration/templates.html",
        {"templates": step_templates(), "can_manage": can_manage_migration(request.user)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def template_edit(request: HttpRequest, template_id: int | None = None) -> HttpResponse:
    if not can_manage_migration(request.user):
        raise Http404(_("No such page."))
    template = None
    if template_id is not None:
        template = StepTemplate.objects.filter(pk=template_id).first()
        if template is None:
            raise Http404(_("No such checklist step."))
    form = forms.StepTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            if template is None:
                saved = services.step_template_create(actor=request.user, **form.values())
            else:
                saved = services.step_template_update(actor=request.user, template_id=template.pk, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The checklist step “%(label)s” is saved.") % {"label": saved.label})
            return redirect("migration:templates")
    events = template.events.select_related("actor").order_by("created_at", "pk") if template else []
    return render(
        request,
        "migration/template_form.html",
        {"form": form, "template": template, "events": events},
        status=400 if form.errors else 200,
    )
