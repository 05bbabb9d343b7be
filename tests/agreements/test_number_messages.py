"""A condition's numbers out of range say the range in the office's words, in the terms' check (pages and API) and
in the condition form, and the agreement list's filter does the same."""

import pytest
from django.core.exceptions import ValidationError

from agreements.forms import AgreementFilterForm, ConditionForm
from agreements.terms import clean_terms
from tests.support.agreements import iia_terms

pytestmark = pytest.mark.django_db


def test_the_terms_check_says_the_range(world):
    terms = iia_terms(world.partners[0])
    terms["conditions"][0]["mobilities_per_year"] = 5000
    with pytest.raises(ValidationError) as exc:
        clean_terms(terms)
    assert any("Mobilities per year must be between 0 and 999." in m for m in exc.value.messages), exc.value.messages


def test_the_forms_say_the_range_once():
    form = ConditionForm(
        {
            "direction": "outgoing",
            "category": "student_studies",
            "first_academic_year": "2026/27",
            "last_academic_year": "2027/28",
            "mobilities_per_year": "-3",
            "total_months_per_year": "123456",
        }
    )
    assert not form.is_valid()
    assert form.errors["mobilities_per_year"] == ["Mobilities per year must be between 0 and 999."]
    assert form.errors["total_months_per_year"] == ["Total months per year must be between 0 and 9999."]
    listing = AgreementFilterForm({"expiring_within_days": "99999"})
    assert not listing.is_valid()
    assert listing.errors["expiring_within_days"] == ["Ending within (days) must be between 0 and 3650."]
