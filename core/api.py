"""DRF glue shared by every app's API: errors become the status codes and bodies the API promises
(core.serializers documents them), each with a code from core.errors.ErrorCode."""

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.exceptions import APIException, ErrorDetail
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Conflict, ErrorCode, error_code
from core.outage import is_outage, log_outage, outage_payload, retry_after_seconds

API_PREFIX = "/api/"


def exception_handler(exc, context):
    if is_outage(exc):
        # DRF would re-raise it to Django, whose 500 handler answers 503 too; answering here keeps the
        # API's JSON error and DRF's headers either way.
        log_outage(context["request"], exc)
        return Response(outage_payload(), status=503, headers={"Retry-After": str(retry_after_seconds())})
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc.message), "code": exc.code.value}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = DRFValidationError(detail=_drf_detail(exc))
    elif isinstance(exc, Http404):
        # What DRF's handler does too, done first so that the answer gains the code below.
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, DRFValidationError):
        response.data = field_errors_body(exc.detail)
    elif isinstance(exc, APIException) and isinstance(response.data, dict) and "code" not in response.data:
        # DRF answers {"detail"} alone; the code is what a client can rely on whatever the language.
        response.data["code"] = error_code(getattr(exc.detail, "code", None) or exc.default_code).value
    if response.status_code == status.HTTP_403_FORBIDDEN:
        # accounts' middleware logs every 403 (AccessRefusal); leave it DRF's reason on the request.
        http_request = getattr(context["request"], "_request", context["request"])
        http_request._korpu_refusal_reason = str(getattr(exc, "detail", exc))
    return response


def _drf_detail(error: DjangoValidationError) -> dict[str, list[ErrorDetail]]:
    """A service's ValidationError as DRF's detail, each message keeping its code."""
    if not hasattr(error, "error_dict"):
        return {NON_FIELD_ERRORS: _details(error.error_list)}
    return {field: _details(errors) for field, errors in error.error_dict.items()}


def _details(errors: list[DjangoValidationError]) -> list[ErrorDetail]:
    return [ErrorDetail(str(message), code=e.code) for e in errors for message in e.messages]


_BODY_KEYS = frozenset({"code", "codes", "detail"})


def field_errors_body(detail: Any) -> dict[str, Any]:
    """`{field: [message, ...], "codes": {field: [code, ...]}}` from DRF's detail, with nested fields flattened
    to paths (`conditions.1.direction`, `choices.0`): the schema promises a list of strings per key."""
    messages: dict[str, list[str]] = {}
    codes: dict[str, list[str]] = {}
    for key, error in _flatten(detail, ""):
        if key in _BODY_KEYS:  # a field named like the body's own keys (a checklist step's `code`)
            key = f"fields.{key}"
        messages.setdefault(key, []).append(str(error))
        codes.setdefault(key, []).append(error_code(getattr(error, "code", None)).value)
    return {**messages, "codes": codes}


def _flatten(detail: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            key = str(key)
            if key in (NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY):
                # A nested serializer's own error (e.g. "not a list") belongs to the field that holds it.
                yield from _flatten(value, path)
            else:
                yield from _flatten(value, f"{path}.{key}" if path else key)
    elif isinstance(detail, list | tuple):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list | tuple):
                # A list serializer's errors: one entry per item, empty for the items that were fine.
                yield from _flatten(item, f"{path}.{index}" if path else str(index))
            else:
                yield path or api_settings.NON_FIELD_ERRORS_KEY, item
    else:
        yield path or api_settings.NON_FIELD_ERRORS_KEY, detail


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: a URL under /api/ that matches no endpoint answers the API's JSON error, not the page."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Not found."), "code": ErrorCode.NOT_FOUND.value}, status=404)
    return defaults.page_not_found(request, exception)
