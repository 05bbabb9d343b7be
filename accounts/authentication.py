"""The API's token check: django-rest-knox's, which hashes the key sent and drops expired tokens, plus a limit on
wrong tokens per address. knox refuses a wrong token before any DRF throttle runs, so the count is kept here."""

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled

from accounts.services import api_token_touch
from accounts.throttles import TokenFailureThrottle


class TooManyWrongTokens(Throttled):
    default_detail = _("Too many requests with a wrong or expired token from your address.")
    default_code = "too_many_wrong_tokens"


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <key>`. Past API_THROTTLE_RATES["auth_token_failure"] wrong tokens, every token from
    that address is refused (429, Retry-After) until the window passes, so guessing learns nothing more."""

    def authenticate(self, request):
        # knox passes only the key on to authenticate_credentials; the count is by the request's address.
        self.request = request
        return super().authenticate(request)

    def authenticate_credentials(self, token):
        throttle = TokenFailureThrottle()
        if throttle.is_blocked(self.request):
            raise TooManyWrongTokens(wait=throttle.wait())
        try:
            user, auth_token = super().authenticate_credentials(token)
        except AuthenticationFailed:
            throttle.record_failure(self.request)
            raise
        api_token_touch(token=auth_token)
        return user, auth_token
