"""Writes about people: API tokens (django-rest-knox makes and checks them) and the log of refused requests."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.lockout import client_address
from accounts.models import AccessRefusal, ApiToken, User
from accounts.selectors import access_api_token

if TYPE_CHECKING:
    from rest_framework.request import Request

logger = logging.getLogger(__name__)


@transaction.atomic
def api_token_create(*, user: User, client: str = "") -> tuple[ApiToken, str]:
    """A new token for one client or device, expiring after REST_KNOX's TOKEN_TTL. Returns the token and its key:
    only a digest is stored, so this is the one time the key can be shown."""
    client = client.strip()[: ApiToken._meta.get_field("client").max_length]
    # knox's manager (untyped) returns the token and its key.
    created: tuple[ApiToken, str] = ApiToken.objects.create(user=user, client=client)
    return created


@transaction.atomic
def api_token_refresh(*, token: ApiToken) -> tuple[ApiToken, str]:
    """Swap a token that still works for a new one for the same client, with a fresh expiry."""
    new_token, key = api_token_create(user=token.user, client=token.client)
    token.delete()
    return new_token, key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int | str) -> None:
    """Revoke one of the user's tokens (Http404 for a missing one and another's alike)."""
    access_api_token(user=user, token_id=token_id).delete()


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of the user: logging out everywhere, a new password, a deactivated account."""
    count: int
    count, _deleted = ApiToken.objects.filter(user=user).delete()
    return count


def api_token_touch(*, token: ApiToken) -> None:
    """Note that the token was just used, at most once a minute (a write per request would be wasted)."""
    now = timezone.now()
    interval = timedelta(seconds=settings.API_TOKEN_LAST_USED_INTERVAL_SECONDS)
    if token.last_used is None or token.last_used < now - interval:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now


def access_refusal_record(*, request: HttpRequest | Request, reason: str = "") -> None:
    """Log a request answered 403, once per request. Never fails the request it logs: a database that does not
    take the row is logged and left."""
    http_request: HttpRequest = getattr(request, "_request", request)  # DRF's Request wraps Django's
    if getattr(http_request, "_korpu_refusal_recorded", False):
        return
    http_request._korpu_refusal_recorded = True  # type: ignore[attr-defined]  # our own mark on the request
    user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    try:
        with transaction.atomic():
            AccessRefusal.objects.create(
                user=user,
                username=user.get_username() if user else "",
                ip_address=client_address(http_request),
                method=(http_request.method or "")[:10],
                path=http_request.get_full_path()[:500],
                reason=str(reason)[:500],
            )
    except DatabaseError:
        logger.exception("Could not log a refused request to %s", http_request.path)


def login_unlock(*, usernames: Iterable[str]) -> int:
    """Forget the failed logins counted against these usernames (django-axes' attempts), which ends their lockout.
    Returns how many attempt records went."""
    from axes.utils import reset

    count: int = sum(reset(username=username) for username in usernames)
    return count
