"""The error bodies every app's API answers with, documented once in the schema and produced by
core.api.exception_handler:

- `Error` — `{"detail": "...", "code": "..."}`: 401, 403, 404, 405, 409, 415, 429, 503 and a malformed body (400);
- `FieldErrors` — `{"<field>": ["message", ...], ..., "codes": {"<field>": ["code", ...]}}`: bad input (400).
  `non_field_errors` holds what concerns the request as a whole; a nested field is named by its path
  (`conditions.1.direction`, `choices.0`). `codes` has the same keys, a code per message, in order.

Every code is one of `ErrorCode` (core.errors), one enum component in the schema."""

from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from core.errors import ErrorCode

ERROR_CODE_COMPONENT = "ErrorCode"
ERROR_CODE_SCHEMA = {
    "type": "string",
    "enum": [code.value for code in ErrorCode],
    "description": "A machine-readable code: what went wrong, whatever the language of the message.",
}


@extend_schema_field(ERROR_CODE_SCHEMA, component_name=ERROR_CODE_COMPONENT)
class ErrorCodeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=[(code.value, code.value) for code in ErrorCode], **kwargs)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in the user's language."))
    code = ErrorCodeField(
        help_text=_(
            "What went wrong, for programs: e.g. not_found, permission_denied, not_authenticated, already_decided, "
            "case_busy, no_place_left, application_not_editable, agreement_not_draft."
        )
    )


_CODE_REF = {"$ref": f"#/components/schemas/{ERROR_CODE_COMPONENT}"}

FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Messages by field: `{field: [message, ...]}`; `non_field_errors` for the request as a "
    "whole; a nested field by its path (`conditions.1.direction`); a field named `code`, `codes` or `detail` as "
    "`fields.code` (and so on). `codes` gives the code of each message. "
    "A body that cannot be parsed answers `detail` and `code` (`parse_error`) instead.",
    "properties": {
        "codes": {
            "type": "object",
            "description": "The same keys as the messages: one code per message, in the same order.",
            "additionalProperties": {"type": "array", "items": _CODE_REF},
        },
        "detail": {"type": "string", "description": "Only for a body that cannot be read, or a bad header."},
        "code": _CODE_REF,
    },
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

FIELD_ERRORS = OpenApiResponse(
    FIELD_ERRORS_SCHEMA,
    description="Bad input: messages by field (`non_field_errors` for the request as a whole) and their "
    "`codes`; or a body that cannot be read (`detail`, `code`).",
)


# --- fields that may be empty ------------------------------------------------------------------
# An email or URL column with blank=True holds "" when not given, and "" is no email: the schema says "an email,
# or empty" rather than `format: email` for every value. The check is a plain function, not Django's validator
# object, which drf-spectacular would turn back into `format: email` for every value.


def _email_or_empty(value: str) -> None:
    if value:
        validate_email(value)


def _url_or_empty(value: str) -> None:
    if value:
        URLValidator()(value)


@extend_schema_field({"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}]})
class OptionalEmailField(serializers.CharField):
    """An email address, or empty."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(_email_or_empty)


@extend_schema_field({"type": "string", "anyOf": [{"format": "uri"}, {"maxLength": 0}]})
class OptionalURLField(serializers.CharField):
    """A URL, or empty."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(_url_or_empty)
