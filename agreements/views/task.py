"""The task page of an agreement's flow steps (registered with workflows.web): a review decision, mark sent,
record the signed copy, send back."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from agreements.forms import (
    MarkSentForm,
    SendBackForm,
    SignedCopyForm,
)
from agreements.selectors import (
    access_agreement,
)
from agreements.views.common import (
    agreement_context,
)
from core.errors import Conflict

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
    from workflows.views import changes_context, next_task_url

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
                    target = next_task_url(request)
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
    task_open = task.status in OPEN_TASK_STATUSES
    context = agreement_context(user=request.user, agreement=agreement, open_task=task if task_open else None)
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
        changes=changes_context(user=request.user, case=agreement, events=context["events"]),
    )
    return render(request, "workflows/agreement_task.html", context, status=400 if form is not None else 200)
