"""A task page (and the case page it shares its context with) reads each thing once: the case's timeline serves
the page and "what changed since you last saw it", and the open task the page shows is the one the progress line
names (issue 15: the task page at 1.3 million cases is Python and queries; each statement read twice was a
compilation and a round trip for nothing)."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.agreements import active_agreement, draft_agreement
from tests.support.drivers import decide, make_submitted_application
from tests.support.pages import task_url
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


def _statements_read_twice(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    counted = Counter(query["sql"] for query in captured.captured_queries)
    return [sql[:300] for sql, times in counted.items() if times > 1]


def test_an_application_task_page_reads_nothing_twice(world, client):
    application = make_submitted_application(world)
    decide(world.coordinator_ce, application, "request_changes", "Add the transcript.")
    case_submit(case=application, actor=application.applicant)  # resubmitted: the page shows what changed
    client.force_login(world.coordinator_ce)
    url = task_url(application)
    page = client.get(url)
    assert page.context["changes"] is not None and page.context["progress"].step == "coordinator_review"
    assert _statements_read_twice(client, url) == []


def test_an_agreement_task_page_reads_nothing_twice(world, client):
    agreement = draft_agreement(world)
    case_submit(case=agreement, actor=world.coordinator_ce)
    client.force_login(world.head_ce)
    url = task_url(agreement)
    assert client.get(url).context["progress"] is not None
    assert _statements_read_twice(client, url) == []


def test_an_applicants_case_page_reads_nothing_twice(world, client):
    application = make_submitted_application(world)
    client.force_login(application.applicant)
    url = application.get_absolute_url()
    assert client.get(url).context["progress"].step == "coordinator_review"
    assert _statements_read_twice(client, url) == []


def test_an_agreement_page_reads_nothing_twice(world, client):
    agreement = active_agreement(world, world.partners[0])
    client.force_login(world.coordinator_ce)
    url = agreement.get_absolute_url()
    assert client.get(url).context["progress"] is None  # in effect: no step open
    assert _statements_read_twice(client, url) == []
