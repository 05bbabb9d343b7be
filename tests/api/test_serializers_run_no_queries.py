"""Serializers only read what the selectors fetched: serializing an application's or an agreement's detail runs no
query (the documents, quotas, renewal and open task come ready from the caller)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from agreements.selectors import agreement_detail
from agreements.serializers import AgreementDetailSerializer
from applications.selectors import access_application, application_documents
from applications.serializers import ApplicationDetailSerializer
from tests.support.agreements import draft_agreement, make_active
from tests.support.drivers import make_submitted_application
from workflows.selectors import open_task_for_case

pytestmark = pytest.mark.django_db


def _request(user):
    request = APIRequestFactory().get("/")
    request.user = user
    return request


def test_the_application_detail_serializer_runs_no_query(world):
    submitted = make_submitted_application(world)
    application = access_application(user=world.coordinator_ce, application_id=submitted.pk)
    documents = list(application_documents(application=application))
    serializer = ApplicationDetailSerializer(
        application, context={"request": _request(world.coordinator_ce), "documents": documents}
    )
    with CaptureQueriesContext(connection) as queries:
        data = serializer.data
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert len(data["documents"]) == len(documents) > 0


def test_the_agreement_detail_serializer_runs_no_query(world):
    active = make_active(world, draft_agreement(world))
    agreement = agreement_detail(user=world.coordinator_ce, agreement_id=active.pk)
    context = {"request": _request(world.coordinator_ce), "open_task": open_task_for_case(case=agreement)}
    serializer = AgreementDetailSerializer(agreement, context=context)
    with CaptureQueriesContext(connection) as queries:
        data = serializer.data
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert data["quotas"] and data["documents"] and data["open_task"] is None
