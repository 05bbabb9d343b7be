"""Numbers people type (a GPA, a year of study, hours, places): one message for every way a number can be out of
range — too big, too small, too many digits — in the office's words ("GPA must be between 0 and 100"), the same on
pages and in the API. The ranges live with each model's services; this module only says them and applies them."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator, MaxValueValidator, MinValueValidator
from django.utils.deconstruct import deconstructible
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.errors import ErrorCode

Number = int | Decimal
# Django's and DRF's own codes for a number out of range or with too many digits before the point.
RANGE_CODES = ("min_value", "max_value", "max_digits", "max_whole_digits")


def number_text(value: Number) -> str:
    if isinstance(value, Decimal) and value == value.to_integral():
        return str(value.quantize(Decimal(1)))
    return str(value)


def range_message(label: Any, low: Number, high: Number) -> str:
    return _("%(field)s must be between %(min)s and %(max)s.") % {
        "field": capfirst(str(label)),
        "min": number_text(low),
        "max": number_text(high),
    }


@deconstructible
class NumberRangeValidator:
    """low ≤ value ≤ high, refused with the range message and code out_of_range."""

    def __init__(self, low: Number, high: Number, label: Any) -> None:
        self.low, self.high, self.label = low, high, label

    def __call__(self, value: Any) -> None:
        if value is not None and not (self.low <= value <= self.high):
            raise ValidationError(range_message(self.label, self.low, self.high), code=ErrorCode.OUT_OF_RANGE)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NumberRangeValidator) and (self.low, self.high) == (other.low, other.high)


def _apply(field: Any, label: Any, low: Number, high: Number) -> None:
    message = range_message(label, low, high)
    field.error_messages = {**field.error_messages, **{code: message for code in RANGE_CODES}}
    # One message, not one per validator: the bounds' and digits' validators give way to the range's.
    field.validators = [
        v for v in field.validators if not isinstance(v, (MinValueValidator, MaxValueValidator, DecimalValidator))
    ] + [NumberRangeValidator(low, high, label)]
    for attribute in ("min_value", "max_value"):
        if hasattr(field, attribute):
            setattr(field, attribute, None)


def apply_form_ranges(fields: Mapping[str, Any], ranges: Mapping[str, tuple[Number, Number]]) -> None:
    """Give the form's numeric fields the office's range message (fields the form does not have are skipped)."""
    for name, (low, high) in ranges.items():
        if name in fields:
            _apply(fields[name], fields[name].label, low, high)
            fields[name].widget.attrs.pop("max", None)
            fields[name].widget.attrs.pop("min", None)


def apply_serializer_ranges(fields: Mapping[str, Any], ranges: Mapping[str, tuple[Number, Number]], model: Any) -> None:
    """The same for a serializer's fields (labelled by the model's field names)."""
    for name, (low, high) in ranges.items():
        if name in fields:
            _apply(fields[name], model._meta.get_field(name).verbose_name, low, high)


def check_ranges(values: Mapping[str, Any], ranges: Mapping[str, tuple[Number, Number]], model: Any) -> None:
    """A service's check: every given value within its range, else field errors with code out_of_range."""
    errors: dict[str, list[ValidationError]] = {}
    for name, (low, high) in ranges.items():
        value = values.get(name)
        if value in (None, ""):
            continue
        try:
            NumberRangeValidator(low, high, model._meta.get_field(name).verbose_name)(Decimal(str(value)))
        except ValidationError as error:
            errors[name] = [error]
        except ArithmeticError:
            continue  # not a number at all: the field's own validation says so
    if errors:
        raise ValidationError(errors)
