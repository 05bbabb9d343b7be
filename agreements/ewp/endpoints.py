"""The endpoints shaped as EWP's (what a partner's system calls): IIAs API v7 `index` and `get`, and IIAs
Approval API v2 `get`. GET or POST with form parameters as the specifications say; XML answers validated
against the vendored schemas; errors as EWP's `error-response` (400), 401 without credentials.

Who may call is decided by ONE function (agreements.ewp.auth, setting EWP_REQUEST_AUTHENTICATOR): locally an API
token, on the EWP network HTTP signatures checked against the registry."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from agreements.ewp.auth import EwpAuthRefused, EwpAuthThrottled, EwpCaller, authenticate_ewp_request
from agreements.ewp.build import approval_response, error_response, get_response, index_response, our_iia_id
from agreements.ewp.models import AgreementExchange
from agreements.ewp.selectors import agreements_by_iia_id, ewp_agreements, our_iia

XML = "application/xml; charset=utf-8"


def _xml(body: bytes, status: int = 200) -> HttpResponse:
    return HttpResponse(body, content_type=XML, status=status)


def _error(message: str, status: int = 400) -> HttpResponse:
    return _xml(error_response(message), status)


def _params(request: HttpRequest):
    return request.POST if request.method == "POST" else request.GET


def _caller(request: HttpRequest) -> EwpCaller | HttpResponse:
    try:
        caller = authenticate_ewp_request(request)
    except EwpAuthThrottled as exc:
        response = _error("Too many requests with wrong credentials.", 429)
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response
    except EwpAuthRefused as exc:
        return _error(f"Authentication failed: {exc}", 401)
    if caller is None:
        response = _error("This endpoint needs an authenticated EWP request.", 401)
        response["WWW-Authenticate"] = "Token"
        return response
    return caller


def _start(request: HttpRequest, hei_param: str) -> tuple[EwpCaller, Any] | HttpResponse:
    """The caller and the request's parameters, or the answer refusing it (credentials, or not our HEI)."""
    caller = _caller(request)
    if isinstance(caller, HttpResponse):
        return caller
    params = _params(request)
    problem = _our_hei(params, hei_param)
    if problem:
        return _error(problem)
    return caller, params


def _our_hei(params, name: str) -> str | None:
    """An error message unless the parameter names our HEI."""
    values = params.getlist(name)
    if len(values) != 1:
        return f"{name} is required, once."
    if values[0] != settings.EWP_HEI_ID:
        return f"{name} {values[0]!r} is not covered by this server."
    return None


def _iia_ids(params) -> list[str] | str:
    ids = params.getlist("iia_id")
    if not ids:
        return "iia_id is required."
    if len(ids) > settings.EWP_MAX_IIA_IDS:
        return f"At most {settings.EWP_MAX_IIA_IDS} iia_id values per request."
    return ids


@csrf_exempt
@require_http_methods(["GET", "POST"])
def iias_index(request: HttpRequest) -> HttpResponse:
    """IIAs API v7 index: the iia-ids we hold, optionally for one partner and changed since a time."""
    started = _start(request, "hei_id")
    if isinstance(started, HttpResponse):
        return started
    caller, params = started
    partner_hei_id = params.get("partner_hei_id", "")
    modified_since = None
    if params.get("modified_since"):
        modified_since = parse_datetime(params["modified_since"])
        if modified_since is None or modified_since.tzinfo is None:
            return _error("modified_since must be an ISO 8601 date-time with a time zone.")
    years = params.getlist("receiving_academic_year_id")
    agreements = ewp_agreements(caller=caller, partner_hei_id=partner_hei_id, modified_since=modified_since)
    ids = []
    for agreement in agreements:
        if years and not _covers_years(agreement.current_version.terms, years):
            continue
        ids.append(our_iia_id(agreement.pk))
    return _xml(index_response(ids))


def _covers_years(terms: dict, years: list[str]) -> bool:
    starts = {int(y[:4]) for y in years if y[:4].isdigit()}
    for condition in terms.get("conditions") or []:
        first, last = int(condition["first_academic_year"][:4]), int(condition["last_academic_year"][:4])
        if any(first <= start <= last for start in starts):
            return True
    return False


@csrf_exempt
@require_http_methods(["GET", "POST"])
def iias_get(request: HttpRequest) -> HttpResponse:
    """IIAs API v7 get: the IIAs our iia-ids name (unknown or not yours: left out, as EWP says)."""
    started = _start(request, "hei_id")
    if isinstance(started, HttpResponse):
        return started
    caller, params = started
    ids = _iia_ids(params)
    if isinstance(ids, str):
        return _error(ids)
    agreements = agreements_by_iia_id(caller=caller, iia_ids=ids)
    return _xml(get_response(our_iia(agreement) for agreement in agreements))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def iia_approvals_get(request: HttpRequest) -> HttpResponse:
    """IIAs Approval API v2 get: our approvals of the owner's copies, by the owner's iia-ids; an approval is
    served only while it is not outdated."""
    started = _start(request, "approving_hei_id")
    if isinstance(started, HttpResponse):
        return started
    caller, params = started
    owner = params.getlist("owner_hei_id")
    if len(owner) != 1:
        return _error("owner_hei_id is required, once.")
    ids = _iia_ids(params)
    if isinstance(ids, str):
        return _error(ids)
    visible = ewp_agreements(caller=caller, partner_hei_id=owner[0])
    exchanges = AgreementExchange.objects.filter(
        agreement__in=visible, approved_iia_id__in=ids, approval_outdated=False
    ).exclude(approved_iia_hash="")
    approvals = {e.approved_iia_id: e.approved_iia_hash for e in exchanges}
    return _xml(approval_response((i, approvals[i]) for i in dict.fromkeys(ids) if i in approvals))
