"""The shared pager keeps each list's filters on every page."""

import pytest

from tests.support.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_list_pages_link_to_the_next_page_keeping_their_filters(client, world, monkeypatch):
    from applications import views as application_views
    from partners import views as partner_views

    monkeypatch.setattr(partner_views, "PARTNERS_PER_PAGE", 2)
    monkeypatch.setattr(application_views, "CASES_PER_PAGE", 2)
    for _ in range(3):
        PartnerFactory(country="DE")
    client.force_login(world.coordinator_ce)
    page = client.get("/agreements/partners/", {"country": "DE"}).content.decode()
    assert "Page 1 of" in page and "country=DE" in page and "page=2" in page
    second = client.get("/agreements/partners/", {"country": "DE", "page": 2}).content.decode()
    assert "Page 2 of" in second and "Previous" in second

    client.force_login(world.auditor)
    from tests.support.drivers import make_submitted_application
    from tests.support.factories import UserFactory

    for _ in range(3):
        make_submitted_application(world, UserFactory(roles=["student"], departments=[world.departments["ce"]]))
    # The case list pages by keyset (tests/applications/test_case_list_keyset.py): its Older link keeps the filter.
    cases = client.get("/cases/", {"status": "coordinator_review"}).content.decode()
    assert "3 cases" in cases and "?status=coordinator_review&amp;after=" in cases
