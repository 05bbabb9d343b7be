"""Helpers of the EWP tests: a served IIA checked against the vendored schema, a partner's copy made from ours
(edited or not), the partner's approval response, and the EWP endpoints' URLs."""

from lxml import etree

from agreements.ewp.build import approval_response
from agreements.ewp.hashing import iia_hashes
from agreements.ewp.xml import NS_IIAS, parse_bytes, validation_errors


def assert_valid_iia(xml: bytes):
    tree = parse_bytes(xml)
    errors = validation_errors(tree, "get")
    assert errors == [], errors
    return tree


def edited_copy(xml: bytes, *, mobilities: int, restate: bool = False) -> bytes:
    """Our XML with the first condition's mobilities per year changed, as a partner's edit would (its stated
    iia-hash left as it was, or restated for the new content)."""
    root = etree.fromstring(xml)
    root.find(f".//{{{NS_IIAS}}}mobilities-per-year").text = str(mobilities)
    if restate:
        return restated(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def partner_authored_copy(xml: bytes, *, partner_iia_id: str, partner_iia_code: str = "P-1") -> bytes:
    """Our XML as the partner would serve it: the partner first with its own iia-id and code, then us."""
    root = etree.fromstring(xml)
    iia = root.find(f"{{{NS_IIAS}}}iia")
    ours, theirs = iia.findall(f"{{{NS_IIAS}}}partner")
    for tag, value in (("iia-id", partner_iia_id), ("iia-code", partner_iia_code)):
        element = theirs.find(f"{{{NS_IIAS}}}{tag}")
        if element is None:
            element = etree.Element(f"{{{NS_IIAS}}}{tag}")
            anchor = theirs.find(f"{{{NS_IIAS}}}ounit-id")
            anchor = anchor if anchor is not None else theirs.find(f"{{{NS_IIAS}}}hei-id")
            if tag == "iia-code":
                anchor = theirs.find(f"{{{NS_IIAS}}}iia-id")
            anchor.addnext(element)
        element.text = value
    iia.remove(theirs)
    iia.insert(0, theirs)
    return restated(root)


def restated(root) -> bytes:
    """The document with its iia-hash element set to the hash of its content, as an honest server states it."""
    iia_hash = iia_hashes(root)[0].iia_hash
    root.find(f".//{{{NS_IIAS}}}iia-hash").text = iia_hash
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def approval_xml(iia_id: str, iia_hash: str) -> bytes:
    return approval_response([(iia_id, iia_hash)])


def partner_hei_caller(request):
    """A stand-in for a production authenticator (EWP_REQUEST_AUTHENTICATOR): the partner HEI a test names in a
    header, as HTTP signatures checked against the registry would establish it."""
    from agreements.ewp.auth import EwpCaller

    hei = request.META.get("HTTP_X_TEST_HEI")
    return EwpCaller(hei_ids=frozenset({hei})) if hei else None
