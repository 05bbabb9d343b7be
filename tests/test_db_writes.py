"""core.db: independent writes in one statement on PostgreSQL, with what the ORM would have written — an INSERT
that skips a conflicting row, an UPDATE by expression, an UPDATE of chosen columns, a DELETE — and an error in one
of them undoing all of them."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Department
from core.db import delete_statement, insert_statement, update_statement, update_values_statement, write_together

pytestmark = pytest.mark.django_db


def test_four_writes_in_one_statement_do_what_the_orm_does():
    kept = Department.objects.create(name="Kept", code="kept")
    renamed = Department.objects.create(name="Old name", code="renamed")
    gone = Department.objects.create(name="Gone", code="gone")
    renamed.name = "New name"
    with CaptureQueriesContext(connection) as captured:
        write_together(
            insert_statement(
                [Department(name="Added", code="added"), Department(name="Kept", code="kept")], ignore_conflicts=True
            ),
            update_values_statement(Department.objects.filter(pk=kept.pk), code=F("name")),
            update_statement(renamed, fields=["name"]),
            delete_statement(Department.objects.filter(pk=gone.pk)),
        )
    assert len(captured.captured_queries) == 1
    assert captured.captured_queries[0]["sql"].startswith("WITH ")
    assert dict(Department.objects.values_list("name", "code")) == {
        "Added": "added",
        "Kept": "Kept",
        "New name": "renamed",
    }


def test_one_failing_write_undoes_the_others():
    first = Department.objects.create(name="First", code="first")
    Department.objects.create(name="Second", code="second")
    with pytest.raises(IntegrityError), transaction.atomic():
        write_together(
            update_values_statement(Department.objects.filter(pk=first.pk), name="Renamed"),
            insert_statement([Department(name="Second", code="another")]),  # the name is taken
        )
    assert sorted(Department.objects.values_list("name", flat=True)) == ["First", "Second"]


def test_an_update_of_a_parent_models_column_is_refused():
    from workflows.models import MobilityProcess

    with pytest.raises(AssertionError, match="own columns"):
        update_statement(MobilityProcess(pk=1), fields=["status"])


def _as_django_makes_it(make):
    """What Django's own compiler makes of a write (the shapes kept so far forgotten for the call)."""
    from core import db

    kept = dict(db._SHAPES)
    db._SHAPES.clear()
    try:
        return make()
    finally:
        db._SHAPES.clear()
        db._SHAPES.update(kept)


def _same(statement, made):
    from core.db import _same_params

    return statement[0] == made[0] and _same_params(made[1], statement[1])


def test_a_kept_shape_makes_what_djangos_compiler_makes():
    from core import db

    department = Department.objects.create(name="Shaped", code="shaped")
    update_statement(department, fields=["name", "code"])  # the shape is kept
    department.name, department.code = "Reshaped", "reshaped"
    kept = update_statement(department, fields=["name", "code"])
    assert _same(kept, _as_django_makes_it(lambda: update_statement(department, fields=["name", "code"])))
    write_together(kept)
    assert Department.objects.get(pk=department.pk).code == "reshaped"
    assert any(key[0] == "update" and key[1] is Department and shape for key, shape in db._SHAPES.items())


def test_a_null_is_its_own_shape_and_an_expression_is_compiled_every_time():
    from notifications.models import Notification
    from tests.support.factories import UserFactory

    user = UserFactory()
    row = Notification.objects.create(
        recipient=user, kind="task_assigned", channel="email", event="e1", language="en", subject="s", body="b"
    )
    row.sent_at = timezone.now()
    write_together(update_statement(row, fields=["sent_at", "subject"]))
    row.sent_at = None
    row.subject = "again"
    statement = update_statement(row, fields=["sent_at", "subject"])
    assert '"sent_at" = NULL' in statement[0]
    assert _same(statement, _as_django_makes_it(lambda: update_statement(row, fields=["sent_at", "subject"])))
    write_together(statement)
    stored = Notification.objects.get(pk=row.pk)
    assert (stored.sent_at, stored.subject) == (None, "again")

    row.attempts = F("attempts") + 1
    for _ in range(2):
        write_together(update_statement(row, fields=["attempts"]))
    assert Notification.objects.get(pk=row.pk).attempts == 2


def test_many_rows_with_their_ids_back_on_a_conflict_as_bulk_create():
    from notifications.models import Notification
    from tests.support.factories import UserFactory

    users = UserFactory.create_batch(3)

    def rows(event):
        return [
            Notification(
                recipient=user, kind="task_assigned", channel="email", event=event, language="en", subject="s", body="b"
            )
            for user in users
        ]

    first = rows("same")
    for batch in (first, rows("other"), rows("same")):
        text, params = insert_statement(
            batch, unique_fields=["event", "recipient", "channel"], update_fields=["event"], returning_pk=True
        )
        with connection.cursor() as cursor:
            cursor.execute(text, params)
            ids = [pk for (pk,) in cursor.fetchall()]
        assert len(ids) == 3
        if batch is first:
            first_ids = ids
    assert ids == first_ids  # the same event again: the rows that were there, in the rows' order
    assert Notification.objects.count() == 6
    assert [n.recipient_id for n in Notification.objects.filter(pk__in=first_ids).order_by("pk")] == [
        u.pk for u in users
    ]
