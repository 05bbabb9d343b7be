"""The terms of an agreement as one canonical JSON document: validation, the canonical form whose
SHA-256 binds approvals to a version, and the academic years a condition covers.

Cooperation conditions follow the shape of the Erasmus Without Paper IIA (one row per direction and
category) so that an EWP export later is a direct mapping."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models import AgreementType, Direction, MobilityCategory
from core.errors import ErrorCode
from core.numbers import range_message

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
EQF_LEVELS = (5, 6, 7, 8)
ISCED_RE = re.compile(r"^\d{4}$")
YEAR_RE = re.compile(r"^(\d{4})/(\d{2})$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
TERM_FIELDS = ("title", "type", "partner", "partner_unit", "start_date", "end_date", "text", "conditions")
# The allowed range of each number of a condition: the terms' check and the condition form say the same.
CONDITION_NUMBER_RANGES: dict[str, tuple[Any, Any]] = {
    "mobilities_per_year": (0, 999),
    "total_months_per_year": (Decimal(0), Decimal(9999)),
    "total_days_per_year": (0, 9999),
}
CONDITION_NUMBER_LABELS = {
    "mobilities_per_year": gettext_lazy("Mobilities per year"),
    "total_months_per_year": gettext_lazy("Total months per year"),
    "total_days_per_year": gettext_lazy("Total days per year"),
}


def _out_of_range(name: str) -> str:
    low, high = CONDITION_NUMBER_RANGES[name]
    return range_message(CONDITION_NUMBER_LABELS[name], low, high)


def academic_year_start(year: str) -> int:
    match = YEAR_RE.match(year or "")
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(year)
    return int(match.group(1))


def academic_years(first: str, last: str) -> list[str]:
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(academic_year_start(first), academic_year_start(last) + 1)]


def _clean_condition(raw: Any, index: int) -> tuple[dict, list[str]]:
    errors: list[str] = []
    where = _("Condition %(n)s: ") % {"n": index + 1}
    if not isinstance(raw, dict):
        return {}, [where + _("must be an object.")]
    direction = raw.get("direction")
    category = raw.get("category")
    if direction not in Direction.values:
        errors.append(where + _("choose the direction (outgoing or incoming)."))
    if category not in MobilityCategory.values:
        errors.append(where + _("choose the category."))
    students = isinstance(category, str) and MobilityCategory.for_students(category)
    first, last = raw.get("first_academic_year", ""), raw.get("last_academic_year", "")
    try:
        if academic_year_start(first) > academic_year_start(last):
            errors.append(where + _("the first academic year comes after the last."))
    except ValueError:
        errors.append(where + _("give academic years in the form 2026/27."))
    mobilities = raw.get("mobilities_per_year")
    if not isinstance(mobilities, int) or isinstance(mobilities, bool) or not 0 <= mobilities <= 999:
        errors.append(where + _out_of_range("mobilities_per_year"))
    months = raw.get("total_months_per_year")
    days = raw.get("total_days_per_year")
    if months is not None:
        try:
            months = str(Decimal(str(months)).quantize(Decimal("0.1")))
            if not 0 <= Decimal(months) <= 9999:
                raise InvalidOperation
        except InvalidOperation:
            errors.append(where + _out_of_range("total_months_per_year"))
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 9999):
        errors.append(where + _out_of_range("total_days_per_year"))
    if students and days is not None:
        errors.append(where + _("student mobility is counted in months, not days."))
    if not students and months is not None:
        errors.append(where + _("staff mobility is counted in days, not months."))
    areas = raw.get("subject_areas") or []
    if not isinstance(areas, list) or not all(isinstance(a, str) and ISCED_RE.match(a) for a in areas):
        errors.append(where + _("subject areas are ISCED-F codes of four digits, e.g. 0613."))
        areas = []
    levels = raw.get("eqf_levels") or []
    if not isinstance(levels, list) or not all(level in EQF_LEVELS for level in levels):
        errors.append(where + _("EQF levels are 5, 6, 7 or 8."))
        levels = []
    if levels and not students:
        errors.append(where + _("EQF levels apply to student mobility only."))
    languages = raw.get("languages") or []
    cleaned_languages = []
    if not isinstance(languages, list):
        languages = [None]
    for lang in languages:
        if (
            not isinstance(lang, dict)
            or not LANGUAGE_RE.match(str(lang.get("language", "")))
            or lang.get("cefr") not in CEFR_LEVELS
        ):
            errors.append(where + _("recommended languages need an ISO 639 code (e.g. “en”) and a CEFR level."))
            break
        cleaned_languages.append({"language": lang["language"], "cefr": lang["cefr"]})
    cleaned = {
        "direction": direction,
        "category": category,
        "first_academic_year": first,
        "last_academic_year": last,
        "mobilities_per_year": mobilities,
        "total_months_per_year": months,
        "total_days_per_year": days,
        "subject_areas": sorted(set(areas)),
        "eqf_levels": sorted(set(levels)),
        "languages": sorted(cleaned_languages, key=lambda lang: (lang["language"], lang["cefr"])),
    }
    return cleaned, errors


def clean_terms(raw: dict[str, Any]) -> dict[str, Any]:
    """Validate terms and return them in canonical form; ValidationError keyed by field."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message: str, code: ErrorCode = ErrorCode.TERMS_INVALID) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    title = str(raw.get("title") or "").strip()
    if not title:
        add("title", _("Give the agreement a title."), ErrorCode.REQUIRED)
    if raw.get("type") not in AgreementType.values:
        add("type", _("Choose the type of agreement."), ErrorCode.INVALID_CHOICE)
    start, end = raw.get("start_date"), raw.get("end_date")
    for field, value in (("start_date", start), ("end_date", end)):
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, date):
            add(field, _("Give a date."), ErrorCode.INVALID_DATE)
        elif field == "start_date":
            start = value
        else:
            end = value
    if isinstance(start, date) and isinstance(end, date) and end <= start:
        add("end_date", _("The agreement must end after it starts."), ErrorCode.PERIOD_ORDER)
    conditions = raw.get("conditions") or []
    cleaned_conditions = []
    if not isinstance(conditions, list):
        add("conditions", _("Conditions must be a list."))
        conditions = []
    seen = set()
    for index, condition in enumerate(conditions):
        cleaned, condition_errors = _clean_condition(condition, index)
        for message in condition_errors:
            add("conditions", message)
        key = (cleaned.get("direction"), cleaned.get("category"))
        if not condition_errors and key in seen:
            add("conditions", _("Condition %(n)s repeats a direction and category.") % {"n": index + 1})
        seen.add(key)
        cleaned_conditions.append(cleaned)
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "type": raw["type"],
        "partner": int(raw["partner"]),
        "partner_unit": int(raw["partner_unit"]) if raw.get("partner_unit") else None,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "text": str(raw.get("text") or "").replace("\r\n", "\n").strip(),
        "conditions": sorted(
            cleaned_conditions, key=lambda c: (c["direction"], c["category"], c["first_academic_year"])
        ),
    }


def canonical_json(terms: dict[str, Any]) -> str:
    return json.dumps(terms, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def terms_sha256(terms: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(terms).encode("utf-8")).hexdigest()


def terms_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Field-by-field differences between two versions' terms (conditions compared per direction+category)."""
    changes: list[dict[str, Any]] = []
    for field in TERM_FIELDS:
        if field == "conditions":
            continue
        if old.get(field) != new.get(field):
            changes.append({"field": field, "old": old.get(field), "new": new.get(field)})
    old_c = {(c["direction"], c["category"]): c for c in old.get("conditions", [])}
    new_c = {(c["direction"], c["category"]): c for c in new.get("conditions", [])}
    for key in sorted(set(old_c) | set(new_c)):
        if old_c.get(key) != new_c.get(key):
            changes.append({"field": f"conditions.{key[0]}.{key[1]}", "old": old_c.get(key), "new": new_c.get(key)})
    return changes
