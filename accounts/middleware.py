"""Serve each signed-in user in their preferred language; log the requests answered 403."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.services import access_refusal_record


class PreferredLanguageMiddleware:
    """A signed-in user sees the pages in their preferred language (their profile; the header's language switch
    stores its choice there too, accounts.views.set_language), whatever language cookie the browser had before
    they signed in. Anonymous visitors follow the switch's cookie and their browser (LocaleMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.preferred_language not in dict(settings.LANGUAGES):
            return self.get_response(request)
        # override() restores the thread's language afterwards, so nothing outside this request sees it.
        with translation.override(user.preferred_language):
            request.LANGUAGE_CODE = user.preferred_language
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", user.preferred_language)
        return response


class AccessRefusalMiddleware:
    """Log every request answered 403 (accounts.AccessRefusal): a page's PermissionDenied, a CSRF failure, an API
    refusal. The API's exception handler (core.api) leaves DRF's reason on the request for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            access_refusal_record(request=request, reason=getattr(request, "_korpu_refusal_reason", "") or "forbidden")
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            # Django turns it into the 403 page after this; keep its words for the log.
            request._korpu_refusal_reason = str(exception) or "permission denied"
        return None


class SingleSignOnLogoutCspMiddleware:
    """The header's "Log out" form, after a single sign-on, ends at the provider's logout (OpenID Connect's end
    session endpoint, the SAML IdP's single logout service): the strict CSP's form-action (which follows redirects)
    lets a signed-in user's pages send it there, and nowhere else. Sits inside django-csp's middleware, which reads
    the update from the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from accounts.oidc import oidc_enabled, provider_logout_origin
        from accounts.saml import idp_logout_origins, saml_enabled

        response = self.get_response(request)
        if not (oidc_enabled() or saml_enabled()) or "text/html" not in response.get("Content-Type", ""):
            return response
        try:
            signed_in = request.user.is_authenticated
        except Exception:  # no user on this request, or the database is gone (the page says so already)
            return response
        origins = [provider_logout_origin(), *idp_logout_origins()] if signed_in else []
        origins = [origin for origin in origins if origin]
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            response._csp_update = update
        return response
