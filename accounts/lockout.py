"""What a locked-out login sees (django-axes counts the failures, settings/auth.py sets the limits) and the
client address that the lockout, the API's throttles and the refused-access log all count by."""

import ipaddress

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

# The same words for a username that exists and one that does not, and whichever of username or address tripped.
LOCKOUT_MESSAGE = _(
    "Too many failed login attempts. Logging in with this username or from your address is paused for "
    "%(minutes)d minutes. Wait and try again, or ask the International Relations Office to unlock it."
)


def client_address(request) -> str | None:
    """The client's address: the socket's, or the one TRUSTED_PROXY_COUNT proxies vouch for
    (DRF's rule, so lockouts and throttles agree on who a client is)."""
    address = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        # Not an address (a forged X-Forwarded-For): the socket's then, which the client cannot choose.
        return request.META.get("REMOTE_ADDR") or None


def cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    return str(LOCKOUT_MESSAGE) % {"minutes": max(1, round(cooloff_seconds() / 60))}


class LoginLockedOut(Throttled):
    """The API's answer to a locked-out login: 429, `Retry-After`, and the lockout page's words."""

    default_code = "locked_out"

    def __init__(self):
        super().__init__(detail={"detail": lockout_message(), "code": self.default_code})
        # Set after init: Throttled would append "Expected available in N seconds." to the message.
        self.wait = cooloff_seconds()


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page (HTTP 429). The API's token endpoint has already answered 429
    in JSON (LoginLockedOut), which is kept as it is."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    response = render(
        request,
        "registration/locked_out.html",
        {"message": lockout_message()},
        status=429,
    )
    response["Retry-After"] = str(cooloff_seconds())
    return response
