"""Fixtures of the agreement tests: coordinator_ce's draft of an Erasmus+ IIA with the first partner."""

import pytest

from tests.support.agreements import draft_agreement


@pytest.fixture
def draft(world):
    return draft_agreement(world)
