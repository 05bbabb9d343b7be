"""The iia-hash is the official stylesheet's (the vendored transform_version_7.xsl run by SaxonC): the two
verified vectors of the IIAs v7 specification, and the vendored bundle's schemas accept the official examples."""

import pytest
from lxml import etree

from agreements.ewp.hashing import iia_hashes
from agreements.ewp.xml import BUNDLE, validation_errors

VECTORS = [
    (
        "ewp-specs-api-iias/resources/xsltKit/get-response-v7.xml",
        "0f7a5682-faf7-49a7-9cc7-ec486c49a281",
        "87b33170d7a6c6d894215641f39e7b7de36501265479e5ab3922f32d5b225033",
        False,  # it carries v6-value: the stylesheet says it is not valid for approval
    ),
    (
        "ewp-specs-api-iias/endpoints/get-response-example.xml",
        "0f7a5682-faf7-49a7-9cc7-ec486c49a281",
        "e950faa83a799cf45839e7915db88ed51575babe7845c1219dfde54ce30a61e4",
        True,
    ),
]
# The text the specification's xsltKit README prints for the v7 example, byte for byte.
V7_TEXT_START = "_iia-id_1=0f7a5682-faf7-49a7-9cc7-ec486c49a281__iia-id_2=1954991__cooperation-conditions."


@pytest.mark.parametrize(("path", "iia_id", "expected", "valid"), VECTORS)
def test_the_official_vectors_hash_as_the_specification_says(path, iia_id, expected, valid):
    # given an official example, read from the vendored bundle
    tree = etree.parse(str(BUNDLE / path))

    # when the official stylesheet runs over it
    [result] = iia_hashes(tree)

    # then its hash is the verified one, and it is also the hash the file itself states
    assert result.iia_id == iia_id
    assert result.iia_hash == expected
    assert result.valid_for_approval is valid
    stated = tree.getroot().findtext(".//{*}iia-hash")
    assert stated == expected


def test_the_v7_text_to_hash_is_the_one_printed_in_the_specification():
    [result] = iia_hashes(etree.parse(str(BUNDLE / VECTORS[0][0])))
    assert result.text_to_hash.startswith(V7_TEXT_START)
    assert result.text_to_hash.endswith("_receiving-last-academic-year-id=2017/2018_")


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("get", "ewp-specs-api-iias/endpoints/get-response-example.xml"),
        ("get", "ewp-specs-api-iias/resources/xsltKit/get-response-v7.xml"),
        ("index", "ewp-specs-api-iias/endpoints/index-response-example.xml"),
        ("approval", "ewp-specs-api-iias-approval/response-example.xml"),
    ],
)
def test_the_vendored_schemas_accept_the_official_examples_offline(kind, path):
    assert validation_errors(etree.parse(str(BUNDLE / path)), kind) == []
