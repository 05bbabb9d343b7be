"""The inbox's pages are read per branch of the user's scope (a step, or a step in one of their departments) through
that branch's index, then merged (workflows.selectors.InboxIds). Whatever the sort, page after page, the merged
pages hold exactly the rows of the one query over the whole scope, in its order, each once — also for a deputy
whose own rights and their principal's cover the same rows, and for an approver of two departments."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Deputyship
from accounts.roles import Role
from core.pagination import CappedPaginator
from tests.support.agreements import draft_agreement
from tests.support.drivers import another_call, decide, make_submitted_application
from tests.support.factories import UserFactory
from workflows.forms import SORTS
from workflows.models import InboxEntry
from workflows.selectors import InboxFilter, inbox_entries_filtered, inbox_ids
from workflows.services import case_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(world):
    """Open steps in both departments, at the coordinator's, the head's and the prorector's, of two kinds of case,
    with due dates that interleave across steps and departments (some none, some equal)."""
    applicants = {
        code: [UserFactory(roles=[Role.STUDENT], departments=[world.departments[code]]) for _ in range(6)]
        for code in ("ce", "math")
    }
    for code, people in applicants.items():
        for index, applicant in enumerate(people):
            application = make_submitted_application(world, applicant, call=another_call(world))
            if index % 3:
                decide(getattr(world, f"coordinator_{code}"), application)
            if index % 3 == 2:
                decide(getattr(world, f"head_{code}"), application)
    case_submit(case=draft_agreement(world), actor=world.coordinator_ce)
    now = timezone.now()
    for number, entry in enumerate(InboxEntry.objects.order_by("task_id")):
        due = None if number % 5 == 4 else now + timedelta(hours=(number * 7) % 11)
        InboxEntry.objects.filter(pk=entry.pk).update(due_at=due)
    # An approver of both departments, and a deputy of the coordinator of ce in ce (their rights overlap).
    both = UserFactory(roles=[Role.COORDINATOR], departments=list(world.departments.values()))
    deputy = UserFactory(roles=[Role.COORDINATOR], departments=[world.departments["ce"]])
    Deputyship.objects.create(
        principal=world.coordinator_ce, deputy=deputy, starts_on=date.today(), ends_on=date.today() + timedelta(days=3)
    )
    return {"prorector": world.prorector, "head_ce": world.head_ce, "both": both, "deputy": deputy}


@pytest.mark.parametrize("sort", sorted(SORTS))
@pytest.mark.parametrize("who", ["prorector", "head_ce", "both", "deputy"])
def test_merged_pages_are_the_whole_scopes_rows_in_order(office, sort, who):
    user = office[who]
    expected = list(
        inbox_entries_filtered(user=user, filters=InboxFilter())
        .order_by(*SORTS[sort])
        .values_list("task_id", flat=True)
    )
    assert len(expected) >= 2, "the fixture gives every user rows on more than one page"
    ids = inbox_ids(user=user, filters=InboxFilter(), order=SORTS[sort])
    pages = CappedPaginator(ids, 2)
    assert pages.count == len(expected)
    merged = [task_id for number in pages.page_range for task_id in pages.page(number).object_list]
    assert merged == expected


def test_a_filter_narrows_every_branch(office, world):
    filters = InboxFilter(department=world.departments["math"].pk)
    expected = list(
        inbox_entries_filtered(user=office["both"], filters=filters)
        .order_by(*SORTS["due"])
        .values_list("task_id", flat=True)
    )
    assert expected and set(expected) < set(InboxEntry.objects.values_list("task_id", flat=True))
    assert list(inbox_ids(user=office["both"], filters=filters, order=SORTS["due"])[0:100]) == expected
    nothing = InboxFilter(step="application:no_such_step")
    assert list(inbox_ids(user=office["both"], filters=nothing)[0:10]) == []
