"""Our copy of an IIA against the partner's, condition by condition. Both sides are compared as parsed from
their XML (ours as we serve it), so a copy of ours read back compares equal by construction and a difference is
one the EWP copies really carry.

A condition is keyed by direction as seen from us (outgoing: we send) and category, with a running number when a
copy has several of one kind. Every hashed value counts as substance, except the iia-ids (each side's own) and
an organisational unit only one side names (a partner rarely knows our ounit-ids)."""

from __future__ import annotations

from typing import Any

from agreements.ewp.build import korpu_year
from agreements.ewp.parse import ParsedIia

COMPARED_FIELDS = (
    "first_academic_year",
    "last_academic_year",
    "mobilities_per_year",
    "total_months_per_year",
    "total_days_per_year",
    "subject_areas",
    "eqf_levels",
    "languages",
    "blended",
    "other_info",
    "not_yet_defined",
)
UNIT_FIELDS = ("sending_ounit_id", "receiving_ounit_id")


def keyed_conditions(iia: ParsedIia, our_hei_id: str) -> dict[str, dict[str, Any]]:
    keyed: dict[str, dict[str, Any]] = {}
    for condition in iia.conditions:
        direction = "outgoing" if condition["sending_hei_id"] == our_hei_id else "incoming"
        base = f"{direction}.{condition['category']}"
        key, n = base, 1
        while key in keyed:
            n += 1
            key = f"{base}.{n}"
        keyed[key] = {**condition, "direction": direction}
    return keyed


def compare(ours: ParsedIia, theirs: ParsedIia, *, our_hei_id: str, partner_hei_id: str) -> list[dict[str, Any]]:
    """The differences: one row per condition (key, ours, theirs, the fields that differ) and one per IIA-wide
    value; empty when the copies say the same."""
    rows: list[dict[str, Any]] = []
    if ours.terminated != theirs.terminated:
        rows.append(
            {"key": "terminated", "ours": ours.terminated, "theirs": theirs.terminated, "fields": ["terminated"]}
        )
    if theirs.partner_with(our_hei_id) is None or theirs.partner_with(partner_hei_id) is None:
        rows.append({"key": "partners", "ours": None, "theirs": None, "fields": ["hei_id"]})
    mine, yours = keyed_conditions(ours, our_hei_id), keyed_conditions(theirs, our_hei_id)
    for key in sorted(set(mine) | set(yours), key=_key_order):
        a, b = mine.get(key), yours.get(key)
        if a is None or b is None:
            rows.append({"key": key, "ours": a, "theirs": b, "fields": ["condition"]})
            continue
        fields = [f for f in COMPARED_FIELDS if a.get(f) != b.get(f)]
        fields += [f for f in UNIT_FIELDS if a.get(f) and b.get(f) and a[f] != b[f]]
        for side in ("sending_hei_id", "receiving_hei_id"):
            if a[side] != b[side]:
                fields.append(side)
        if fields:
            rows.append({"key": key, "ours": a, "theirs": b, "fields": fields})
    return rows


def _key_order(key: str) -> tuple[int, str]:
    return (0 if key.startswith("outgoing") else 1, key)


def as_terms_condition(condition: dict[str, Any] | None) -> dict[str, Any] | None:
    """A parsed condition in the shape of our terms' conditions (agreements.terms), for the pages' summaries."""
    if condition is None:
        return None
    return {
        "direction": condition.get("direction"),
        "category": condition.get("category"),
        "first_academic_year": korpu_year(condition["first_academic_year"]),
        "last_academic_year": korpu_year(condition["last_academic_year"]),
        "mobilities_per_year": condition.get("mobilities_per_year"),
        "total_months_per_year": condition.get("total_months_per_year"),
        "total_days_per_year": condition.get("total_days_per_year"),
        "subject_areas": [a["isced"] for a in condition.get("subject_areas") or []],
        "eqf_levels": condition.get("eqf_levels") or [],
        "languages": [
            {"language": lang["language"], "cefr": lang["cefr"] or "–"} for lang in condition.get("languages") or []
        ],
    }
