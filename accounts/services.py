"""Writes about people: API tokens (django-rest-knox makes and checks them), the log of refused requests, the
user's language, their signed-in sessions and deputies."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.lockout import client_address
from accounts.models import AccessRefusal, ApiToken, Deputyship, User, UserSession
from accounts.permissions import can_manage_deputies, is_approver
from accounts.selectors import access_api_token, access_user_session
from core.errors import ErrorCode, field_error

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


# --- the user's language ----------------------------------------------------------------------------------------


def user_language_set(*, user: User, language: str) -> None:
    """Store the user's preferred language: the pages after login and every notification written from now on."""
    if language not in dict(settings.LANGUAGES):
        raise field_error("preferred_language", _("Choose Azerbaijani or English."), ErrorCode.INVALID_CHOICE)
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


# --- signed-in sessions -----------------------------------------------------------------------------------------


def user_session_record(*, user: User, request: HttpRequest, method: str = "password") -> UserSession | None:
    """Note the session a user just signed in with (user_logged_in), so that their profile lists and ends it."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    if session.session_key is None:
        session.save()
    row, _created = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "created_at": timezone.now(),
            "ip_address": client_address(request),
            "user_agent": request.headers.get("User-Agent", "")[:300],
            "method": method[:20],
        },
    )
    return row


def user_session_forget(*, session_key: str | None) -> None:
    """The session ended (logout): it leaves the list."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def user_session_revoke(*, user: User, session_id: int | str) -> None:
    """End one of the user's signed-in sessions: deleted from the session store, that browser is signed out at
    its next request. Http404 for another's or a missing one."""
    from importlib import import_module

    row = access_user_session(user=user, session_id=session_id)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    store(session_key=row.session_key).delete()
    row.delete()


# --- deputies ----------------------------------------------------------------------------------------------------


def _overlapping(queryset: QuerySet[Deputyship], *, starts_on: date, ends_on: date) -> QuerySet[Deputyship]:
    return queryset.filter(starts_on__lte=ends_on, ends_on__gte=starts_on, cancelled_at__isnull=True)


def deputyship_check(*, principal: User, deputy: User, starts_on: date, ends_on: date) -> None:
    """The rules of a new deputyship (deputyship_create's; the admin's form asks them too): ValidationError by
    field, with a code."""
    if not is_approver(principal):
        raise field_error("principal", _("Only approvers have deputies."), ErrorCode.DEPUTY_NOT_APPROVER)
    if deputy.pk == principal.pk or not is_approver(deputy):
        raise field_error(
            "deputy", _("Choose another approver (coordinator, head or prorector)."), ErrorCode.DEPUTY_NOT_APPROVER
        )
    if ends_on < starts_on:
        raise field_error("ends_on", _("The last day cannot come before the first."), ErrorCode.DEPUTY_DATES)
    if ends_on < timezone.localdate():
        raise field_error("ends_on", _("The last day has passed already."), ErrorCode.DEPUTY_DATES)
    running = Deputyship.objects.all()
    if _overlapping(running.filter(principal=principal), starts_on=starts_on, ends_on=ends_on).exists():
        raise field_error("starts_on", _("A deputy is already named for some of these days."), ErrorCode.DEPUTY_OVERLAP)
    if _overlapping(running.filter(deputy=principal), starts_on=starts_on, ends_on=ends_on).exists():
        raise field_error(
            "deputy",
            _("A deputy cannot name a deputy of their own for days they stand in for someone."),
            ErrorCode.DEPUTY_CHAIN,
        )
    if _overlapping(running.filter(Q(principal=deputy)), starts_on=starts_on, ends_on=ends_on).exists():
        raise field_error(
            "deputy", _("This person is away on some of these days and has a deputy."), ErrorCode.DEPUTY_CHAIN
        )


@transaction.atomic
def deputyship_create(
    *, actor: User | AnonymousUser, principal: User, deputy: User, starts_on: date, ends_on: date
) -> Deputyship:
    """Name `deputy` to act on `principal`'s tasks from `starts_on` to `ends_on` (both included).

    Refused (PermissionDenied) unless the actor is the approver or an administrator. ValidationError (by field,
    with a code) for: a deputy who is no approver or is the approver, dates in the wrong order or past, an
    approver who already has a deputy for some of those days, and chains — a deputy cannot name a deputy of
    their own for days they stand in, and nobody is named for days they are away themselves."""
    if not can_manage_deputies(actor, principal):
        raise PermissionDenied(_("You may not name deputies for this person."))
    # Rows of both people locked in primary-key order: two namings at once cannot make a chain between them.
    list(User.objects.select_for_update().filter(pk__in=[principal.pk, deputy.pk]).order_by("pk"))
    deputyship_check(principal=principal, deputy=deputy, starts_on=starts_on, ends_on=ends_on)
    deputyship = Deputyship(
        principal=principal,
        deputy=deputy,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor if isinstance(actor, User) else None,
    )
    deputyship.full_clean()
    deputyship.save()
    logger.info("%s named %s deputy of %s, %s to %s", actor, deputy, principal, starts_on, ends_on)
    return deputyship


@transaction.atomic
def deputyship_cancel(*, actor: User | AnonymousUser, deputyship_id: int | str) -> Deputyship:
    """End a deputyship now (it stays on record). Http404 for one the actor may not manage or see."""
    from django.http import Http404

    try:
        deputyship = Deputyship.objects.select_for_update().select_related("principal").get(pk=deputyship_id)
    except (Deputyship.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such deputy."))
    if not can_manage_deputies(actor, deputyship.principal):
        raise Http404(_("No such deputy."))
    if deputyship.cancelled_at is None:
        deputyship.cancelled_at = timezone.now()
        deputyship.cancelled_by = actor if isinstance(actor, User) else None
        today = timezone.localdate()
        fields = ["cancelled_at", "cancelled_by"]
        if deputyship.ends_on >= today > deputyship.starts_on:
            # Ended early: the summary covers the days it ran.
            deputyship.ends_on = today
            fields.append("ends_on")
        deputyship.save(update_fields=fields)
    return deputyship
