"""A partner's page with its agreements and mobilities (the rest of the partner registry's pages are partners.views)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from agreements.selectors import (
    drafting_departments,
    partner_agreements,
    partner_mobilities,
)
from agreements.views.common import (
    quota_order,
)
from partners.permissions import can_manage_partners
from partners.selectors import access_partner

# --- a partner's page ----------------------------------------------------------------------------
# The partner registry's list and forms are partners.views; a partner's own page shows its agreements
# and mobilities, which the registry (below agreements and applications) does not know.


@login_required
def partner_detail(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = access_partner(user=request.user, partner_id=partner_id)
    agreements = list(partner_agreements(user=request.user, partner=partner))
    for agreement in agreements:
        agreement.quota_rows = sorted(agreement.quotas.all(), key=quota_order)
    return render(
        request,
        "agreements/partner_detail.html",
        {
            "partner": partner,
            "agreements": agreements,
            "mobilities": partner_mobilities(user=request.user, partner=partner),
            "can_manage": can_manage_partners(request.user),
            "can_draft": drafting_departments(user=request.user).exists(),
        },
    )
