"""The case list of an office: filters (status, call, department, partner, search), the same filters in the CSV
export (formula-safe) and in the API's application list."""

import csv
import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from applications.models import ApplicationStatus
from tests.support.drivers import another_call, decide, make_submitted_application
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world):
    tricky = UserFactory(
        username="tricky",
        first_name="=HYPERLINK(1)",
        last_name="Nova",
        roles=[Role.STUDENT],
        departments=[world.departments["ce"]],
    )
    first = make_submitted_application(world, world.student1)
    second = make_submitted_application(world, world.student2, choices=[world.partners[1].pk])
    third = make_submitted_application(world, tricky, call=another_call(world))
    third = decide(world.coordinator_ce, third)
    return {"first": first, "second": second, "third": third}


def test_the_case_list_filters_and_exports_the_same_rows(world, cases, client):
    client.force_login(world.prorector)
    url = reverse("applications:cases")

    def shown(**query):
        page = client.get(url, query)
        assert page.status_code == 200
        return {application.pk for application in page.context["page"].object_list}

    everything = shown()
    assert {cases["first"].pk, cases["second"].pk, cases["third"].pk} <= everything
    assert shown(status="head_review") == {cases["third"].pk}
    assert shown(call=cases["third"].call_id) == {cases["third"].pk}
    assert shown(q="nova") == {cases["third"].pk}
    assert shown(q=str(cases["second"].pk)) == {cases["second"].pk}
    assert shown(partner=world.partners[1].pk) == {cases["second"].pk}
    assert shown(department=world.departments["math"].pk) == set()
    assert client.get(url, {"call": "nonsense"}).status_code == 400

    export = client.get(reverse("applications:case_export"), {"q": "nova"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Case" and len(rows) == 2
    assert rows[1][0] == str(cases["third"].pk)
    assert rows[1][1].startswith("'=HYPERLINK")  # a formula in a name is text in the spreadsheet
    assert rows[1][4] == str(ApplicationStatus.HEAD_REVIEW.label)


def test_the_export_holds_only_what_the_user_may_see(world, cases, client):
    client.force_login(world.student2)
    rows = list(csv.reader(io.StringIO(client.get(reverse("applications:case_export")).content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [str(cases["second"].pk)]


def test_the_api_list_takes_the_same_filters(world, cases):
    api = APIClient()
    api.force_authenticate(world.prorector)
    listed = api.get("/api/v1/applications/", {"status": "head_review"})
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()["results"]] == [cases["third"].pk]
    assert api.get("/api/v1/applications/", {"status": "no_such_status"}).status_code == 400
    assert api.get("/api/v1/applications/", {"q": "nova"}).json()["count"] == 1
