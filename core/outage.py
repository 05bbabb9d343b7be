"""Outages answer honestly: a lost or refused database or broker connection is a 503 with Retry-After (a JSON
error with a code for the API, a standalone page for people), never a 500 that reads like a bug.

Three places meet such an error, and each hands it to `outage_response`:
- DRF views: core.api's exception handler (DRF catches every exception of its views first);
- other views: `OutageMiddleware.process_exception`;
- inner middleware (the session and the user are read from the database before any view runs): Django turns
  their exceptions into a response at once, so no outer middleware sees them; its 500 handler does, and
  `server_error` (config.urls' handler500) answers 503 when the exception it is handling is an outage.

What counts as an outage: a connection that could not be opened or was lost (psycopg reports these with no
SQLSTATE, or with class 08), the server shutting down or not yet accepting connections (57P01-57P03), "too many
connections" (53300), and Django's InterfaceError (a connection already closed). A serialization failure, a
deadlock, a lock or statement timeout is not: the database answered, and the request gets its usual answer."""

from __future__ import annotations

import logging
import sys

from django import db
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

OUTAGE_CODE = "service_unavailable"
# admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down), too_many_connections.
OUTAGE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def _broker_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = []
    try:
        from kombu.exceptions import OperationalError as KombuOperationalError

        errors.append(KombuOperationalError)
    except ImportError:  # pragma: no cover - kombu comes with Celery, which the project always installs
        pass
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors.extend([RedisConnectionError, RedisTimeoutError])
    except ImportError:  # pragma: no cover - only without Redis (the filesystem broker of `make run`)
        pass
    return tuple(errors)


BROKER_ERRORS = _broker_errors()


def is_database_outage(exc: BaseException) -> bool:
    if isinstance(exc, db.InterfaceError):
        return True
    if not isinstance(exc, db.OperationalError):
        return False
    # Django wraps the driver's error and keeps it as the cause; SQLite's errors carry no SQLSTATE and a
    # locked SQLite file is not an outage.
    cause = exc.__cause__
    if cause is None or not hasattr(cause, "sqlstate"):
        return False
    sqlstate = cause.sqlstate
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in OUTAGE_SQLSTATES


def is_outage(exc: BaseException | None) -> bool:
    if exc is None:
        return False
    return is_database_outage(exc) or isinstance(exc, BROKER_ERRORS)


def retry_after_seconds() -> int:
    return int(getattr(settings, "OUTAGE_RETRY_AFTER_SECONDS", 30))


def wants_json(request) -> bool:
    if request.path.startswith("/api/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def outage_payload() -> dict:
    return {"detail": _("The service is briefly unavailable. Try again in a moment."), "code": OUTAGE_CODE}


def outage_response(request) -> HttpResponse:
    """The 503 for people or for the API. Nothing here touches the database: it is the thing that is down
    (so the page is rendered without a request context, whose processors read the user and their roles)."""
    retry_after = retry_after_seconds()
    if wants_json(request):
        response: HttpResponse = JsonResponse(outage_payload(), status=503)
    else:
        html = loader.render_to_string(
            "503.html", {"retry_after": retry_after, "retry_path": request.get_full_path(), "method": request.method}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after)
    return response


def log_outage(request, exc: BaseException) -> None:
    logger.error("Service unavailable (%s): %s %s", type(exc).__name__, request.method, request.path, exc_info=exc)


class OutageMiddleware:
    """Answers 503 for an outage raised by a view (or a template it renders). Its place in MIDDLEWARE does not
    matter for that: process_exception runs for every view exception, whatever the order."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        log_outage(request, exception)
        return outage_response(request)


def server_error(request, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the exception Django is handling is in sys.exc_info(). An outage gets the 503 (Django has
    logged it already); anything else gets Django's own 500."""
    if is_outage(sys.exc_info()[1]):
        return outage_response(request)
    return defaults.server_error(request, template_name=template_name)
