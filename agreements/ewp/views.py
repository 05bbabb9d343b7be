"""The EWP page of an Erasmus+ agreement (/agreements/<id>/ewp/): our copy (XML download, iia-id, iia-hash,
valid for approval), the exchange status, the partner's latest copy side by side with ours, and the forms that
import the partner's copy or approval, fetch one from a URL (when enabled) and approve the partner's copy."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agreements.ewp import services
from agreements.ewp.compare import as_terms_condition
from agreements.ewp.forms import EwpApproveForm, EwpFetchForm, EwpFileForm
from agreements.ewp.selectors import ewp_problem, ewp_view, our_iia
from agreements.ewp.tasks import ewp_fetch_queue
from agreements.models import Agreement, Direction, MobilityCategory
from agreements.selectors import access_agreement
from agreements.views.common import _label, condition_summary
from core.errors import Conflict
from core.forms import add_service_errors

FIELD_LABELS = {
    "condition": gettext_lazy("the whole condition"),
    "terminated": gettext_lazy("terminated as a whole"),
    "hei_id": gettext_lazy("the institutions"),
    "first_academic_year": gettext_lazy("first academic year"),
    "last_academic_year": gettext_lazy("last academic year"),
    "mobilities_per_year": gettext_lazy("mobilities per year"),
    "total_months_per_year": gettext_lazy("months per year"),
    "total_days_per_year": gettext_lazy("days per year"),
    "subject_areas": gettext_lazy("subject areas"),
    "eqf_levels": gettext_lazy("EQF levels"),
    "languages": gettext_lazy("languages"),
    "blended": gettext_lazy("blended mobility"),
    "other_info": gettext_lazy("other information"),
    "not_yet_defined": gettext_lazy("values not yet defined"),
    "sending_hei_id": gettext_lazy("sending institution"),
    "receiving_hei_id": gettext_lazy("receiving institution"),
    "sending_ounit_id": gettext_lazy("sending unit"),
    "receiving_ounit_id": gettext_lazy("receiving unit"),
}


def _ewp_agreement(request: HttpRequest, agreement_id: int) -> Agreement:
    agreement = access_agreement(user=request.user, agreement_id=agreement_id)
    if ewp_view(user=request.user, agreement=agreement, with_differences=False) is None:
        raise Http404(_("This agreement is not exchanged over EWP."))
    return agreement


def _row_label(key: str) -> str:
    parts = key.split(".")
    if len(parts) >= 2 and parts[0] in Direction.values:
        label = f"{_label(Direction, parts[0])} · {_label(MobilityCategory, parts[1])}"
        return f"{label} ({parts[2]})" if len(parts) > 2 else label
    return str(FIELD_LABELS.get(key, key))


def _side(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        extra = []
        if value.get("blended"):
            extra.append(_("blended"))
        if value.get("other_info"):
            extra.append(value["other_info"])
        return "; ".join([condition_summary(as_terms_condition(value)), *extra])
    return "" if value is None else str(value)


def difference_rows(differences: list[dict]) -> list[dict]:
    return [
        {
            "key": row["key"],
            "label": _row_label(row["key"]),
            "ours": _side(row["ours"]),
            "theirs": _side(row["theirs"]),
            "fields": ", ".join(str(FIELD_LABELS.get(f, f)) for f in row["fields"]),
        }
        for row in differences
    ]


def _render(request: HttpRequest, agreement: Agreement, *, status: int = 200, **forms) -> HttpResponse:
    view = ewp_view(user=request.user, agreement=agreement)
    assert view is not None
    copy = view["latest_copy"]
    context = {
        "agreement": agreement,
        "ewp": view,
        "differences": difference_rows(view["differences"]),
        "copy_form": forms.get("copy_form") or EwpFileForm(prefix="copy"),
        "approval_form": forms.get("approval_form") or EwpFileForm(prefix="approval"),
        "fetch_form": (forms.get("fetch_form") or EwpFetchForm()) if settings.EWP_FETCH_ENABLED else None,
        "approve_form": EwpApproveForm(initial={"iia_hash": copy.iia_hash}) if copy is not None else None,
        "copy_is_ours_echoed": copy is not None and copy.owner_hei_id == view["hei_id"],
    }
    return render(request, "agreements/ewp.html", context, status=status)


@login_required
def ewp_page(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _render(request, _ewp_agreement(request, agreement_id))


@login_required
def ewp_xml(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _ewp_agreement(request, agreement_id)
    problem = ewp_problem(agreement)
    if problem is not None:
        messages.error(request, problem)
        return redirect("agreements:ewp", agreement.pk)
    response = HttpResponse(our_iia(agreement).xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="iia-{agreement.pk}.xml"'
    return response


def _upload(request: HttpRequest, agreement_id: int, *, prefix: str, service, done: str) -> HttpResponse:
    agreement = _ewp_agreement(request, agreement_id)
    form = EwpFileForm(request.POST, request.FILES, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data["file"].read(settings.EWP_MAX_XML_BYTES + 1)
        try:
            service(agreement=agreement, actor=request.user, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("agreements:ewp", agreement.pk)
    return _render(request, agreement, status=400, **{f"{prefix}_form": form})


@login_required
@require_POST
def ewp_partner_copy_upload(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _upload(
        request,
        agreement_id,
        prefix="copy",
        service=services.partner_copy_import,
        done=_("The partner's copy was imported and compared with ours."),
    )


@login_required
@require_POST
def ewp_partner_approval_upload(request: HttpRequest, agreement_id: int) -> HttpResponse:
    return _upload(
        request,
        agreement_id,
        prefix="approval",
        service=services.partner_approval_import,
        done=_("The partner's approval of our copy was imported."),
    )


@login_required
@require_POST
def ewp_approve(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _ewp_agreement(request, agreement_id)
    form = EwpApproveForm(request.POST)
    iia_hash = form.cleaned_data["iia_hash"] if form.is_valid() else ""
    try:
        services.partner_copy_approve(agreement=agreement, actor=request.user, iia_hash=iia_hash)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("You approved the partner's copy."))
    return redirect("agreements:ewp", agreement.pk)


@login_required
@require_POST
def ewp_fetch(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = _ewp_agreement(request, agreement_id)
    form = EwpFetchForm(request.POST)
    if form.is_valid():
        try:
            ewp_fetch_queue(
                agreement=agreement, actor=request.user, url=form.cleaned_data["url"], kind=form.cleaned_data["kind"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The worker will fetch the document; its result appears on the timeline."))
            return redirect("agreements:ewp", agreement.pk)
    return _render(request, agreement, status=400, fetch_form=form)
