"""Every Erasmus+ agreement serialises to an IIAs v7 get response that the vendored schema accepts, with the
official iia-hash: the demo's, the factories' at every stage, and generated terms (a property test)."""

from datetime import date

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import etree

from agreements.ewp.build import IiaSource, Side, build_iia, get_response, index_response
from agreements.ewp.hashing import iia_hashes
from agreements.ewp.parse import parse_iias
from agreements.ewp.selectors import our_iia
from agreements.ewp.xml import validation_errors
from agreements.models import Agreement, AgreementType
from agreements.terms import CEFR_LEVELS, EQF_LEVELS, clean_terms
from tests.support.agreements import active_agreement, draft_agreement, make_active
from tests.support.ewp import assert_valid_iia

pytestmark = pytest.mark.django_db


def test_the_demo_tu_berlin_agreement_is_a_valid_iia_with_the_official_hash(settings):
    # given the demo world
    settings.DEBUG = True
    call_command("load_demo")
    agreement = Agreement.objects.get(type=AgreementType.ERASMUS_IIA, partner__schac_code="tu-berlin.de")

    # when it is served
    built = our_iia(agreement)

    # then it validates, names both institutions and carries the stylesheet's hash of itself
    tree = assert_valid_iia(built.xml)
    [iia] = parse_iias(tree)
    assert [p.hei_id for p in iia.partners] == [settings.EWP_HEI_ID, "tu-berlin.de"]
    assert iia.in_effect is True
    assert iia.stated_hash == built.hash.iia_hash == iia_hashes(tree)[0].iia_hash
    assert built.hash.valid_for_approval
    categories = sorted((c["category"], c["sending_hei_id"]) for c in iia.conditions)
    assert categories == [
        ("staff_teaching", settings.EWP_HEI_ID),
        ("student_studies", settings.EWP_HEI_ID),
        ("student_studies", "tu-berlin.de"),
    ]


def test_every_agreement_the_factories_make_is_a_valid_iia(world, settings):
    settings.EWP_OUNIT_IDS = {"ce": "140"}
    made = [
        draft_agreement(world),
        draft_agreement(world, partner=world.partners[1], conditions=[]),
        active_agreement(world, world.partners[2], places=3),
        make_active(world, draft_agreement(world, partner=world.partners[1])),
    ]
    for agreement in made:
        agreement.refresh_from_db()
        built = our_iia(agreement)
        assert_valid_iia(built.xml)
    # and several together make one valid get response, each IIA keeping its own hash
    response = etree.fromstring(get_response(our_iia(a) for a in made))
    assert validation_errors(response, "get") == []
    assert [h.iia_hash for h in iia_hashes(response)] == [our_iia(a).hash.iia_hash for a in made]
    assert validation_errors(etree.fromstring(index_response(["a", "b-1"])), "index") == []


# --- generated terms ---------------------------------------------------------------------------------------------

years = st.integers(min_value=2020, max_value=2035)
languages = st.lists(
    st.fixed_dictionaries(
        {"language": st.sampled_from(["en", "de", "fr", "az", "tr", "deu"]), "cefr": st.sampled_from(CEFR_LEVELS)}
    ),
    max_size=3,
)


@st.composite
def conditions(draw):
    rows = []
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["outgoing", "incoming"]),
                st.sampled_from(["student_studies", "student_traineeship", "staff_teaching", "staff_training"]),
            ),
            unique=True,
            max_size=8,
        )
    )
    for direction, category in keys:
        first = draw(years)
        last = first + draw(st.integers(min_value=0, max_value=6))
        students = category.startswith("student_")
        rows.append(
            {
                "direction": direction,
                "category": category,
                "first_academic_year": f"{first}/{(first + 1) % 100:02d}",
                "last_academic_year": f"{last}/{(last + 1) % 100:02d}",
                "mobilities_per_year": draw(st.integers(min_value=0, max_value=60)),
                "total_months_per_year": (
                    str(draw(st.decimals(min_value=0, max_value=120, places=1, allow_nan=False))) if students else None
                ),
                "total_days_per_year": None if students else draw(st.one_of(st.none(), st.integers(0, 400))),
                "subject_areas": draw(st.lists(st.from_regex(r"\A[0-9]{4}\Z"), max_size=4)),
                "eqf_levels": draw(st.lists(st.sampled_from(EQF_LEVELS), max_size=4)) if students else [],
                "languages": draw(languages),
            }
        )
    return rows


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=conditions(), terminated=st.booleans(), partner_iia_id=st.sampled_from(["", "79364", "x-1"]))
def test_generated_terms_validate_and_hash(rows, terminated, partner_iia_id):
    # given terms as clean_terms accepts them
    terms = clean_terms(
        {
            "title": "Generated",
            "type": "erasmus_iia",
            "partner": 1,
            "start_date": date(2026, 9, 1),
            "end_date": date(2030, 8, 31),
            "conditions": rows,
        }
    )
    source = IiaSource(
        us=Side(hei_id="korpu.example.edu", ounit_id="140", iia_id="a-1", iia_code="NDU-1"),
        partner=Side(hei_id="partner.example.edu", iia_id=partner_iia_id),
        in_effect=False,
        terminated=terminated,
        conditions=terms["conditions"],
    )

    # when it is served
    built = build_iia(source)

    # then it validates; its hash is the stylesheet's of the document; every served condition is there
    tree = assert_valid_iia(built.xml)
    assert iia_hashes(tree)[0].iia_hash == built.hash.iia_hash
    [iia] = parse_iias(tree)
    assert len(iia.conditions) == sum(1 for c in terms["conditions"] if c["mobilities_per_year"] > 0)
    assert iia.terminated is terminated
