"""Serve each signed-in user in their preferred language unless they picked one with the language switcher."""

from django.conf import settings
from django.utils import translation


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
