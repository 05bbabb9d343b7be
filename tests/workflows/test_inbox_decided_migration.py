"""workflows/migrations/0008: an open review step's inbox row written before rows said who decided the case's other
review steps gets them from the done tasks, and the inbox keeps the case from them again."""

from importlib import import_module

import pytest
from django.apps import apps as live_apps
from django.db import connection

from accounts.roles import Role
from tests.support.drivers import make_submitted_application
from tests.support.factories import UserFactory
from workflows.inbox import inbox_entry_build
from workflows.kinds import kind_of_task
from workflows.models import InboxEntry
from workflows.selectors import inbox_tasks, open_task_for_application
from workflows.services import task_decide

pytestmark = pytest.mark.django_db


def test_an_open_row_gets_who_decided_the_other_steps(world):
    both = UserFactory(username="both_ce", roles=[Role.COORDINATOR, Role.HEAD], departments=[world.departments["ce"]])
    application = make_submitted_application(world)
    task_decide(user=both, task_id=open_task_for_application(application=application).pk, decision="approve")
    head_task = open_task_for_application(application=application)
    row = InboxEntry.objects.get(task_id=head_task.pk)
    assert row.decided == f",{both.pk},"
    assert head_task not in inbox_tasks(user=both)
    assert head_task in inbox_tasks(user=world.head_ce)

    InboxEntry.objects.filter(pk=row.pk).update(decided="")  # as written before the column
    assert head_task in inbox_tasks(user=both)
    with connection.schema_editor() as editor:
        import_module("workflows.migrations.0008_inbox_decided").decided_of_open_rows(live_apps, editor)

    assert InboxEntry.objects.get(pk=row.pk).decided == f",{both.pk},"
    assert head_task not in inbox_tasks(user=both)
    assert head_task in inbox_tasks(user=world.head_ce)


def test_a_row_keeps_however_many_decided_another_step(world):
    # Send-backs and deputies add names: the column has no length to overflow.
    application = make_submitted_application(world)
    task = open_task_for_application(application=application)
    many = set(range(1_000_000, 1_000_060))
    row = inbox_entry_build(
        task=task, kind=kind_of_task(task), case=application, due_at=None, decided={"head_review": many}
    )
    InboxEntry.objects.filter(task_id=task.pk).delete()
    row.save()
    assert InboxEntry.objects.get(task_id=task.pk).decided == "," + ",".join(map(str, sorted(many))) + ","
