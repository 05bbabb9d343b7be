"""The OpenAPI schema class (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS): drf-spectacular's, plus what every
operation shares and no view should have to repeat — the 503 of an outage (core.outage) on every operation,
and on those marked `@idempotent` (core.idempotency) the Idempotency-Key header and its 400 / 422 answers."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from core.idempotency import HEADER, INVALID_KEY_CODE, KEY_REUSED_CODE, MAX_KEY_LENGTH, REPLAYED_HEADER
from core.outage import OUTAGE_CODE


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
    response=[503],
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


class AutoSchema(SpectacularAutoSchema):
    def _is_idempotent(self) -> bool:
        handler = getattr(self.view, self.method.lower(), None)
        return bool(getattr(handler, "idempotent", False))

    def get_override_parameters(self):
        parameters = [*super().get_override_parameters(), RETRY_AFTER]
        if self._is_idempotent():
            parameters += [IDEMPOTENCY_KEY, REPLAYED]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        extra = {"503": SERVICE_UNAVAILABLE}
        if self._is_idempotent():
            extra.update({"400": INVALID_KEY, "422": KEY_REUSED})
        for code, response in extra.items():
            # An operation's own 400 (field errors) stays; the header's description tells the key's 400 apart.
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return dict(sorted(responses.items()))
