"""The case list's keyset pages (page and API): walking `after` cursors shows every case once, newest first, even
with cases created at the same instant and new cases arriving meanwhile; `before` walks back; a page costs the same
queries whatever page it is and however many cases there are; a forged cursor is a clear 400."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from applications import views
from applications.models import Application, ApplicationStatus
from core.pagination import KeysetPagination
from tests.support.factories import UserFactory, valid_application_fields

pytestmark = pytest.mark.django_db

PER_PAGE = 3


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "CASES_PER_PAGE", PER_PAGE)
    monkeypatch.setattr(KeysetPagination, "page_size", PER_PAGE)


def make_cases(world, count: int, *, start: int = 0, at=None) -> list[Application]:
    """`count` submitted cases of the ce department; every pair shares its creation instant (ties on the sort)."""
    base = at or timezone.now() - timedelta(days=1)
    cases = []
    for n in range(start, start + count):
        applicant = UserFactory(username=f"keyset{n}", roles=[Role.STUDENT], departments=[world.departments["ce"]])
        cases.append(
            Application.objects.create(
                applicant=applicant,
                call=world.call,
                department=world.departments["ce"],
                status=ApplicationStatus.COORDINATOR_REVIEW,
                created_at=base + timedelta(minutes=n // 2),
                submitted_at=base,
                **valid_application_fields(),
            )
        )
    return cases


def newest_first(cases) -> list[int]:
    return [c.pk for c in sorted(cases, key=lambda c: (c.created_at, c.pk), reverse=True)]


def walk_pages(client, url, query=None):
    """Follow the Older links from the first page: the ids shown, page by page."""
    pages, params = [], dict(query or {})
    while True:
        response = client.get(url, params)
        assert response.status_code == 200
        page = response.context["page"]
        pages.append([a.pk for a in page.object_list])
        if not page.next_cursor:
            return pages
        assert f"after={page.next_cursor}" in response.content.decode()
        params = {**(query or {}), "after": page.next_cursor}


def test_walking_the_pages_shows_every_case_once_newest_first(world, client, small_pages):
    cases = make_cases(world, 8)
    client.force_login(world.coordinator_ce)
    pages = walk_pages(client, reverse("applications:cases"))
    assert [len(p) for p in pages] == [3, 3, 2]
    assert [pk for page in pages for pk in page] == newest_first(cases)
    # the same with a filter, kept in the links
    filtered = walk_pages(client, reverse("applications:cases"), {"status": "coordinator_review"})
    assert [pk for page in filtered for pk in page] == newest_first(cases)


def test_cases_arriving_meanwhile_do_not_shift_the_next_pages(world, client, small_pages):
    cases = make_cases(world, 8)
    client.force_login(world.prorector)
    url = reverse("applications:cases")
    first = client.get(url).context["page"]
    # given three new cases (newer than all) and one deleted from the second page, after page 1 was read
    make_cases(world, 3, start=100, at=timezone.now())
    order = newest_first(cases)
    gone = order[4]
    Application.objects.filter(pk=gone).delete()
    # when the user goes on from the cursor of page 1
    second = client.get(url, {"after": first.next_cursor}).context["page"]
    third = client.get(url, {"after": second.next_cursor}).context["page"]
    # then nothing is seen twice or skipped: exactly the rows older than page 1, less the deleted one
    assert [a.pk for a in first.object_list] == order[:3]
    assert [a.pk for a in second.object_list] + [a.pk for a in third.object_list] == [
        pk for pk in order[3:] if pk != gone
    ]
    assert third.next_cursor is None
    # and going back from page 3 gives page 2 again, then the newest page shows the new cases
    back = client.get(url, {"before": third.previous_cursor}).context["page"]
    assert [a.pk for a in back.object_list] == [a.pk for a in second.object_list]
    assert client.get(url, {"before": back.previous_cursor}).context["page"].previous_cursor is not None


def test_a_page_costs_the_same_queries_on_any_page_and_any_size(world, client, small_pages):
    client.force_login(world.coordinator_ce)
    url = reverse("applications:cases")
    make_cases(world, 4)

    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(captured.captured_queries), response.context["page"]

    small_first, page = queries({})
    small_second, _ = queries({"after": page.next_cursor})
    make_cases(world, 12, start=50)
    large_first, page = queries({})
    page = client.get(url, {"after": page.next_cursor}).context["page"]
    large_third, _ = queries({"after": page.next_cursor})
    assert small_first == small_second == large_first == large_third
    assert large_first <= 12


def test_the_count_is_capped(world, client, small_pages, monkeypatch):
    import core.pagination

    monkeypatch.setattr(core.pagination, "COUNT_CAP", 5)
    make_cases(world, 7)
    client.force_login(world.prorector)
    page = client.get(reverse("applications:cases")).context["page"]
    assert page.capped and page.count == 6


def test_a_forged_cursor_is_refused_clearly(world, client, small_pages):
    make_cases(world, 4)
    client.force_login(world.prorector)
    response = client.get(reverse("applications:cases"), {"after": "yesterday"})
    assert response.status_code == 400
    assert "no longer valid" in response.content.decode()
    assert len(response.context["page"].object_list) == PER_PAGE  # the newest cases instead

    api = APIClient()
    api.force_authenticate(world.prorector)
    refused = api.get("/api/v1/applications/", {"after": "1.2.3"})
    assert refused.status_code == 400 and "after" in refused.json()


def test_the_api_walks_the_same_pages(world, small_pages):
    cases = make_cases(world, 7)
    api = APIClient()
    api.force_authenticate(world.coordinator_ce)
    seen, url = [], "/api/v1/applications/?status=coordinator_review"
    while url:
        body = api.get(url).json()
        assert body["count"] == 7
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        if url:
            assert "status=coordinator_review" in url and "after=" in url
    assert seen == newest_first(cases)
    last = api.get("/api/v1/applications/", {"after": "0.0"}).json()
    assert last["results"] == [] and last["next"] is None
