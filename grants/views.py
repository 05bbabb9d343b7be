"""Pages of nominations and grants: a call's nominations (who is ready per partner, nominate, the letter, the
emails, each participant's grant), the grants' CSV export, and the rate tables (the prorector's office)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import csv_response
from core.forms import add_service_errors
from documents.downloads import document_response
from documents.models import DocumentKind
from grants import services
from grants.forms import RateTableForm
from grants.models import Nomination
from grants.permissions import can_manage_rates, can_nominate, can_view_nominations
from grants.selectors import (
    access_nomination_call,
    access_rate_table,
    call_grants,
    call_nomination_rows,
    country_groups,
    rate_tables,
)


@login_required
def call_nominations(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_nomination_call(user=request.user, call_id=call_id)
    return render(
        request,
        "grants/call_nominations.html",
        {
            "call": call,
            "rows": call_nomination_rows(call=call),
            "may_nominate": can_nominate(request.user, call),
            "may_manage_rates": can_manage_rates(request.user),
        },
    )


@require_POST
@login_required
def nominate(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_nomination_call(user=request.user, call_id=call_id)
    green = [int(v) for v in request.POST.getlist("green_travel") if v.isdigit()]
    try:
        nomination, created = services.nomination_create(
            call=call, partner_id=request.POST.get("partner", ""), actor=request.user, green_travel=green
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if created:
            messages.success(
                request,
                _("Nominated to %(partner)s. The letter is being prepared and will be emailed to the partner.")
                % {"partner": nomination.partner.name},
            )
        else:
            messages.info(request, _("These participants were already nominated."))
    return redirect("grants:call", call_id=call.pk)


@login_required
def call_grants_export(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access_nomination_call(user=request.user, call_id=call_id)
    header = [
        _("Application"),
        _("Participant"),
        _("Partner"),
        _("Country group"),
        _("Period"),
        _("Unit"),
        _("Rate"),
        _("Whole months"),
        _("Days"),
        _("Grant"),
        _("Fewer opportunities top-up"),
        _("Green travel top-up"),
        _("Total"),
        _("Currency"),
    ]
    rows = (
        [
            g.application_id,
            g.application.applicant.get_full_name() or g.application.applicant.get_username(),
            g.nomination.partner.name,
            g.country_group,
            f"{g.application.period_start} – {g.application.period_end}",
            g.get_unit_display(),
            g.rate,
            g.months,
            g.days,
            g.base_amount,
            g.fewer_opportunities_amount,
            g.green_travel_amount,
            g.total,
            g.currency,
        ]
        for g in call_grants(call=call)
    )
    return csv_response(f"grants-call-{call.pk}.csv", header, rows)


@login_required
def nomination_letter(request: HttpRequest, nomination_id: int) -> HttpResponseBase:
    if not can_view_nominations(request.user):
        raise Http404(_("No such nomination."))
    nomination = Nomination.objects.filter(pk=nomination_id).first()
    document = nomination.documents.filter(kind=DocumentKind.NOMINATION_LETTER).first() if nomination else None
    if document is None:
        raise Http404(_("No such nomination letter."))
    return document_response(document)


@login_required
def rates(request: HttpRequest) -> HttpResponse:
    if not can_manage_rates(request.user):
        raise Http404(_("No such page."))
    return render(request, "grants/rates.html", {"tables": rate_tables(), "groups": country_groups()})


@login_required
def rate_table_edit(request: HttpRequest, table_id: int | None = None) -> HttpResponse:
    table = access_rate_table(user=request.user, table_id=table_id) if table_id else None
    if table is None and not can_manage_rates(request.user):
        raise Http404(_("No such page."))
    form = RateTableForm(request.POST or None, instance=table)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.rate_table_save(actor=request.user, table=table, values=form.values(), rates=form.rates())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The rate table is saved."))
            return redirect("grants:rate_table", table_id=saved.pk)
    return render(
        request,
        "grants/rate_table_form.html",
        {"form": form, "table": table, "events": table.events.select_related("actor") if table else []},
        status=400 if form.is_bound and form.errors else 200,
    )
