"""The OpenAPI schema class (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS): drf-spectacular's, plus what every
operation shares and no view should have to repeat, so that every status the API can answer is documented:
401 (a missing, wrong or expired token) where a token is needed, 403 on changes (a session without its CSRF
token), 404 (no such object, or page of a list), 400 on a body that cannot be read, 429 (rate limits, with
Retry-After) and the 503 of an outage (core.outage) on every operation; and on those marked `@idempotent`
(core.idempotency) the Idempotency-Key header and its 400 / 422 answers. A view's own answer for a status wins."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.permissions import AllowAny

from core.idempotency import HEADER, INVALID_KEY_CODE, KEY_REUSED_CODE, MAX_KEY_LENGTH, REPLAYED_HEADER
from core.outage import OUTAGE_CODE
from core.serializers import FIELD_ERRORS, ErrorSerializer

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _error(*codes: str) -> dict:
    return {
        "type": "object",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string", "enum": list(codes)}},
        "required": ["detail", "code"],
    }


IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        f"Optional, 1 to {MAX_KEY_LENGTH} printable ASCII characters, unique per change you mean (a UUID). If the "
        "answer was lost (a timeout, a 503), send the same request again with the same key: once the first one "
        "succeeded you get its answer again (same status and body, with `Idempotent-Replayed: true`) instead of "
        "a 409, and nothing is done twice. A request that failed is not remembered: fix it and retry with the "
        f"same key. The same key with a different request is refused (422, `{KEY_REUSED_CODE}`); a malformed key "
        f"is 400 (`{INVALID_KEY_CODE}`). Keys are kept for IDEMPOTENCY_KEY_TTL_HOURS (24 hours by default) and "
        "belong to the caller: another user's key of the same value is unrelated."
    ),
)
REPLAYED = OpenApiParameter(
    REPLAYED_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    enum=["true"],
    response=[200, 201],
    description="Present when this is the stored answer to an earlier request with the same Idempotency-Key.",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429, 503],
    description="Seconds to wait before trying again.",
)
SERVICE_UNAVAILABLE = OpenApiResponse(
    _error(OUTAGE_CODE),
    description="The database or the message broker cannot be reached right now. Try again after `Retry-After` "
    "seconds; for a change, send the same Idempotency-Key so that it is not done twice.",
)
KEY_REUSED = OpenApiResponse(
    _error(KEY_REUSED_CODE), description="This Idempotency-Key was already used for a different request."
)
INVALID_KEY = OpenApiResponse(_error(INVALID_KEY_CODE), description="A malformed Idempotency-Key header.")
NOT_AUTHENTICATED = OpenApiResponse(
    ErrorSerializer,
    description="No token, or a wrong, expired or revoked one (`not_authenticated`, `authentication_failed`): "
    "get a new token with POST /api/v1/auth/token/.",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="Not allowed (`permission_denied`), e.g. a change sent with the web session but without its "
    "CSRF token.",
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such object, or not yours to see; for a list, no such `page` (`not_found`)."
)
TOO_MANY_REQUESTS = OpenApiResponse(
    ErrorSerializer,
    description="Rate-limited (`throttled`; `too_many_wrong_tokens` after too many wrong tokens from your "
    "address). Try again after `Retry-After` seconds.",
)


class AutoSchema(SpectacularAutoSchema):
    def _is_idempotent(self) -> bool:
        handler = getattr(self.view, self.method.lower(), None)
        return bool(getattr(handler, "idempotent", False))

    def get_override_parameters(self):
        parameters = [*super().get_override_parameters(), RETRY_AFTER]
        if self._is_idempotent():
            parameters += [IDEMPOTENCY_KEY, REPLAYED]
        return parameters

    def _needs_token(self) -> bool:
        return bool(self.view.get_authenticators()) and not any(
            isinstance(permission, AllowAny) for permission in self.view.get_permissions()
        )

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        extra = {"404": NOT_FOUND, "429": TOO_MANY_REQUESTS, "503": SERVICE_UNAVAILABLE}
        if self._needs_token():
            extra["401"] = NOT_AUTHENTICATED
            if self.method in UNSAFE_METHODS:
                extra["403"] = FORBIDDEN
        if self.method in UNSAFE_METHODS and self.get_request_serializer() is not None:
            # DRF's parse_error for a body that cannot be read, whatever the operation's own checks.
            extra["400"] = FIELD_ERRORS
        if self._is_idempotent():
            extra.update({"422": KEY_REUSED})
            extra.setdefault("400", INVALID_KEY)
        for code, response in extra.items():
            # An operation's own 400 (field errors) stays; the header's description tells the key's 400 apart.
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return dict(sorted(responses.items()))
