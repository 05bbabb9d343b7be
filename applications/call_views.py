"""The office's pages of mobility calls: the list, a call with its places (from the agreements' quotas or set by
hand, with the reason) and its audit trail, creating and changing a call. Thin: parse, check, call one service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import call_services
from applications.call_forms import CallForm, PlacesByHandForm
from applications.models import Call, CallEvent, DocumentKind
from applications.permissions import can_create_call, can_edit_call, can_view_calls
from applications.selectors import access_call, call_events, call_list_managed, call_unused_quotas
from partners.models import PartnerInstitution


def _refuse_unless_editable(request: HttpRequest, call: Call) -> None:
    if not can_edit_call(request.user, call):
        raise PermissionDenied(_("You can change calls of your own departments only."))


def _field_label(name: str) -> str:
    try:
        return str(capfirst(Call._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name


def _shown(value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(DocumentKind(v).label) if v in DocumentKind.values else str(v) for v in value)
    return str(value)


def event_details(event: CallEvent) -> list[str]:
    """The lines under a call's audit entry: what changed from what to what, which partners' places moved."""
    data = event.data or {}
    lines = [
        _("%(field)s: %(old)s → %(new)s") % {"field": _field_label(name), "old": _shown(old), "new": _shown(new)}
        for name, (old, new) in data.get("changes", {}).items()
    ]
    if "departments" in data and event.action == CallEvent.Action.UPDATED:
        old, new = data["departments"]
        lines.append(_("Departments: %(old)s → %(new)s") % {"old": _shown(old), "new": _shown(new)})
    for key, label in (("created", _("Added: %(partners)s")), ("updated", _("Updated: %(partners)s"))):
        if data.get(key):
            lines.append(label % {"partners": ", ".join(data[key])})
    for partner, reason in data.get("kept_by_hand", []):
        lines.append(_("%(partner)s kept its places set by hand (%(reason)s)") % {"partner": partner, "reason": reason})
    if "partner" in data:
        lines.append(_("%(partner)s: %(places)s places") % {"partner": data["partner"], "places": data.get("places")})
    if data.get("quotas") == 0:
        lines.append(_("No agreement quota for this call."))
    return lines


def call_page_context(*, user, call: Call, places_form: PlacesByHandForm | None = None) -> dict:
    editable = can_edit_call(user, call)
    events = list(call_events(call=call))
    for event in events:
        event.details = event_details(event)
    return {
        "call": call,
        "departments": list(call.departments.all()),
        "places": list(call.places.all()),
        "required_document_labels": [DocumentKind(k).label for k in call.required_document_kinds()],
        "unused_quotas": call_unused_quotas(call=call),
        "events": events,
        "can_edit": editable,
        "places_form": (places_form or PlacesByHandForm()) if editable else None,
    }


@login_required
def call_list(request: HttpRequest) -> HttpResponse:
    if not can_view_calls(request.user):
        raise PermissionDenied(_("The calls' pages are for the International Relations Office."))
    calls = list(call_list_managed(user=request.user))
    for call in calls:
        call.editable = can_edit_call(request.user, call)
    return render(
        request,
        "applications/calls/list.html",
        {"calls": calls, "can_create": can_create_call(request.user)},
    )


@login_required
def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_call(user=request.user, call_id=call_id)
    return render(request, "applications/calls/detail.html", call_page_context(user=request.user, call=call))


@login_required
def call_create(request: HttpRequest) -> HttpResponse:
    if not can_create_call(request.user):
        raise PermissionDenied(_("Only the International Relations Office can create calls."))
    form = CallForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            call = call_services.call_create(
                actor=request.user, departments=list(form.cleaned_data["departments"]), **form.call_values()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The call is created. Now give it its places."))
            return redirect(call)
    status = 400 if form.is_bound else 200
    return render(request, "applications/calls/form.html", {"form": form}, status=status)


@login_required
def call_edit(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_call(user=request.user, call_id=call_id)
    _refuse_unless_editable(request, call)
    form = CallForm(request.POST or None, instance=call, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            call_services.call_update(
                call=call, actor=request.user, departments=list(form.cleaned_data["departments"]), **form.call_values()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your changes to the call are saved."))
            return redirect(call)
    status = 400 if form.is_bound else 200
    return render(request, "applications/calls/form.html", {"form": form, "call": call}, status=status)


@require_POST
@login_required
def call_places_from_agreements(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_call(user=request.user, call_id=call_id)
    _refuse_unless_editable(request, call)
    feed = call_services.call_places_take_from_agreements(call=call, actor=request.user)
    (messages.success if feed.changed else messages.info)(request, feed.summary())
    return redirect(f"{call.get_absolute_url()}#places")


@require_POST
@login_required
def call_place_by_hand(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_call(user=request.user, call_id=call_id)
    _refuse_unless_editable(request, call)
    form = PlacesByHandForm(request.POST)
    if form.is_valid():
        try:
            place = call_services.call_place_set_by_hand(call=call, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("%(partner)s: %(places)s places, set by hand.")
                % {"partner": place.partner.name, "places": place.places},
            )
            return redirect(f"{call.get_absolute_url()}#places")
    context = call_page_context(user=request.user, call=call, places_form=form)
    return render(request, "applications/calls/detail.html", context, status=400)


@require_POST
@login_required
def call_place_use_quota(request: HttpRequest, call_id: int, partner_id: int) -> HttpResponse:
    call = access_call(user=request.user, call_id=call_id)
    _refuse_unless_editable(request, call)
    partner = get_object_or_404(PartnerInstitution, pk=partner_id)
    try:
        place = call_services.call_place_use_quota(call=call, actor=request.user, partner=partner)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(partner)s: %(places)s places, from the agreement's quota.")
            % {"partner": place.partner.name, "places": place.places},
        )
    return redirect(f"{call.get_absolute_url()}#places")
