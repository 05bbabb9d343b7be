"""Reads about people: a user's API tokens (never their keys: only knox's digest of each is stored)."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User


def api_token_list(*, user: User | AnonymousUser) -> QuerySet[ApiToken]:
    """The user's tokens that still work, the newest first (expired ones go when knox next meets them)."""
    # knox ships no types, so ApiToken's manager is Any to mypy.
    tokens: QuerySet[ApiToken] = ApiToken.objects.filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user
    ).order_by("-created", "-pk")
    return tokens


def access_api_token(*, user: User | AnonymousUser, token_id: int | str) -> ApiToken:
    """One of the user's tokens; the same 404 for a missing one and another's."""
    try:
        return api_token_list(user=user).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such token."))
