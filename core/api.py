"""DRF glue shared by every app's API: errors become the status codes the API promises."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Conflict
from core.outage import is_outage, log_outage, outage_payload, retry_after_seconds


def exception_handler(exc, context):
    if is_outage(exc):
        # DRF would re-raise it to Django, whose 500 handler answers 503 too; answering here keeps the
        # API's JSON error and DRF's headers either way.
        log_outage(context["request"], exc)
        return Response(outage_payload(), status=503, headers={"Retry-After": str(retry_after_seconds())})
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc.message), "code": exc.code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if field == NON_FIELD_ERRORS else field): [
                    str(m) for e in errors for m in e.messages
                ]
                for field, errors in exc.error_dict.items()
            }
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = DRFValidationError(detail=detail)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_403_FORBIDDEN:
        # accounts' middleware logs every 403 (AccessRefusal); leave it DRF's reason on the request.
        http_request = getattr(context["request"], "_request", context["request"])
        http_request._korpu_refusal_reason = str(getattr(exc, "detail", exc))
    return response
