from datetime import date

import pytest

from agreements import services


def iia_terms(partner, **overrides):
    """Terms of an Erasmus+ IIA with outgoing and incoming student and staff rows for 2026/27–2027/28."""
    terms = {
        "title": f"Erasmus+ IIA with {partner.name}",
        "type": "erasmus_iia",
        "partner": partner.pk,
        "partner_unit": None,
        "start_date": date(2026, 9, 1),
        "end_date": date(2028, 8, 31),
        "text": "Both parties agree to exchange students and staff.",
        "conditions": [
            {
                "direction": "outgoing",
                "category": "student_studies",
                "first_academic_year": "2026/27",
                "last_academic_year": "2027/28",
                "mobilities_per_year": 2,
                "total_months_per_year": 10,
                "subject_areas": ["0613"],
                "eqf_levels": [6, 7],
                "languages": [{"language": "en", "cefr": "B2"}],
            },
            {
                "direction": "incoming",
                "category": "staff_teaching",
                "first_academic_year": "2026/27",
                "last_academic_year": "2027/28",
                "mobilities_per_year": 1,
                "total_days_per_year": 5,
            },
        ],
    }
    terms.update(overrides)
    return terms


@pytest.fixture
def draft(world):
    return services.agreement_create_draft(
        actor=world.coordinator_ce, department=world.departments["ce"], **iia_terms(world.partners[0])
    )
