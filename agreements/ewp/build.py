"""An Erasmus+ agreement as an IIAs API v7 `get` response.

`iia_source(agreement)` gathers what the IIA says from the database (our hei-id and department's ounit-id from
settings, the partner's from the registry, contacts, signatories, the current version's terms, what we know of
the partner's copy); `iia_element(source)` turns it into the `iia` element, with no database. The iia-hash of
each IIA is the official stylesheet's over a response holding that IIA alone (the stylesheet reads some values
document-wide, so a multi-IIA response would let one IIA's termination change another's hash).

How our terms map (agreements.terms): a condition is one `*-mobility-spec` (outgoing: we send; incoming: we
receive), ordered by category (the schema's order), then outgoing before incoming, then first year; academic
years "2026/27" become "2026/2027"; subject areas become `subject-area/isced-f-code`; languages
`recommended-language-skill` (a student-studies or staff-teaching condition naming none gets
EWP_DEFAULT_LANGUAGE without a level, the schema requiring one); months and days are left out when 0 (the schema
wants a positive value); `blended` is false. A condition with 0 mobilities per year offers no mobility and is
not served (the schema's `mobilities-per-year` is a positive integer)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from lxml import etree

from agreements.ewp.hashing import IiaHash, iia_hashes
from agreements.ewp.xml import NS_APPROVAL, NS_COMMON, NS_CONTACT, NS_IIAS, NS_INDEX, NS_PHONE

SPEC_ELEMENTS = {
    "student_studies": "student-studies-mobility-spec",
    "student_traineeship": "student-traineeship-mobility-spec",
    "staff_teaching": "staff-teacher-mobility-spec",
    "staff_training": "staff-training-mobility-spec",
}
CATEGORY_OF_SPEC = {element: category for category, element in SPEC_ELEMENTS.items()}
# The schema makes a recommended language skill required in these two.
LANGUAGE_REQUIRED = ("student_studies", "staff_teaching")
IN_EFFECT_STATUSES = ("active", "expiring", "expired", "terminated", "superseded")
# Fixed forever: our iia-ids are derived from it and the agreement's id, so they never change.
IIA_ID_NAMESPACE = uuid.UUID("6c1f4b8e-2f0a-5d7e-9b1c-4e0d7a9f3b21")
PLACEHOLDER_HASH = "0" * 64
E164 = re.compile(r"^\+[0-9]{1,15}$")
EWP_EMAIL = re.compile(r"^[^@]+@[^.]+\..+$")


def our_iia_id(agreement_id: int) -> str:
    """Our stable, immutable surrogate iia-id of an agreement."""
    return str(uuid.uuid5(IIA_ID_NAMESPACE, f"korpu-agreement:{agreement_id}"))


def ewp_year(year: str) -> str:
    """ "2026/27" → "2026/2027" (trm:AcademicYearId)."""
    start = int(year[:4])
    return f"{start}/{start + 1}"


def korpu_year(year: str) -> str:
    """ "2026/2027" → "2026/27"."""
    start = int(year[:4])
    return f"{start}/{(start + 1) % 100:02d}"


def decimal_text(value: Any) -> str:
    """A decimal as EWP writes it: no exponent, no trailing zeros ("15.0" → "15", "7.50" → "7.5")."""
    number = Decimal(str(value)).normalize()
    text = format(number, "f")
    return text


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""
    phone: str = ""
    role: str = ""


@dataclass(frozen=True)
class Side:
    """One partner of the IIA as the `partner` element and the conditions name it."""

    hei_id: str
    ounit_id: str = ""
    iia_id: str = ""
    iia_code: str = ""
    signing_contact: Contact | None = None
    signing_date: date | None = None
    contacts: Sequence[Contact] = ()


@dataclass(frozen=True)
class IiaSource:
    """Everything one IIA says, read from the database beforehand."""

    us: Side
    partner: Side
    in_effect: bool
    terminated: bool
    conditions: Sequence[dict[str, Any]] = field(default_factory=tuple)


def condition_order(condition: dict[str, Any]) -> tuple[int, int, str]:
    categories = list(SPEC_ELEMENTS)
    return (
        categories.index(condition["category"]),
        0 if condition["direction"] == "outgoing" else 1,
        condition.get("first_academic_year") or "",
    )


def served_conditions(conditions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted((c for c in conditions if (c.get("mobilities_per_year") or 0) > 0), key=condition_order)


# --- elements ------------------------------------------------------------------------------------


def _sub(parent: etree._Element, tag: str, text: str | None = None, ns: str = NS_IIAS) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _contact(parent: etree._Element, tag: str, contact: Contact, ns: str = NS_IIAS) -> None:
    element = _sub(parent, tag, ns=ns)
    _sub(element, "contact-name", contact.name, NS_CONTACT)
    phone = contact.phone.replace(" ", "").replace("-", "")
    if contact.phone:
        number = _sub(element, "phone-number", ns=NS_PHONE)
        if E164.match(phone):
            _sub(number, "e164", phone, NS_PHONE)
        else:
            _sub(number, "other-format", contact.phone, NS_PHONE)
    if contact.email and EWP_EMAIL.match(contact.email):
        _sub(element, "email", contact.email, NS_CONTACT)
    if contact.role:
        _sub(element, "role-description", contact.role, NS_CONTACT)


def _partner(parent: etree._Element, side: Side) -> None:
    element = _sub(parent, "partner")
    _sub(element, "hei-id", side.hei_id)
    if side.ounit_id:
        _sub(element, "ounit-id", side.ounit_id)
    if side.iia_id:
        _sub(element, "iia-id", side.iia_id)
    if side.iia_code:
        _sub(element, "iia-code", side.iia_code)
    if side.signing_contact is not None and side.signing_contact.name:
        _contact(element, "signing-contact", side.signing_contact)
    if side.signing_date is not None:
        _sub(element, "signing-date", side.signing_date.isoformat())
    for contact in side.contacts:
        if contact.name:
            _contact(element, "contact", contact, NS_CONTACT)


def _spec(parent: etree._Element, condition: dict[str, Any], us: Side, partner: Side) -> None:
    category = condition["category"]
    sending, receiving = (us, partner) if condition["direction"] == "outgoing" else (partner, us)
    spec = _sub(parent, SPEC_ELEMENTS[category])
    _sub(spec, "sending-hei-id", sending.hei_id)
    if sending.ounit_id:
        _sub(spec, "sending-ounit-id", sending.ounit_id)
    _sub(spec, "receiving-hei-id", receiving.hei_id)
    if receiving.ounit_id:
        _sub(spec, "receiving-ounit-id", receiving.ounit_id)
    _sub(spec, "receiving-first-academic-year-id", ewp_year(condition["first_academic_year"]))
    _sub(spec, "receiving-last-academic-year-id", ewp_year(condition["last_academic_year"]))
    _sub(spec, "mobilities-per-year", str(condition["mobilities_per_year"]))
    languages = condition.get("languages") or []
    for language in languages:
        skill = _sub(spec, "recommended-language-skill")
        _sub(skill, "language", language["language"])
        if language.get("cefr"):
            skill_level = language["cefr"]
            _sub(skill, "cefr-level", skill_level)
    if not languages and category in LANGUAGE_REQUIRED:
        skill = _sub(spec, "recommended-language-skill")
        _sub(skill, "language", settings.EWP_DEFAULT_LANGUAGE)
    for code in condition.get("subject_areas") or []:
        area = _sub(spec, "subject-area")
        _sub(area, "isced-f-code", code)
    if category.startswith("student_"):
        months = condition.get("total_months_per_year")
        if months is not None and Decimal(str(months)) > 0:
            _sub(spec, "total-months-per-year", decimal_text(months))
        _sub(spec, "blended", "false")
        for level in condition.get("eqf_levels") or []:
            _sub(spec, "eqf-level", str(level))
    else:
        days = condition.get("total_days_per_year")
        if days is not None and Decimal(str(days)) > 0:
            _sub(spec, "total-days-per-year", decimal_text(days))


def iia_element(source: IiaSource, iia_hash: str = PLACEHOLDER_HASH) -> etree._Element:
    """The `iia` element (in a detached `iias-get-response` root, for its namespaces)."""
    root = etree.Element(f"{{{NS_IIAS}}}iias-get-response", nsmap={None: NS_IIAS, "c": NS_CONTACT, "p": NS_PHONE})
    iia = _sub(root, "iia")
    _partner(iia, source.us)
    _partner(iia, source.partner)
    _sub(iia, "in-effect", "true" if source.in_effect else "false")
    conditions = _sub(iia, "cooperation-conditions")
    if source.terminated:
        conditions.set("terminated-as-a-whole", "true")
    for condition in served_conditions(source.conditions):
        _spec(conditions, condition, source.us, source.partner)
    _sub(iia, "iia-hash", iia_hash)
    return iia


@dataclass(frozen=True)
class BuiltIia:
    """One IIA as we serve it: the single-IIA get response (bytes) and its official hash."""

    iia_id: str
    xml: bytes
    hash: IiaHash


def build_iia(source: IiaSource) -> BuiltIia:
    """The single-IIA get response with its iia-hash filled in by the official stylesheet."""
    iia = iia_element(source)
    root = iia.getparent()
    computed = iia_hashes(root)[0]
    iia.find(f"{{{NS_IIAS}}}iia-hash").text = computed.iia_hash
    return BuiltIia(
        iia_id=source.us.iia_id,
        xml=etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True),
        hash=computed,
    )


def get_response(built: Iterable[BuiltIia]) -> bytes:
    """One get response holding the IIAs built one by one (each keeps the hash computed on its own)."""
    root = etree.Element(f"{{{NS_IIAS}}}iias-get-response", nsmap={None: NS_IIAS, "c": NS_CONTACT, "p": NS_PHONE})
    for item in built:
        single = etree.fromstring(item.xml)
        root.extend(single.findall(f"{{{NS_IIAS}}}iia"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def index_response(iia_ids: Iterable[str]) -> bytes:
    root = etree.Element(f"{{{NS_INDEX}}}iias-index-response", nsmap={None: NS_INDEX})
    for iia_id in iia_ids:
        _sub(root, "iia-id", iia_id, NS_INDEX)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def approval_response(approvals: Iterable[tuple[str, str]]) -> bytes:
    """An IIAs Approval API v2 response: (iia-id as the partner gave it, the iia-hash we approved) each."""
    root = etree.Element(f"{{{NS_APPROVAL}}}iias-approval-response", nsmap={None: NS_APPROVAL})
    for iia_id, iia_hash in approvals:
        approval = _sub(root, "approval", ns=NS_APPROVAL)
        _sub(approval, "iia-id", iia_id, NS_APPROVAL)
        _sub(approval, "iia-hash", iia_hash, NS_APPROVAL)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def error_response(message: str) -> bytes:
    root = etree.Element(f"{{{NS_COMMON}}}error-response", nsmap={None: NS_COMMON})
    _sub(root, "developer-message", message, NS_COMMON)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
