"""Signing in with OpenID Connect (mozilla-django-oidc): the provider's endpoints come from its discovery document
(OIDC_ISSUER + /.well-known/openid-configuration, fetched once and cached) unless set one by one; the account comes
from accounts.sso's mapping of the claims; a sign-in that does not map ends on a page saying why."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.backends import CompiledUserLoad
from accounts.sso import REFUSAL_SESSION_KEY, SsoMappingError, identity_from_claims, sso_user_sync

logger = logging.getLogger(__name__)

# Setting -> the provider metadata's key that gives it when the setting is left empty.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


def oidc_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def provider_metadata() -> dict[str, Any]:
    """The provider's discovery document, cached for OIDC_DISCOVERY_CACHE_SECONDS (per issuer)."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    key = f"oidc-discovery:{issuer}"
    metadata = cache.get(key)
    if metadata is None:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
        cache.set(key, metadata, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    return dict(metadata)


def oidc_setting(attr: str, *args: Any) -> Any:
    """A mozilla-django-oidc setting; an endpoint left empty comes from the provider's discovery document."""
    if attr in DISCOVERED and not getattr(settings, attr, ""):
        if not oidc_enabled():
            raise Http404("OpenID Connect is not configured.")
        value = provider_metadata().get(DISCOVERED[attr])
        if value:
            return value
        if args:
            return args[0]
        raise ImproperlyConfigured(f"{attr}: not set, and the provider's discovery document does not give it")
    return import_from_settings(attr, *args)


def provider_logout_origin() -> str:
    """The origin of the provider's logout endpoint ("" when OpenID Connect is off, has none, or cannot be asked)."""
    if not oidc_enabled():
        return ""
    try:
        endpoint = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", "")
    except (requests.RequestException, ValueError, ImproperlyConfigured):
        logger.warning("OpenID Connect provider's discovery document unavailable", exc_info=True)
        return ""
    parts = urlsplit(endpoint or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


class AuthenticationBackend(CompiledUserLoad, OIDCAuthenticationBackend):
    """Users by their username claim (not by email, which people share and change); created or updated at each
    sign-in with the roles and departments of the claim mapping."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django makes every backend for every sign-in, the password's too: the provider is asked for its
        # endpoints only when an OpenID Connect callback is being authenticated (authenticate below).
        self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if not oidc_enabled() or request is None or "code" not in request.GET or "nonce" not in kwargs:
            return None  # not an OIDC callback: the password backends answer
        super().__init__()
        return super().authenticate(request, **kwargs)

    def retrieve_matching_jwk(self, token: Any) -> Any:
        """The provider's key that signed the ID token. mozilla-django-oidc requires every key to have an id
        (`kid`); a provider signing with keys that name none is matched by algorithm, and only when that leaves
        exactly one key."""
        import jwt
        from django.core.exceptions import SuspiciousOperation

        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        header = jwt.get_unverified_header(token)
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig"
            and key.get("alg", header.get("alg")) == header.get("alg")
            and (key.get("kid") is None or header.get("kid") is None or key["kid"] == header["kid"])
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("Could not find the provider's signing key.")
        return jwt.PyJWK(keys[0])

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return True  # the mapping decides (identity_from_claims), with a clear refusal

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        try:
            identity = identity_from_claims(claims, source="oidc")
        except SsoMappingError as refusal:
            self.request.session[REFUSAL_SESSION_KEY] = str(refusal)
            raise
        return sso_user_sync(identity=identity, source="oidc")


class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (404 when OpenID Connect is not configured)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not oidc_enabled():
            raise Http404("OpenID Connect is not configured.")
        super().__init__(*args, **kwargs)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)


class CallbackView(OIDCAuthenticationCallbackView):
    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)
