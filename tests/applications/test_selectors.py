"""Who sees which application, and lists that stay at a constant number of queries."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from applications.selectors import access_application, application_list
from tests.support.drivers import make_ready_application, make_submitted_application
from tests.support.factories import CallPlaceFactory, UserFactory
from workflows.kinds import kind_by_key
from workflows.selectors import access_case_document, inbox_tasks, with_cases

pytestmark = pytest.mark.django_db


def test_students_see_only_their_own_applications(world):
    mine = make_submitted_application(world)
    theirs = make_submitted_application(world, world.student2)
    assert list(application_list(user=world.student1)) == [mine]
    with pytest.raises(Http404):
        access_application(user=world.student1, application_id=theirs.pk)
    doc = theirs.documents.first()
    with pytest.raises(Http404):
        access_case_document(
            user=world.student1, kind=kind_by_key("application"), case_id=theirs.pk, document_id=doc.pk
        )
    with pytest.raises(Http404):
        access_case_document(user=world.student1, kind=kind_by_key("application"), case_id=mine.pk, document_id=doc.pk)
    # a missing case answers exactly like a foreign one
    with pytest.raises(Http404) as missing:
        access_application(user=world.student1, application_id=999999)
    with pytest.raises(Http404) as foreign:
        access_application(user=world.student1, application_id=theirs.pk)
    assert str(missing.value) == str(foreign.value)


def test_approvers_see_their_departments_submitted_cases_and_not_drafts(world):
    ce_case = make_submitted_application(world)
    math_case = make_submitted_application(world, world.student3)
    draft = make_ready_application(world, world.student2)
    assert set(application_list(user=world.coordinator_ce)) == {ce_case}
    assert set(application_list(user=world.head_math)) == {math_case}
    assert set(application_list(user=world.prorector)) == {ce_case, math_case, draft}
    assert set(application_list(user=world.auditor)) == {ce_case, math_case, draft}
    with pytest.raises(Http404):
        access_application(user=world.coordinator_ce, application_id=draft.pk)
    with pytest.raises(Http404):
        access_application(user=world.coordinator_math, application_id=ce_case.pk)
    assert access_application(user=world.head_ce, application_id=ce_case.pk) == ce_case


def _count(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _render_list(user):
    # touch everything a list page shows
    for app in application_list(user=user):
        _ = (
            app.call.title,
            app.department.name,
            app.applicant.username,
            [c.place.partner.name for c in app.choices.all()],
        )


def _render_inbox(user):
    for task in with_cases(list(inbox_tasks(user=user))):
        app = task.process.mobilityprocess.application
        _ = (task.flow_task.name, app.applicant.username, app.department.name, app.call.title)


def test_lists_run_a_constant_number_of_queries(world):
    make_submitted_application(world)
    fresh = lambda u: UserFactory(username=u.username)  # noqa: E731 - a new object drops the per-request role cache
    small_list = _count(lambda: _render_list(fresh(world.student1)))
    small_inbox = _count(lambda: _render_inbox(fresh(world.coordinator_ce)))
    for _ in range(4):
        make_submitted_application(world, UserFactory(roles=["student"], departments=[world.departments["ce"]]))
        make_submitted_application(world, call=CallPlaceFactory(partner=world.partners[0]).call)
    assert application_list(user=world.student1).count() == 5
    assert inbox_tasks(user=world.coordinator_ce).count() == 9
    assert _count(lambda: _render_list(fresh(world.student1))) == small_list
    assert _count(lambda: _render_inbox(fresh(world.coordinator_ce))) == small_inbox
