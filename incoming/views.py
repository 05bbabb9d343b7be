"""Pages of incoming mobility: the office's invitations and list of applications, the partner's page behind its
link (no account), the nominee's first sign-in, their application (edit, documents, submit), the task page of its
review steps, and the permission-checked document downloads. Each view parses, fetches through a selector, calls
one service and answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from agreements.models import PLACE_OFFERING_STATUSES, Agreement
from core.errors import Conflict
from core.forms import add_service_errors
from documents.downloads import document_response
from documents.preview import preview_response
from incoming import services
from incoming.forms import IncomingApplicationForm, IncomingUploadForm, InvitationForm, NominationForm, RevokeForm
from incoming.models import IncomingStatus
from incoming.permissions import (
    can_edit_incoming,
    can_list_incoming,
    can_manage_invitations,
    can_see_personal_data,
    can_view_invitations,
)
from incoming.selectors import (
    access_incoming,
    access_incoming_document,
    access_invitation,
    incoming_documents,
    incoming_list,
    invitation_nominations,
    invitation_quota,
    invitations_list,
)
from workflows.kinds import step_of_task
from workflows.models import Decision
from workflows.permissions import OPEN_TASK_STATUSES, can_decide, decide_refusal
from workflows.selectors import case_progress
from workflows.services import case_document_attach, case_submit
from workflows.views import decision_form_handle

PERSONAL_FIELDS = ("date_of_birth", "passport_number", "passport_expires_on")


def _manageable_agreements(user):
    agreements = Agreement.objects.filter(status__in=PLACE_OFFERING_STATUSES).select_related("partner")
    return [a for a in agreements if can_manage_invitations(user, a)]


# --- the office: invitations ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitations(request: HttpRequest) -> HttpResponse:
    if not can_view_invitations(request.user):
        raise Http404(_("No such page."))
    agreements = _manageable_agreements(request.user)
    queryset = Agreement.objects.filter(pk__in=[a.pk for a in agreements]).select_related("partner")
    form = InvitationForm(request.POST or None, agreements=queryset)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = services.invitation_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            except PermissionDenied as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request,
                    _("Invitation made; the link is being emailed to %(email)s.")
                    % {"email": invitation.coordinator_email},
                )
                return redirect(invitation)
        status = 400
    return render(
        request,
        "incoming/invitations.html",
        {"invitations": invitations_list(user=request.user)[:200], "form": form, "can_invite": bool(agreements)},
        status=status,
    )


@login_required
def invitation_detail(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = access_invitation(user=request.user, invitation_id=invitation_id)
    return render(
        request,
        "incoming/invitation.html",
        {
            "invitation": invitation,
            "quota": invitation_quota(invitation=invitation),
            "nominations": invitation_nominations(invitation=invitation),
            "events": invitation.events.select_related("actor").order_by("created_at", "pk"),
            "can_manage": can_manage_invitations(request.user, invitation.agreement),
            "revoke_form": RevokeForm(),
        },
    )


@login_required
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = access_invitation(user=request.user, invitation_id=invitation_id)
    try:
        services.invitation_resend(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new link is being emailed; the previous one stops working."))
    return redirect(invitation)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = access_invitation(user=request.user, invitation_id=invitation_id)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.invitation_revoke(actor=request.user, invitation=invitation, reason=reason)
    messages.success(request, _("The link is revoked."))
    return redirect(invitation)


# --- the partner's page (no account: the link is the key) ------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def partner_page(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_by_token(token)
    quota = invitation_quota(invitation=invitation)
    form = NominationForm(request.POST or None, categories=[row.category for row in quota if row.places])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                nomination = services.nomination_create(invitation=invitation, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is nominated; we are emailing them how to complete the application.")
                    % {"name": f"{nomination.first_name} {nomination.last_name}"},
                )
                return redirect("incoming:partner", token=token)
        status = 400
    else:
        services.invitation_opened(invitation=invitation)
    response = render(
        request,
        "incoming/partner.html",
        {
            "invitation": invitation,
            "quota": quota,
            "nominations": invitation_nominations(invitation=invitation),
            "form": form,
        },
        status=status,
    )
    # The token is in the address: the site's Referrer-Policy (same-origin) never sends it on to another site.
    return response


# --- the nominee -----------------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def welcome(request: HttpRequest, token: str) -> HttpResponse:
    nomination = services.nomination_by_invite_token(token)
    user = nomination.nominee
    application = nomination.application
    if user.has_usable_password():
        # An existing account: sign in with it, then the application opens.
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect(application)
        messages.info(request, _("Sign in with your account to complete your application."))
        return redirect(f"{_login_url()}?next={application.get_absolute_url()}")
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.nominee_activate(token=token, password=form.cleaned_data["new_password1"])
        login(request, user, backend="accounts.backends.PasswordBackend")
        messages.success(request, _("Your password is set. Complete your application below."))
        return redirect(application)
    response = render(
        request,
        "incoming/welcome.html",
        {"nomination": nomination, "form": form, "username": user.get_username()},
        status=400 if form.is_bound else 200,
    )
    return response


def _login_url() -> str:
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)


@login_required
def incoming_list_page(request: HttpRequest) -> HttpResponse:
    applications = incoming_list(user=request.user)
    if not can_list_incoming(request.user):
        own = list(applications[:5])
        if len(own) == 1:
            return redirect(own[0])
    return render(
        request,
        "incoming/list.html",
        {"applications": applications[:500], "office": can_list_incoming(request.user)},
    )


def _fields(application, *, personal: bool) -> list[tuple[str, object]]:
    rows = []
    for name in services.APPLICATION_FIELDS:
        if name in PERSONAL_FIELDS and not personal:
            continue
        field = application._meta.get_field(name)
        value = getattr(application, name)
        if field.choices:
            value = getattr(application, f"get_{name}_display")()
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        rows.append((str(field.verbose_name).capitalize(), value))
    return rows


def _detail_context(request: HttpRequest, application, **extra) -> dict:
    personal = can_see_personal_data(request.user, application)
    editable = can_edit_incoming(request.user, application)
    context = {
        "application": application,
        "nomination": application.nomination,
        "personal": personal,
        "editable": editable,
        "fields": _fields(application, personal=personal),
        "documents": incoming_documents(user=request.user, application=application),
        "events": application.events.select_related("actor").order_by("created_at", "pk"),
        "progress": case_progress(application),
        "deadline": services.incoming_deadline(application),
        "can_invite": can_manage_invitations(request.user, application.nomination.agreement)
        and application.status in (IncomingStatus.DRAFT, IncomingStatus.CHANGES_REQUESTED),
        "can_withdraw": can_manage_invitations(request.user, application.nomination.agreement)
        and application.status == IncomingStatus.DRAFT,
        "withdraw_form": RevokeForm(),
    }
    if editable:
        context.setdefault("form", IncomingApplicationForm(instance=application))
        context.setdefault("upload_form", IncomingUploadForm())
    context.update(extra)
    return context


@login_required
def incoming_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_incoming(user=request.user, application_id=application_id)
    return render(request, "incoming/detail.html", _detail_context(request, application))


@login_required
@require_POST
def incoming_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_incoming(user=request.user, application_id=application_id)
    form = IncomingApplicationForm(request.POST, instance=application)
    # ModelForm validation fills the instance: read the values, then let the service check and write them.
    if form.is_valid():
        try:
            services.incoming_update(
                application=application,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in services.APPLICATION_FIELDS if name in form.cleaned_data},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as refusal:
            raise Http404(str(refusal)) from refusal
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect(application)
        else:
            messages.success(request, _("Saved."))
            return redirect(application)
    application.refresh_from_db()
    return render(request, "incoming/detail.html", _detail_context(request, application, form=form), status=400)


@login_required
@require_POST
def incoming_upload(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_incoming(user=request.user, application_id=application_id)
    form = IncomingUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = case_document_attach(
                case=application, actor=request.user, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
            return redirect(application)
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
    return render(request, "incoming/detail.html", _detail_context(request, application, upload_form=form), status=400)


@login_required
@require_POST
def incoming_submit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_incoming(user=request.user, application_id=application_id)
    try:
        case_submit(case=application, actor=request.user)
    except ValidationError as error:
        return render(
            request,
            "incoming/detail.html",
            _detail_context(request, application, submit_errors=error.messages),
            status=400,
        )
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("Your application is submitted. You will be told of each decision."))
    return redirect(application)


@login_required
@require_POST
def incoming_invite_again(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_incoming(user=request.user, application_id=application_id)
    services.nominee_invite_again(actor=request.user, application=application)
    messages.success(request, _("A new invitation link is being emailed to the nominee."))
    return redirect(application)


@login_required
@require_POST
def incoming_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_incoming(user=request.user, application_id=application_id)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.nomination_withdraw(actor=request.user, application=application, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("The nomination is withdrawn."))
    return redirect(application)


@login_required
def incoming_document(request: HttpRequest, application_id: int, document_id: int) -> HttpResponseBase:
    document = access_incoming_document(user=request.user, application_id=application_id, document_id=document_id)
    return document_response(document)


@login_required
def incoming_document_preview(request: HttpRequest, application_id: int, document_id: int, page: int) -> HttpResponse:
    document = access_incoming_document(user=request.user, application_id=application_id, document_id=document_id)
    return preview_response(document, page=page)


# --- the task page of the review steps (registered with workflows.web) -----------------------------------------


def incoming_task(request: HttpRequest, task) -> HttpResponse:
    application = access_incoming(user=request.user, application_id=task.process.incomingprocess.application_id)
    if task.flow_task.name == "revise":
        return redirect(application)
    form, answered = decision_form_handle(
        request,
        task,
        decided_message=lambda decision: (
            _("Decision recorded: %(decision)s — %(case)s.")
            % {"decision": Decision(decision).label, "case": application}
        ),
    )
    if answered is not None:
        return answered
    definition = step_of_task(task)
    context = _detail_context(
        request,
        application,
        task=task,
        step=str(definition.label) if definition else task.flow_task.name,
        task_open=task.status in OPEN_TASK_STATUSES,
        can_decide=can_decide(request.user, task),
        refusal=decide_refusal(request.user, task),
        decision_form=form,
        with_decision=True,
    )
    context["form"] = form
    return render(request, "incoming/task.html", context, status=400 if form.is_bound else 200)
