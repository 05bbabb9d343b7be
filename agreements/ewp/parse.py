"""Reading EWP documents: the IIAs of a get response (ours or a partner's) into plain data, and the approvals of
an Approval API v2 response. Only schema-valid documents come here (xml.validated)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from agreements.ewp.build import CATEGORY_OF_SPEC, decimal_text
from agreements.ewp.xml import NS_APPROVAL, NS_CONTACT, NS_IIAS


def _q(tag: str, ns: str = NS_IIAS) -> str:
    return f"{{{ns}}}{tag}"


def _text(element: etree._Element | None, tag: str, ns: str = NS_IIAS) -> str:
    if element is None:
        return ""
    return (element.findtext(_q(tag, ns)) or "").strip()


def _flag(element: etree._Element) -> bool:
    return any((el.get("not-yet-defined") or "").strip() in ("true", "1") for el in element.iter())


@dataclass(frozen=True)
class ParsedPartner:
    hei_id: str
    ounit_id: str
    iia_id: str
    iia_code: str
    signing_contact: str
    signing_date: str


@dataclass(frozen=True)
class ParsedIia:
    position: int
    partners: tuple[ParsedPartner, ParsedPartner]
    in_effect: bool
    terminated: bool
    stated_hash: str
    conditions: list[dict[str, Any]] = field(default_factory=list)

    def partner_with(self, hei_id: str) -> ParsedPartner | None:
        return next((p for p in self.partners if p.hei_id == hei_id), None)


def _condition(spec: etree._Element) -> dict[str, Any]:
    category = CATEGORY_OF_SPEC[etree.QName(spec).localname]
    months, days = _text(spec, "total-months-per-year"), _text(spec, "total-days-per-year")
    areas = []
    for area in spec.findall(_q("subject-area")):
        code = area.find(_q("isced-f-code"))
        areas.append(
            {
                "isced": (code.text or "").strip() if code is not None else "",
                "v6_value": (code.get("v6-value") or "") if code is not None else "",
                "clarification": _text(area, "isced-clarification"),
            }
        )
    languages = [
        {"language": _text(skill, "language"), "cefr": _text(skill, "cefr-level")}
        for skill in spec.findall(_q("recommended-language-skill"))
    ]
    return {
        "category": category,
        "sending_hei_id": _text(spec, "sending-hei-id"),
        "sending_ounit_id": _text(spec, "sending-ounit-id"),
        "receiving_hei_id": _text(spec, "receiving-hei-id"),
        "receiving_ounit_id": _text(spec, "receiving-ounit-id"),
        "first_academic_year": _text(spec, "receiving-first-academic-year-id"),
        "last_academic_year": _text(spec, "receiving-last-academic-year-id"),
        "mobilities_per_year": int(_text(spec, "mobilities-per-year") or 0),
        "total_months_per_year": decimal_text(months) if months else None,
        "total_days_per_year": decimal_text(days) if days else None,
        "subject_areas": sorted(areas, key=lambda a: (a["isced"], a["clarification"])),
        "eqf_levels": sorted(int(level.text) for level in spec.findall(_q("eqf-level")) if (level.text or "").strip()),
        "languages": sorted(languages, key=lambda lang: (lang["language"], lang["cefr"])),
        "blended": _text(spec, "blended") in ("true", "1"),
        "other_info": _text(spec, "other-info-terms"),
        "not_yet_defined": _flag(spec),
    }


def _partner(element: etree._Element) -> ParsedPartner:
    signing = element.find(_q("signing-contact"))
    return ParsedPartner(
        hei_id=_text(element, "hei-id"),
        ounit_id=_text(element, "ounit-id"),
        iia_id=_text(element, "iia-id"),
        iia_code=_text(element, "iia-code"),
        signing_contact=_text(signing, "contact-name", NS_CONTACT),
        signing_date=_text(element, "signing-date"),
    )


def parse_iias(tree: etree._ElementTree | etree._Element) -> list[ParsedIia]:
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    result = []
    for position, iia in enumerate(root.findall(_q("iia"))):
        partners = [_partner(p) for p in iia.findall(_q("partner"))]
        conditions_el = iia.find(_q("cooperation-conditions"))
        result.append(
            ParsedIia(
                position=position,
                partners=(partners[0], partners[1]),
                in_effect=_text(iia, "in-effect") in ("true", "1"),
                terminated=(conditions_el.get("terminated-as-a-whole") or "") in ("true", "1"),
                stated_hash=_text(iia, "iia-hash"),
                conditions=[_condition(spec) for spec in conditions_el],
            )
        )
    return result


def parse_approvals(tree: etree._ElementTree | etree._Element) -> list[tuple[str, str]]:
    """(iia-id, iia-hash) of each approval of an IIAs Approval API v2 response."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    return [
        (_text(approval, "iia-id", NS_APPROVAL), _text(approval, "iia-hash", NS_APPROVAL))
        for approval in root.findall(_q("approval", NS_APPROVAL))
    ]
