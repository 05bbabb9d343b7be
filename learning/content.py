"""What a version of a learning agreement says, as one canonical JSON document: its shape (checked field by field
when saved), its SHA-256 (the canonical form of agreements.terms, which signatures bind to), the rules checked
before it is signed (credits per semester, recognised credits, the partner's catalogue, the language level), and
the difference between two versions."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from agreements.terms import CEFR_LEVELS, EQF_LEVELS, canonical_json, terms_sha256
from core.errors import ErrorCode
from learning.models import (
    DELETE_REASONS,
    INSERT_REASONS,
    ComponentStatus,
    ComponentTable,
    LAKind,
    ReasonCode,
)

ISCED_RE = re.compile(r"^\d{4}$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")
TERMS = ("fall", "spring", "full_year", "summer")
# A term's place in EWP's term-id (term-number / total-terms).
EWP_TERMS = {"fall": (1, 2), "spring": (2, 2), "full_year": (1, 1), "summer": (3, 3)}
STAFF_ACTIVITIES = ("teaching", "training")
MAX_COMPONENTS = 60
MAX_ECTS = Decimal("60")

__all__ = ["canonical_json", "content_sha256", "clean_content", "content_rules_check", "content_diff"]


def content_sha256(content: dict[str, Any]) -> str:
    return terms_sha256(content)


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = defaultdict(list)

    def add(self, field: str, message: str, code: ErrorCode = ErrorCode.LA_CONTENT_INVALID) -> None:
        self.by_field[field].append(ValidationError(message, code=code))

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(dict(self.by_field))


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _ects(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not number.is_finite() or number <= 0 or number > MAX_ECTS or number != number.quantize(Decimal("0.1")):
        return None
    return number.quantize(Decimal("0.1"))


def _text(raw: dict[str, Any], name: str, limit: int) -> str:
    value = raw.get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def _clean_mobility(raw: Any, errors: _Errors) -> dict[str, Any]:
    if not isinstance(raw, dict):
        errors.add("mobility", _("Give the mobility's details."))
        return {}
    start, end = _date(raw.get("start_date")), _date(raw.get("end_date"))
    if start is None:
        errors.add("mobility.start_date", _("Give the start date (YYYY-MM-DD)."))
    if end is None:
        errors.add("mobility.end_date", _("Give the end date (YYYY-MM-DD)."))
    if start and end and end <= start:
        errors.add("mobility.end_date", _("The mobility must end after it starts."), ErrorCode.PERIOD_ORDER)
    eqf: int | None
    try:
        eqf = int(raw.get("eqf_level"))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        eqf = None
    if eqf not in EQF_LEVELS:
        errors.add("mobility.eqf_level", _("Choose the EQF level (5, 6, 7 or 8)."))
    isced = _text(raw, "isced_code", 4)
    if not ISCED_RE.match(isced):
        errors.add("mobility.isced_code", _("Give the ISCED-F code of the field of study: four digits, e.g. 0613."))
    language = _text(raw, "language", 3).lower()
    if not LANGUAGE_RE.match(language):
        errors.add("mobility.language", _("Give the language of instruction as an ISO 639 code, e.g. “en”."))
    level = _text(raw, "language_level", 2).upper()
    if level not in CEFR_LEVELS:
        errors.add("mobility.language_level", _("Choose the CEFR level (A1 to C2)."))
    return {
        "start_date": start.isoformat() if start else "",
        "end_date": end.isoformat() if end else "",
        "eqf_level": eqf,
        "isced_code": isced,
        "isced_clarification": _text(raw, "isced_clarification", 255),
        "language": language,
        "language_level": level,
        "receiving_unit": _text(raw, "receiving_unit", 255),
    }


def _clean_component(raw: Any, index: int, errors: _Errors, *, change: bool) -> dict[str, Any]:
    where = f"components.{index}"
    if not isinstance(raw, dict):
        errors.add(where, _("Each component is an object."))
        return {}
    table = raw.get("table")
    if table not in ComponentTable.values:
        errors.add(f"{where}.table", _("Choose the table: A (studied), B (recognised), virtual or blended."))
    title = _text(raw, "title", 255)
    if not title:
        errors.add(f"{where}.title", _("Give the component's title."))
    ects = _ects(raw.get("ects"))
    if ects is None:
        errors.add(
            f"{where}.ects",
            _("Give the ECTS credits: more than 0, at most %(max)s, in steps of 0.1.") % {"max": MAX_ECTS},
            ErrorCode.OUT_OF_RANGE,
        )
    term = raw.get("term") or ""
    if term not in TERMS:
        errors.add(f"{where}.term", _("Choose the term: fall, spring, full_year or summer."))
    status = raw.get("status") or ""
    if status not in ComponentStatus.values:
        errors.add(f"{where}.status", _("The status is empty, inserted or deleted."))
    reason_code = raw.get("reason_code") or ""
    reason_text = _text(raw, "reason_text", 500)
    if status and not change:
        errors.add(f"{where}.status", _("Only a change proposal adds or removes components with a reason."))
    if status:
        allowed = DELETE_REASONS if status == ComponentStatus.DELETED else INSERT_REASONS
        if reason_code not in allowed:
            errors.add(
                f"{where}.reason_code",
                _("Give the reason for this change: one of %(codes)s.") % {"codes": ", ".join(allowed)},
                ErrorCode.REASON_REQUIRED,
            )
        elif reason_code == ReasonCode.OTHER and not reason_text:
            errors.add(f"{where}.reason_text", _("Explain the reason “other”."), ErrorCode.REASON_REQUIRED)
    elif reason_code:
        errors.add(f"{where}.reason_code", _("A reason is given only for an added or removed component."))
    return {
        "table": table,
        "code": _text(raw, "code", 40),
        "title": title,
        "ects": str(ects) if ects is not None else "",
        "term": term,
        "status": status,
        "reason_code": reason_code if status else "",
        "reason_text": reason_text if status else "",
    }


def _clean_staff(raw: Any, errors: _Errors) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raw = {}
    activity = raw.get("activity")
    if activity not in STAFF_ACTIVITIES:
        errors.add("staff.activity", _("Choose teaching or training."))
    hours = raw.get("hours")
    try:
        hours = int(hours)
    except (TypeError, ValueError, OverflowError):
        hours = None
    if hours is None or not 1 <= hours <= 200:
        errors.add("staff.hours", _("Give the hours of teaching or training: 1 to 200."), ErrorCode.OUT_OF_RANGE)
    programme = _text(raw, "programme", 5000)
    if not programme:
        errors.add("staff.programme", _("Describe the programme of the mobility."))
    return {
        "activity": activity,
        "hours": hours,
        "programme": programme,
        "outcomes": _text(raw, "outcomes", 5000),
    }


def clean_content(raw: Any, *, kind: str, change: bool = False) -> dict[str, Any]:
    """The content in canonical form, or ValidationError keyed by field path (`components.2.ects`). A change
    proposal (`change`) may mark components inserted/deleted, each with an EWP reason code."""
    errors = _Errors()
    if not isinstance(raw, dict):
        errors.add("content", _("The content is an object with mobility and components."))
        errors.raise_any()
    content: dict[str, Any] = {"mobility": _clean_mobility(raw.get("mobility"), errors)}
    components = raw.get("components") or []
    if not isinstance(components, list):
        errors.add("components", _("Components are a list."))
        components = []
    if len(components) > MAX_COMPONENTS:
        errors.add("components", _("At most %(n)s components.") % {"n": MAX_COMPONENTS}, ErrorCode.TOO_MANY)
        components = components[:MAX_COMPONENTS]
    content["components"] = [
        _clean_component(item, index, errors, change=change) for index, item in enumerate(components)
    ]
    if kind == LAKind.STAFF:
        content["staff"] = _clean_staff(raw.get("staff"), errors)
    errors.raise_any()
    return content


def _live(components: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    return [c for c in components if c["table"] == table and c["status"] != ComponentStatus.DELETED]


def _semesters(term: str) -> int:
    return 2 if term == "full_year" else 1


def content_rules_check(
    content: dict[str, Any],
    *,
    kind: str,
    catalogue: dict[str, Any] | None = None,
    required_level: str = "",
) -> None:
    """The rules a version must meet before it is signed; ValidationError keyed by field, each message saying what
    is expected. `catalogue`: the partner's courses by code (None or empty: components are free text);
    `required_level`: the CEFR level the agreement or call asks for in the LA's language."""
    errors = _Errors()
    components = content.get("components", [])
    if required_level:
        level = content["mobility"].get("language_level", "")
        if level in CEFR_LEVELS and CEFR_LEVELS.index(level) < CEFR_LEVELS.index(required_level):
            errors.add(
                "mobility.language_level",
                _("The agreement asks for at least %(required)s in this language; %(level)s is stated.")
                % {"required": required_level, "level": level},
                ErrorCode.LA_LANGUAGE_LEVEL,
            )
    if kind == LAKind.STAFF:
        errors.raise_any()
        return
    studied = _live(components, ComponentTable.STUDIED)
    recognised = _live(components, ComponentTable.RECOGNISED)
    if not studied:
        errors.add("components", _("Table A needs at least one component to study."), ErrorCode.REQUIRED)
    if not recognised:
        errors.add("components", _("Table B needs at least one component to recognise."), ErrorCode.REQUIRED)
    low = Decimal(settings.LA_MIN_ECTS_PER_SEMESTER)
    high = Decimal(settings.LA_MAX_ECTS_PER_SEMESTER)
    by_term: dict[str, Decimal] = defaultdict(Decimal)
    for component in studied:
        by_term[component["term"]] += Decimal(component["ects"])
    for term, total in sorted(by_term.items()):
        semesters = _semesters(term)
        if term != "summer" and not low * semesters <= total <= high * semesters:
            errors.add(
                "components",
                _(
                    "Table A, %(term)s: %(total)s ECTS; between %(low)s and %(high)s are expected "
                    "(%(usual)s per semester is usual)."
                )
                % {
                    "term": term,
                    "total": total,
                    "low": low * semesters,
                    "high": high * semesters,
                    "usual": settings.LA_USUAL_ECTS_PER_SEMESTER,
                },
                ErrorCode.LA_ECTS_OUT_OF_RANGE,
            )
    studied_total = sum((Decimal(c["ects"]) for c in studied), Decimal(0))
    recognised_total = sum((Decimal(c["ects"]) for c in recognised), Decimal(0))
    if studied and recognised and studied_total != recognised_total:
        errors.add(
            "components",
            _("Table B recognises %(b)s ECTS but Table A studies %(a)s: the credits must match.")
            % {"a": studied_total, "b": recognised_total},
            ErrorCode.LA_CREDITS_MISMATCH,
        )
    if catalogue:
        for index, component in enumerate(components):
            if component["table"] != ComponentTable.STUDIED or component["status"] == ComponentStatus.DELETED:
                continue
            course = catalogue.get(component["code"])
            if course is None:
                errors.add(
                    f"components.{index}.code",
                    _("“%(code)s” is not in the receiving institution's course catalogue.")
                    % {"code": component["code"] or component["title"]},
                    ErrorCode.LA_NOT_IN_CATALOGUE,
                )
            elif Decimal(str(course["ects"])) != Decimal(component["ects"]):
                errors.add(
                    f"components.{index}.ects",
                    _("The catalogue gives %(catalogue)s ECTS for %(code)s.")
                    % {"catalogue": course["ects"], "code": component["code"]},
                    ErrorCode.LA_NOT_IN_CATALOGUE,
                )
    errors.raise_any()


def _key(component: dict[str, Any]) -> tuple[Any, Any]:
    return (component.get("table"), component.get("code") or component.get("title"))


def content_diff(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """What changed from one version to the next: mobility fields (old → new), components added and removed
    (by table and code, or title where there is no code), each with its reason where the change gave one."""
    old = old or {"mobility": {}, "components": []}
    fields = [
        {"field": name, "old": old["mobility"].get(name), "new": value}
        for name, value in new.get("mobility", {}).items()
        if old["mobility"].get(name) != value
    ]
    old_live = {_key(c): c for c in old.get("components", []) if c.get("status") != ComponentStatus.DELETED}
    new_live = {_key(c): c for c in new.get("components", []) if c.get("status") != ComponentStatus.DELETED}
    reasons = {_key(c): c for c in new.get("components", []) if c.get("status")}
    added = [
        dict(c, reason_code=reasons.get(k, c).get("reason_code", "")) for k, c in new_live.items() if k not in old_live
    ]
    removed = [
        dict(
            c,
            reason_code=reasons.get(k, {}).get("reason_code", ""),
            reason_text=reasons.get(k, {}).get("reason_text", ""),
        )
        for k, c in old_live.items()
        if k not in new_live
    ]
    changed = [
        {"table": k[0], "code": k[1], "old": old_live[k], "new": new_live[k]}
        for k in new_live.keys() & old_live.keys()
        if {f: old_live[k][f] for f in ("title", "ects", "term")}
        != {f: new_live[k][f] for f in ("title", "ects", "term")}
    ]
    staff = []
    if "staff" in new:
        staff = [
            {"field": name, "old": (old.get("staff") or {}).get(name), "new": value}
            for name, value in new["staff"].items()
            if (old.get("staff") or {}).get(name) != value
        ]
    return {"mobility": fields, "added": added, "removed": removed, "changed": changed, "staff": staff}
