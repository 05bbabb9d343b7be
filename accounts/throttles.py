"""The API's rate limits, DRF's throttles counting in the shared cache (settings: API_THROTTLE_RATES).

Two changes to DRF's classes: the rate is read when a request comes (DRF reads it once, at import), and a cache
that does not answer lets the request through rather than failing it; the logins' lockout (django-axes) counts
in the database and still holds then."""

import logging

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)

CACHE_ERRORS = (RedisError, DatabaseError, OSError)


class _SettingsRateMixin:
    scope: str | None

    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(f"No rate for the throttle scope {self.scope!r} in API_THROTTLE_RATES.")

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            logger.warning("The cache did not answer; %s lets the request through.", type(self).__name__, exc_info=True)
            return True


class AnonRateThrottle(_SettingsRateMixin, throttling.AnonRateThrottle):
    """Anonymous use of the API, per address."""


class ScopedRateThrottle(_SettingsRateMixin, throttling.ScopedRateThrottle):
    """A view's own limit (its `throttle_scope`), per user or, anonymous, per address."""


class TokenFailureThrottle(_SettingsRateMixin, throttling.SimpleRateThrottle):
    """Requests with a wrong token, per address. Unlike DRF's throttles it counts only what `record_failure` is
    told about, and `is_blocked` checks without counting."""

    scope = "auth_token_failure"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _load(self, request) -> None:
        self.key = self.get_cache_key(request)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()

    def is_blocked(self, request) -> bool:
        try:
            self._load(request)
        except CACHE_ERRORS:
            logger.warning("The cache did not answer; wrong tokens are not counted.", exc_info=True)
            return False
        return len(self.history) >= self.num_requests

    def record_failure(self, request) -> None:
        try:
            self._load(request)
            self.history.insert(0, self.now)
            self.cache.set(self.key, self.history, self.duration)
        except CACHE_ERRORS:
            logger.warning("The cache did not answer; a wrong token was not counted.", exc_info=True)
