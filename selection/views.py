"""Pages of the competitive selection: a call's selection rules and criteria, the committee's score sheet, the
ranking and allocation (the result case, its task page for the head and the prorector) and the applicant's answer
to a place offered. Each view parses input, fetches through a selector and calls one service."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.selectors import access_application
from core.errors import Conflict
from core.forms import add_service_errors
from selection import services
from selection.forms import CriterionForm, SelectionRulesForm
from selection.models import AppealStatus, Criterion, OfferStatus, SelectionStatus
from selection.permissions import can_configure_selection, can_record_bonus, is_committee_member
from selection.results import explanation_texts, outcome_label
from selection.selectors import (
    access_appeal,
    access_offer,
    access_selection,
    access_selection_call,
    call_criteria,
    live_selection,
    offer_list_own,
    score_sheet,
    selection_events,
)
from workflows.kinds import step_of_task
from workflows.models import Decision
from workflows.permissions import OPEN_TASK_STATUSES, can_act, can_decide, decide_refusal
from workflows.selectors import open_task_for_process
from workflows.services import case_submit
from workflows.views import decision_form_handle


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for messages_ in error.message_dict.values():
            for message in messages_:
                messages.error(request, message)
    else:
        for message in error.messages:
            messages.error(request, message)


# --- a call's rules and criteria ---------------------------------------------------------------------------


@login_required
def call_selection(request: HttpRequest, call_id: int) -> HttpResponse:
    """The selection of one competitive call: its rules (editable until the deadline), criteria, committee, the
    score sheet's state and the result."""
    call, settings = access_selection_call(user=request.user, call_id=call_id)
    may_configure = can_configure_selection(request.user, call) and timezone.now() < call.closes_at
    form = SelectionRulesForm(request.POST or None, instance=settings, call=call) if may_configure else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.selection_settings_save(
                call=call, actor=request.user, committee=form.cleaned_data["committee"], **form.values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect("selection:call", call_id=call.pk)
        else:
            messages.success(request, _("The selection rules are saved."))
            return redirect("selection:call", call_id=call.pk)
    return render(
        request,
        "selection/call.html",
        {
            "call": call,
            "settings": settings,
            "criteria": call_criteria(call=call),
            "form": form,
            "criterion_form": CriterionForm(prefix="new") if may_configure else None,
            "may_configure": may_configure,
            "may_run": can_configure_selection(request.user, call) and timezone.now() >= call.closes_at,
            "is_member": is_committee_member(request.user, settings),
            "deadline_passed": timezone.now() >= call.closes_at,
            "selection": live_selection(call=call),
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@require_POST
@login_required
def criterion_add(request: HttpRequest, call_id: int) -> HttpResponse:
    call, _settings = access_selection_call(user=request.user, call_id=call_id)
    form = CriterionForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            services.criterion_save(call=call, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        except Conflict as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(request, _("Criterion added."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect("selection:call", call_id=call.pk)


def _criterion_of(call, criterion_id: int) -> Criterion:
    try:
        return Criterion.objects.get(pk=criterion_id, call=call)
    except Criterion.DoesNotExist:
        raise Http404(_("No such criterion."))


@login_required
def criterion_edit(request: HttpRequest, call_id: int, criterion_id: int) -> HttpResponse:
    call, _settings = access_selection_call(user=request.user, call_id=call_id)
    criterion = _criterion_of(call, criterion_id)
    if not can_configure_selection(request.user, call):
        raise PermissionDenied(_("Only whoever manages this call can change its selection rules."))
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(
                call=call, actor=request.user, criterion=_criterion_of(call, criterion_id), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect("selection:call", call_id=call.pk)
        else:
            messages.success(request, _("Criterion saved."))
            return redirect("selection:call", call_id=call.pk)
    return render(
        request,
        "selection/criterion_form.html",
        {"call": call, "criterion": criterion, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_POST
@login_required
def criterion_delete(request: HttpRequest, call_id: int, criterion_id: int) -> HttpResponse:
    call, _settings = access_selection_call(user=request.user, call_id=call_id)
    try:
        services.criterion_delete(criterion=_criterion_of(call, criterion_id), actor=request.user)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("Criterion removed."))
    return redirect("selection:call", call_id=call.pk)


# --- the score sheet ---------------------------------------------------------------------------------------


def _decimal_or_none(raw: str) -> Decimal | None:
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValidationError({"value": ValidationError(_("Enter a number."), code="invalid")})


@login_required
def score_sheet_page(request: HttpRequest, call_id: int) -> HttpResponse:
    """The committee's score sheet. Scripts save each cell as it changes (through the API); without them the
    whole sheet is one form whose POST saves every changed cell."""
    call, settings = access_selection_call(user=request.user, call_id=call_id)
    member = is_committee_member(request.user, settings)
    may_bonus = can_record_bonus(request.user, call)
    criteria = call_criteria(call=call)
    if request.method == "POST":
        saved = 0
        failed = False
        rows = score_sheet(call=call, member=request.user, criteria=criteria)
        try:
            for row in rows:
                app = row.application.pk
                if member:
                    for criterion in criteria:
                        name = f"score-{app}-{criterion.pk}"
                        if name not in request.POST:
                            continue
                        value = _decimal_or_none(request.POST[name])
                        if value != row.mine[criterion.pk]:
                            services.score_record(
                                call=call,
                                member=request.user,
                                application_id=app,
                                criterion_id=criterion.pk,
                                value=value,
                            )
                            saved += 1
                if may_bonus and f"bonus-{app}" in request.POST:
                    first = request.POST.get(f"first-{app}") == "on"
                    fewer = request.POST.get(f"fewer-{app}") == "on"
                    if (first, fewer) != (row.first_mobility, row.fewer_opportunities):
                        services.bonus_record(
                            call=call,
                            actor=request.user,
                            application_id=app,
                            first_mobility=first,
                            fewer_opportunities=fewer,
                        )
                        saved += 1
        except ValidationError as error:
            failed = True
            _error_messages(request, error)
        except (Conflict, PermissionDenied) as problem:
            failed = True
            messages.error(request, getattr(problem, "message", None) or str(problem))
        if not failed:
            messages.success(request, _("%(count)s change(s) saved.") % {"count": saved})
        return redirect("selection:scores", call_id=call.pk)
    rows = score_sheet(call=call, member=request.user, criteria=criteria)
    return render(
        request,
        "selection/score_sheet.html",
        {
            "call": call,
            "settings": settings,
            "criteria": criteria,
            "rows": rows,
            "is_member": member,
            "may_bonus": may_bonus,
            "deadline_passed": timezone.now() >= call.closes_at,
        },
    )


# --- the result --------------------------------------------------------------------------------------------


@require_POST
@login_required
def selection_run(request: HttpRequest, call_id: int) -> HttpResponse:
    call, _settings = access_selection_call(user=request.user, call_id=call_id)
    try:
        selection = services.selection_run(call=call, actor=request.user)
    except ValidationError as error:
        _error_messages(request, error)
        return redirect("selection:call", call_id=call.pk)
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return redirect("selection:call", call_id=call.pk)
    messages.success(request, _("Ranked and allocated. Check the result, then submit it for approval."))
    return redirect(selection)


def result_context(*, user, selection) -> dict:
    """What the result page and the task page show of a selection result."""
    result = selection.result or {}
    minimum = (result.get("rules") or {}).get("minimum_score", "")
    ranking = []
    for entry in result.get("ranking", []):
        ranking.append(
            {
                **entry,
                "outcome_label": outcome_label(entry["outcome"]),
                "reasons": explanation_texts(entry, minimum_score=minimum),
            }
        )
    names = {entry["application"]: entry["applicant"] for entry in ranking}
    places = [
        {
            **place,
            "holder_names": [names.get(a, f"#{a}") for a in place["holders"]],
            "reserve_names": [names.get(a, f"#{a}") for a in place["reserve"]],
        }
        for place in result.get("places", [])
    ]
    try:
        task = open_task_for_process(selection.process)
    except ObjectDoesNotExist:  # not submitted yet: no process
        task = None
    return {
        "selection": selection,
        "rules": result.get("rules") or {},
        "ranking": ranking,
        "places": places,
        "events": list(selection_events(selection=selection)),
        "may_submit": selection.is_editable
        and can_configure_selection(user, selection.call)
        and (
            selection.status == SelectionStatus.DRAFT
            or (task is not None and task.flow_task.name == "revise" and can_act(user, task, "resubmit"))
        ),
        "may_run": selection.is_editable and can_configure_selection(user, selection.call),
        "open_task": task,
        "decide_task": task if task is not None and can_decide(user, task) else None,
    }


@login_required
def result_detail(request: HttpRequest, selection_id: int) -> HttpResponse:
    selection = access_selection(user=request.user, selection_id=selection_id)
    return render(request, "selection/result.html", result_context(user=request.user, selection=selection))


@require_POST
@login_required
def result_submit(request: HttpRequest, selection_id: int) -> HttpResponse:
    selection = access_selection(user=request.user, selection_id=selection_id)
    resubmission = selection.status == SelectionStatus.CHANGES_REQUESTED
    try:
        case_submit(case=selection, actor=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal) or _("You may not submit this result."))
    else:
        if resubmission:
            messages.success(request, _("The result is submitted again to the department head."))
        else:
            messages.success(request, _("The result is submitted to the department head for approval."))
    return redirect(selection)


def _decision_page(request: HttpRequest, task, *, case, context: dict, template: str) -> HttpResponse:
    """A review task's page: the decision form (through workflows.services.task_decide) above the case."""
    form, answered = decision_form_handle(
        request,
        task,
        decided_message=lambda decision: (
            _("Decision recorded: %(decision)s — %(selection)s.")
            % {"decision": Decision(decision).label, "selection": case}
        ),
    )
    if answered is not None:
        return answered
    definition = step_of_task(task)
    context.update(
        task=task,
        step=str(definition.label) if definition else task.flow_task.name,
        task_open=task.status in OPEN_TASK_STATUSES,
        can_decide=can_decide(request.user, task),
        refusal=decide_refusal(request.user, task),
        form=form,
    )
    return render(request, template, context, status=400 if form.is_bound else 200)


def selection_task(request: HttpRequest, task) -> HttpResponse:
    """The page of a task of a selection result (registered with workflows.web): the result and the decision
    form. `task` comes from workflows' access_task."""
    selection = access_selection(user=request.user, selection_id=task.process.selectionprocess.selection_id)
    if task.flow_task.name == "revise":
        return redirect(selection)
    return _decision_page(
        request,
        task,
        case=selection,
        context=result_context(user=request.user, selection=selection),
        template="selection/task.html",
    )


# --- the applicant's answer --------------------------------------------------------------------------------


@login_required
def my_offers(request: HttpRequest) -> HttpResponse:
    return render(request, "selection/my_offers.html", {"offers": list(offer_list_own(user=request.user))})


@login_required
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access_offer(user=request.user, offer_id=offer_id)
    if request.method == "POST":
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                services.offer_accept(offer_id=offer.pk, actor=request.user)
                messages.success(request, _("You accepted the place. Welcome aboard!"))
            elif answer == "decline":
                services.offer_decline(offer_id=offer.pk, actor=request.user, comment=request.POST.get("comment", ""))
                messages.success(request, _("You declined the place; it passes to the next applicant."))
            else:
                messages.error(request, _("Choose to accept or decline."))
        except Conflict as conflict:
            messages.error(request, conflict.message)
        except ValidationError as error:
            _error_messages(request, error)
        return redirect("selection:offer", offer_id=offer.pk)
    return render(
        request,
        "selection/offer.html",
        {"offer": offer, "open": offer.status == OfferStatus.OPEN and timezone.now() < offer.respond_by},
    )


# --- appeals -----------------------------------------------------------------------------------------------


@login_required
def appeal_new(request: HttpRequest, application_id: int) -> HttpResponse:
    """The applicant appeals against the published result (reserve list or not selected), within the window."""
    application = access_application(user=request.user, application_id=application_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            appeal = services.appeal_create(
                application=application, actor=request.user, reason=request.POST.get("reason", "")
            )
            case_submit(case=appeal, actor=request.user)
        except ValidationError as error:
            errors = [m for messages_ in error.message_dict.values() for m in messages_]
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect(application)
        else:
            messages.success(request, _("Your appeal is sent to the prorector."))
            return redirect(appeal)
    return render(
        request,
        "selection/appeal_form.html",
        {"application": application, "errors": errors, "reason": request.POST.get("reason", "")},
        status=400 if errors else 200,
    )


@login_required
def appeal_detail(request: HttpRequest, appeal_id: int) -> HttpResponse:
    appeal = access_appeal(user=request.user, appeal_id=appeal_id)
    if request.method == "POST":
        try:
            services.appeal_revise(appeal=appeal, actor=request.user, reason=request.POST.get("reason", ""))
            case_submit(case=appeal, actor=request.user)
        except ValidationError as error:
            _error_messages(request, error)
        except Conflict as conflict:
            messages.error(request, conflict.message)
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Your appeal is sent to the prorector again."))
        return redirect(appeal)
    return render(request, "selection/appeal.html", appeal_context(user=request.user, appeal=appeal))


def appeal_context(*, user, appeal) -> dict:
    return {
        "appeal": appeal,
        "events": list(appeal.events.select_related("actor").order_by("created_at", "pk")),
        "may_revise": appeal.status == AppealStatus.CHANGES_REQUESTED and appeal.applicant_id == user.pk,
    }


def appeal_task(request: HttpRequest, task) -> HttpResponse:
    """The page of a task of an appeal (registered with workflows.web): the appeal and the decision form."""
    appeal = access_appeal(user=request.user, appeal_id=task.process.appealprocess.appeal_id)
    if task.flow_task.name == "revise":
        return redirect(appeal)
    return _decision_page(
        request,
        task,
        case=appeal,
        context=appeal_context(user=request.user, appeal=appeal),
        template="selection/appeal_task.html",
    )
