"""Writes about people: API tokens."""

from rest_framework.authtoken.models import Token


def api_token_issue(*, user) -> Token:
    """The user's API token, created on first use (one token per user, as DRF's obtain_auth_token does)."""
    token, _created = Token.objects.get_or_create(user=user)
    return token
