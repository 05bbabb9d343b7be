"""Who is calling the EWP endpoints (index, get, approval): ONE pluggable function, named by the setting
EWP_REQUEST_AUTHENTICATOR, takes the Django request and answers an EwpCaller, or None for a request it does not
authenticate (401). It may raise EwpAuthRefused (401 with a reason) or EwpAuthThrottled (429).

Here, `api_token_caller` accepts the API's own tokens (django-rest-knox, `Authorization: Token <key>`, the same
check and wrong-token limit as the REST API): the caller is a user, who is served the IIAs of the agreements they
may see. On the EWP network a deployment plugs in a function that verifies EWP's HTTP signatures (the
`Signature`/`Digest` headers of "EWP Authentication and Security v2": the request is signed with a client key
the EWP registry lists) and answers EwpCaller(user=None, hei_ids=<the hei-ids the registry says that key
covers>): such a caller is served only the IIAs whose partner is one of those HEIs. Responses then need signing
too (httpsig response signatures), which that deployment adds in front of these views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

from accounts.models import User


@dataclass(frozen=True)
class EwpCaller:
    """An authenticated caller: a user of ours (served what they may see) and/or the partner HEIs it speaks for
    (None: not limited to some HEIs; a user's own visibility still applies)."""

    user: User | None = None
    hei_ids: frozenset[str] | None = None


class EwpAuthRefused(Exception):
    """Credentials were given and are wrong (HTTP 401)."""


class EwpAuthThrottled(Exception):
    """Too many wrong credentials from this address (HTTP 429)."""

    def __init__(self, wait: float | None = None) -> None:
        super().__init__("too many wrong credentials")
        self.wait = wait


def api_token_caller(request: HttpRequest) -> EwpCaller | None:
    """The local stand-in for EWP's HTTP signatures: an API token of one of our users."""
    from rest_framework.exceptions import AuthenticationFailed, Throttled

    from accounts.authentication import TokenAuthentication

    try:
        result = TokenAuthentication().authenticate(request)
    except Throttled as exc:
        raise EwpAuthThrottled(exc.wait) from None
    except AuthenticationFailed as exc:
        raise EwpAuthRefused(str(exc.detail)) from None
    if result is None:
        return None
    user, _token = result
    if not user.is_active:
        raise EwpAuthRefused("inactive user")
    return EwpCaller(user=user)


def authenticate_ewp_request(request: HttpRequest) -> EwpCaller | None:
    authenticator: Callable[[HttpRequest], EwpCaller | None] = import_string(settings.EWP_REQUEST_AUTHENTICATOR)
    return authenticator(request)
