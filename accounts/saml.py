"""Signing in with SAML 2.0 (djangosaml2 on pysaml2; signatures checked by the xmlsec1 program): the service
provider's configuration built from the settings (SAML_*) at each request, so its URLs are the site's own; the
account comes from accounts.sso's mapping of the assertion's attributes; a sign-in that does not map, or an
assertion refused, ends on a page saying why. The service provider's metadata: /saml2/metadata/."""

from __future__ import annotations

import logging
import os
from typing import Any
from urllib.parse import urlsplit

import saml2
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from djangosaml2.backends import Saml2Backend
from djangosaml2.views import LogoutInitView as Saml2LogoutInitView
from saml2.config import PREFERRED_BINDING, SPConfig
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED

from accounts.backends import CompiledUserLoad
from accounts.sso import REFUSAL_SESSION_KEY, SsoMappingError, identity_from_claims, sso_user_sync

logger = logging.getLogger(__name__)


def saml_enabled() -> bool:
    return bool(settings.SAML_IDP_METADATA_URL or settings.SAML_IDP_METADATA_FILE)


def _site(request: HttpRequest | None) -> str:
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return str(settings.KORPU_SITE_URL).rstrip("/")


def saml_config(request: HttpRequest | None = None) -> dict[str, Any]:
    """pysaml2's configuration of Körpü as a service provider."""
    site = _site(request)
    metadata: dict[str, Any] = {}
    if settings.SAML_IDP_METADATA_FILE:
        metadata["local"] = [settings.SAML_IDP_METADATA_FILE]
    if settings.SAML_IDP_METADATA_URL:
        metadata["remote"] = [{"url": settings.SAML_IDP_METADATA_URL}]
    signing = bool(settings.SAML_SP_KEY_FILE and settings.SAML_SP_CERT_FILE)
    config: dict[str, Any] = {
        "xmlsec_binary": settings.SAML_XMLSEC_BINARY,
        "entityid": settings.SAML_SP_ENTITY_ID or f"{site}/saml2/metadata/",
        "attribute_map_dir": os.path.join(os.path.dirname(saml2.__file__), "attributemaps"),
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "name": "Körpü",
                "name_id_format": [NAMEID_FORMAT_UNSPECIFIED],
                "endpoints": {
                    "assertion_consumer_service": [(f"{site}/saml2/acs/", saml2.BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (f"{site}/saml2/ls/", saml2.BINDING_HTTP_REDIRECT),
                        (f"{site}/saml2/ls/post/", saml2.BINDING_HTTP_POST),
                    ],
                },
                "allow_unsolicited": False,
                "authn_requests_signed": signing,
                "logout_requests_signed": signing,
                "want_assertions_signed": True,
                "want_response_signed": False,
            }
        },
        "metadata": metadata,
        # Logging out at the IdP by redirect (the POST binding's self-submitting form would need an inline script).
        "preferred_binding": {
            **PREFERRED_BINDING,
            "single_logout_service": [saml2.BINDING_HTTP_REDIRECT, saml2.BINDING_HTTP_POST],
        },
    }
    if signing:
        config["key_file"] = settings.SAML_SP_KEY_FILE
        config["cert_file"] = settings.SAML_SP_CERT_FILE
        config["encryption_keypairs"] = [
            {"key_file": settings.SAML_SP_KEY_FILE, "cert_file": settings.SAML_SP_CERT_FILE}
        ]
    return config


def idp_logout_origins() -> list[str]:
    """The origins of the identity providers' single logout services (cached an hour): the logout form's
    redirect goes there, so the CSP's form-action must allow them (accounts.middleware)."""
    if not saml_enabled():
        return []
    key = f"saml-slo-origins:{settings.SAML_IDP_METADATA_URL}:{settings.SAML_IDP_METADATA_FILE}"
    origins: list[str] | None = cache.get(key)
    if origins is None:
        found = set()
        try:
            metadata = config_loader(None).metadata
            for entity_id in metadata.identity_providers():
                for endpoints in metadata.single_logout_service(entity_id, typ="idpsso").values():
                    for endpoint in endpoints:
                        parts = urlsplit(endpoint.get("location", ""))
                        if parts.scheme in ("http", "https") and parts.netloc:
                            found.add(f"{parts.scheme}://{parts.netloc}")
        except Exception:  # unreadable metadata: no logout at the IdP, the sign-in says why
            logger.warning("SAML: the identity provider's metadata could not be read", exc_info=True)
        origins = sorted(found)
        cache.set(key, origins, 3600)
    return origins


def config_loader(request: HttpRequest | None = None) -> SPConfig:
    """djangosaml2's SAML_CONFIG_LOADER (404 when SAML is not configured)."""
    if not saml_enabled():
        raise Http404("SAML is not configured.")
    config = SPConfig()
    config.load(saml_config(request))
    return config


class AuthenticationBackend(CompiledUserLoad, Saml2Backend):
    """The user an assertion's attributes map to (accounts.sso), created or updated at each sign-in."""

    def authenticate(  # type: ignore[override]  # djangosaml2 calls it with the assertion, not a password
        self,
        request: HttpRequest | None,
        session_info: dict[str, Any] | None = None,
        attribute_mapping: Any = None,
        create_unknown_user: bool = True,
        assertion_info: Any = None,
        **kwargs: Any,
    ) -> Any:
        if request is None or session_info is None or "ava" not in session_info:
            return None  # not a SAML assertion: the password backends answer
        try:
            identity = identity_from_claims(session_info["ava"], source="saml")
        except SsoMappingError as refusal:
            request.session[REFUSAL_SESSION_KEY] = str(refusal)
            raise
        return sso_user_sync(identity=identity, source="saml")


def acs_failure(
    request: HttpRequest, exception: Exception | None = None, status: int = 403, **kwargs: Any
) -> HttpResponse:
    """djangosaml2's SAML_ACS_FAILURE_RESPONSE_FUNCTION: an assertion refused (bad signature, no user) ends on the
    page saying why, not on a bare error."""
    logger.warning("SAML sign-in refused: %s", exception)
    return redirect("accounts:sso_refused")


class LogoutInitView(Saml2LogoutInitView):
    """Logging out of Körpü after a SAML sign-in: the identity provider's single logout where it offers one;
    signed out here in any case (djangosaml2 answers 400 when the provider no longer knows the session)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().get(request, *args, **kwargs)
        if response.status_code >= 400:
            return redirect(settings.LOGOUT_REDIRECT_URL)
        return response
