"""Serve each signed-in user in their preferred language unless they picked one with the language switcher;
log the requests answered 403."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.services import access_refusal_record


class PreferredLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or settings.LANGUAGE_COOKIE_NAME in request.COOKIES
            or user.preferred_language not in dict(settings.LANGUAGES)
        ):
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
