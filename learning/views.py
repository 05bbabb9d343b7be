"""Pages of learning agreements: the list (mine, and what waits for my signature), an agreement's page (current
version, signatures, every version with its changes, links, results, exports), editing, proposing a change,
signing, recording results — and the receiving coordinator's page behind an emailed link (no account)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import Conflict
from documents.downloads import document_response
from learning import services
from learning.ewp import la_xml
from learning.forms import (
    AddedFormSet,
    CommentForm,
    ComponentFormSet,
    ContactForm,
    LinkSignForm,
    MobilityForm,
    RejectForm,
    RemovedForm,
    ResultForm,
    StaffForm,
    errors_onto,
)
from learning.models import LAKind, LAStatus, Party
from learning.permissions import (
    can_edit_la,
    can_manage_links,
    can_propose_change,
    can_record_results,
    is_sending_coordinator,
)
from learning.selectors import (
    access_la,
    access_signed_pdf,
    agreement_documents,
    agreement_links,
    agreement_results,
    agreement_versions,
    visible_agreements,
    waiting_for_sending_signature,
)


def _refused(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    elif isinstance(error, Conflict):
        messages.error(request, str(error.message))
    else:
        messages.error(request, str(error) or _("You may not do this."))


@login_required
def la_list(request: HttpRequest) -> HttpResponse:
    agreements = visible_agreements(user=request.user).order_by("-updated_at", "-pk")[:200]
    return render(
        request,
        "learning/list.html",
        {"agreements": agreements, "to_sign": waiting_for_sending_signature(user=request.user)[:100]},
    )


@require_POST
@login_required
def la_start(request: HttpRequest, application_id: int) -> HttpResponse:
    try:
        agreement = services.la_start(application_id=application_id, actor=request.user)
    except ValidationError as error:
        _refused(request, error)
        return redirect("applications:detail", application_id)
    return redirect("learning:edit", agreement_id=agreement.pk)


@login_required
def la_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_la(user=request.user, agreement_id=agreement_id)
    versions = agreement_versions(agreement=agreement)
    current = versions[-1] if versions else None
    user = request.user
    signed_parties = {s.party for s in current.signatures} if current else set()
    context: dict[str, Any] = {
        "agreement": agreement,
        "versions": list(reversed(versions)),
        "current": current,
        "parties": [(p, current.signature(p) if current else None) for p in Party],
        "links": agreement_links(agreement=agreement),
        "results": agreement_results(agreement=agreement),
        "documents": agreement_documents(agreement=agreement),
        "may_edit": can_edit_la(user, agreement),
        "may_propose": can_propose_change(user, agreement),
        "may_manage_links": can_manage_links(user, agreement),
        "may_record": can_record_results(user, agreement),
        "may_sign_student": current is not None
        and agreement.participant_id == user.pk
        and agreement.status == LAStatus.DRAFT
        and Party.STUDENT not in signed_parties,
        "may_sign_sending": current is not None
        and is_sending_coordinator(user, agreement)
        and agreement.status == LAStatus.SIGNING
        and Party.SENDING not in signed_parties,
        "contact_form": ContactForm(
            initial={
                "receiving_contact_name": agreement.receiving_contact_name,
                "receiving_contact_email": agreement.receiving_contact_email,
            }
        ),
        "reject_form": RejectForm(),
    }
    return render(request, "learning/detail.html", context)


def _content_forms(agreement, data=None, content=None):
    content = content or services.initial_content(agreement.application)
    mobility = MobilityForm(data, initial=content["mobility"], prefix="mobility")
    components = ComponentFormSet(
        data,
        initial=[c for c in content.get("components", []) if c.get("status") != "deleted"],
        prefix="components",
    )
    staff = StaffForm(data, initial=content.get("staff"), prefix="staff") if agreement.kind == LAKind.STAFF else None
    return mobility, components, staff


def _raw_component(form) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "table": data.get("table"),
        "code": data.get("code", ""),
        "title": data.get("title", ""),
        "ects": data.get("ects", ""),
        "term": data.get("term", ""),
    }


@login_required
def la_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_la(user=request.user, agreement_id=agreement_id)
    if not can_edit_la(request.user, agreement):
        messages.error(request, _("This learning agreement cannot be edited now."))
        return redirect(agreement)
    current = agreement.current_version.content if agreement.current_version else None
    comment = CommentForm(request.POST or None)
    if request.method == "POST":
        mobility, components, staff = _content_forms(agreement, request.POST, current)
        valid = all([mobility.is_valid(), components.is_valid(), comment.is_valid(), staff is None or staff.is_valid()])
        if valid:
            kept = [f for f in components.forms if not f.is_blank()]
            raw: dict[str, Any] = {
                "mobility": {
                    **mobility.cleaned_data,
                    "start_date": mobility.cleaned_data["start_date"].isoformat(),
                    "end_date": mobility.cleaned_data["end_date"].isoformat(),
                },
                "components": [_raw_component(f) for f in kept],
            }
            if staff is not None:
                raw["staff"] = staff.cleaned_data
            try:
                services.la_save(
                    agreement_id=agreement.pk, actor=request.user, content=raw, comment=comment.cleaned_data["comment"]
                )
            except ValidationError as error:
                # Put each path's message on its field; components by their place among the rows kept.
                by_path = {}
                for path, errors in error.error_dict.items():
                    parts = path.split(".")
                    if parts[0] == "components" and len(parts) == 3:
                        index = components.forms.index(kept[int(parts[1])])
                        path = f"components.{index}.{parts[2]}"
                    by_path[path] = errors
                for message in errors_onto(by_path, mobility=mobility, components=components.forms, staff=staff):
                    messages.error(request, message)
            except Conflict as conflict:
                _refused(request, conflict)
                return redirect(agreement)
            else:
                messages.success(request, _("Saved as a new version. Sign it when it is complete."))
                return redirect(agreement)
    else:
        mobility, components, staff = _content_forms(agreement, None, current)
    return render(
        request,
        "learning/edit.html",
        {"agreement": agreement, "mobility": mobility, "components": components, "staff": staff, "comment": comment},
    )


@require_POST
@login_required
def la_contact(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_la(user=request.user, agreement_id=agreement_id)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.la_contact_set(
                agreement_id=agreement.pk,
                actor=request.user,
                name=form.cleaned_data["receiving_contact_name"],
                email=form.cleaned_data["receiving_contact_email"],
            )
            messages.success(request, _("The receiving coordinator is saved."))
        except (ValidationError, Conflict, PermissionDenied) as error:
            _refused(request, error)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(agreement)


@require_POST
@login_required
def la_sign(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_la(user=request.user, agreement_id=agreement_id)
    decision = "rejected" if request.POST.get("decision") == "rejected" else "signed"
    try:
        services.la_sign(
            agreement_id=agreement.pk,
            actor=request.user,
            party=request.POST.get("party", ""),
            sha256=request.POST.get("sha256", ""),
            decision=decision,
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, Conflict, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Your answer is recorded.") if decision == "rejected" else _("Signed."))
    return redirect(agreement)


@require_POST
@login_required
def la_link_reissue(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_la(user=request.user, agreement_id=agreement_id)
    try:
        link = services.signing_link_reissue(agreement_id=agreement.pk, actor=request.user)
    except (Conflict, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("A new link is on its way to %(email)s.") % {"email": link.email})
    return redirect(agreement)


@require_POST
@login_required
def la_link_revoke(request: HttpRequest, agreement_id: int, link_id: int) -> HttpResponse:
    agreement = access_la(user=request.user, agreement_id=agreement_id)
    try:
        services.signing_link_revoke(agreement_id=agreement.pk, link_id=link_id, actor=request.user)
    except PermissionDenied as error:
        _refused(request, error)
    else:
        messages.success(request, _("The link is revoked."))
    return redirect(agreement)


@login_required
def la_change(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_la(user=request.user, agreement_id=agreement_id)
    if not can_propose_change(request.user, agreement):
        messages.error(
            request, _("A change is proposed to a final version by the participant or a sending coordinator.")
        )
        return redirect(agreement)
    base = [c for c in agreement.final_version.content["components"] if c.get("status") != "deleted"]
    data = request.POST or None
    removed = [RemovedForm(data, prefix=f"removed-{i}") for i in range(len(base))]
    added = AddedFormSet(data, prefix="added")
    comment = CommentForm(data)
    if request.method == "POST" and all(f.is_valid() for f in removed) and added.is_valid() and comment.is_valid():
        removed_rows = [
            {"position": i, "reason_code": f.cleaned_data["reason_code"], "reason_text": f.cleaned_data["reason_text"]}
            for i, f in enumerate(removed)
            if f.cleaned_data["remove"]
        ]
        kept = [f for f in added.forms if not f.is_blank()]
        added_rows = [
            {
                **_raw_component(f),
                "reason_code": f.cleaned_data["reason_code"],
                "reason_text": f.cleaned_data["reason_text"],
            }
            for f in kept
        ]
        try:
            services.la_change_propose(
                agreement_id=agreement.pk,
                actor=request.user,
                added=added_rows,
                removed=removed_rows,
                comment=comment.cleaned_data["comment"],
            )
        except ValidationError as error:
            for path, errors in error.error_dict.items():
                parts = path.split(".")
                target = None
                if parts[0] == "components" and len(parts) == 3 and int(parts[1]) < len(base):
                    target = removed[int(parts[1])]
                    field = parts[2] if parts[2] in target.fields else None
                elif parts[0] == "components" and len(parts) == 3:
                    target = kept[int(parts[1]) - len(base)]
                    field = parts[2] if parts[2] in target.fields else None
                for message in errors:
                    if target is not None:
                        target.add_error(field, message)
                    else:
                        messages.error(request, message.message if hasattr(message, "message") else str(message))
        except Conflict as conflict:
            _refused(request, conflict)
        else:
            messages.success(
                request, _("The change is proposed as a new version: sign it, then both coordinators sign it.")
            )
            return redirect(agreement)
    return render(
        request,
        "learning/change.html",
        {"agreement": agreement, "rows": list(zip(base, removed, strict=True)), "added": added, "comment": comment},
    )


@login_required
def la_results(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_la(user=request.user, agreement_id=agreement_id)
    if not can_record_results(request.user, agreement):
        raise Http404(_("No such learning agreement."))
    results = agreement_results(agreement=agreement)
    data = request.POST or None
    rows = []
    for component, result in results:
        initial = {}
        if result is not None:
            initial = {
                "grade": result.grade,
                "credits_obtained": result.credits_obtained,
                "recognised": result.recognised,
                "recognised_credits": result.recognised_credits,
                "home_grade": result.home_grade,
            }
        rows.append((component, ResultForm(data, initial=initial, prefix=f"c{component.pk}")))
    if request.method == "POST" and all(form.is_valid() for _c, form in rows):
        payload = [{"component": component.pk, **form.cleaned_data} for component, form in rows if form.has_changed()]
        if payload:
            try:
                services.la_results_record(agreement_id=agreement.pk, actor=request.user, rows=payload)
            except (ValidationError, PermissionDenied) as error:
                _refused(request, error)
            else:
                messages.success(request, _("The results are saved."))
                return redirect(agreement)
        else:
            return redirect(agreement)
    return render(request, "learning/results.html", {"agreement": agreement, "rows": rows})


@login_required
def la_version_pdf(request: HttpRequest, agreement_id: int, number: int) -> HttpResponseBase:
    return document_response(access_signed_pdf(user=request.user, agreement_id=agreement_id, number=number))


@login_required
def la_export_xml(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_la(user=request.user, agreement_id=agreement_id)
    response = HttpResponse(la_xml(agreement), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="learning-agreement-{agreement.pk}.xml"'
    return response


# --- the receiving coordinator's page (no account: the link is the credential) ---------------------------------


@never_cache
def link_sign(request: HttpRequest, agreement_id: int, token: str) -> HttpResponse:
    """Only this link's agreement, only its current version; anything else answers 404 (and the attempt with a
    known link is in the timeline)."""
    if request.method == "POST":
        form = LinkSignForm(request.POST)
        decision = "rejected" if request.POST.get("decision") == "rejected" else "signed"
        if form.is_valid():
            try:
                services.la_sign_by_link(
                    agreement_id=agreement_id,
                    token=token,
                    sha256=request.POST.get("sha256", ""),
                    decision=decision,
                    signer_name=form.cleaned_data["signer_name"],
                    signer_role=form.cleaned_data["signer_role"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                for path, errors in error.message_dict.items():
                    form.add_error(path if path in form.fields else None, errors)
            except Conflict as conflict:
                form.add_error(None, str(conflict.message))
            else:
                return render(request, "learning/link_done.html", {"decision": decision})
        link = services.signing_link_access(agreement_id=agreement_id, token=token, record=False)
    else:
        link = services.signing_link_access(agreement_id=agreement_id, token=token)
        form = LinkSignForm(initial={"signer_name": link.name})
    version = link.version
    return render(
        request,
        "learning/link_sign.html",
        {
            "agreement": link.agreement,
            "version": version,
            "components": version.components.order_by("position"),
            "signatures": version.signatures.all(),
            "link": link,
            "form": form,
        },
    )
