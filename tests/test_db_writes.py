"""core.db: independent writes in one statement on PostgreSQL, with what the ORM would have written — an INSERT
that skips a conflicting row, an UPDATE by expression, an UPDATE of chosen columns, a DELETE — and an error in one
of them undoing all of them."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

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
