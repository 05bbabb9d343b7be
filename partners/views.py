"""Pages of the partner registry: the list with its filters, and adding or editing a partner with its
units and contacts. They keep their place under /agreements/partners/ (agreements/urls.py routes here);
a partner's own page lists its agreements and mobilities, so it is agreements.views.partner_detail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from partners import services
from partners.forms import PartnerFilterForm, PartnerForm, contact_formset
from partners.models import PartnerInstitution
from partners.permissions import can_manage_partners, can_read_partners
from partners.selectors import access_partner, partner_list

PARTNERS_PER_PAGE = 50


@login_required
def partner_list_page(request: HttpRequest) -> HttpResponse:
    form = PartnerFilterForm(request.GET or None)
    form.is_valid()
    partners = partner_list(user=request.user, **form.filters())
    page = Paginator(partners, PARTNERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partners/partner_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_manage": can_manage_partners(request.user)},
    )


def _partner_form_page(request: HttpRequest, partner: PartnerInstitution | None) -> HttpResponse:
    if not can_read_partners(request.user):
        # Students get the same 404 as for a missing page.
        raise Http404(_("No such page."))
    if not can_manage_partners(request.user):
        raise PermissionDenied(_("Only coordinators and administrators manage partners."))
    form = PartnerForm(request.POST or None, instance=partner)
    contacts = contact_formset(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid() & contacts.is_valid():
        try:
            if partner is None:
                partner = services.partner_create(
                    actor=request.user, units=form.unit_names(), contacts=contacts.contacts(), **form.field_values()
                )
                messages.success(request, _("Partner %(name)s added.") % {"name": partner.name})
            else:
                services.partner_update(
                    partner=partner,
                    actor=request.user,
                    units=form.unit_names(),
                    contacts=contacts.contacts(),
                    **form.field_values(),
                )
                messages.success(request, _("Your changes are saved."))
        except ValidationError as error:
            form.add_service_errors(error)
        except ProtectedError:
            form.add_error("units", _("A unit that an agreement names cannot be removed."))
        else:
            return redirect(partner)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "partners/partner_form.html", {"form": form, "contacts": contacts, "partner": partner}, status=status
    )


@login_required
def partner_create(request: HttpRequest) -> HttpResponse:
    return _partner_form_page(request, None)


@login_required
def partner_edit(request: HttpRequest, partner_id: int) -> HttpResponse:
    return _partner_form_page(request, access_partner(user=request.user, partner_id=partner_id))
