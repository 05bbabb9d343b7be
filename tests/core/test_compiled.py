"""core.compiled: a read compiled once per shape gives what the ORM gives, with each call's values; a value that
cannot be swapped in fails when first compiled, never with wrong rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from applications.models import CaseEvent
from core.compiled import _SHAPES, compiled_rows
from tests.support.drivers import make_submitted_application


def events(application, actors, since):
    return (
        CaseEvent.objects.filter(application=application, actor__in=actors, created_at__gte=since)
        .select_related("actor", "application")
        .annotate(others=Count("application__events"))
        .order_by("pk")
    )


def test_model_rows_with_their_related_objects_and_annotations_are_the_orms(world):
    first = make_submitted_application(world, world.student1)
    second = make_submitted_application(world, world.student2)
    since = timezone.now() - timedelta(days=1)
    for application, actors in ((first, [world.student1.pk]), (second, [world.student2.pk, world.student1.pk])):
        ours = compiled_rows(("events",), events, application=application.pk, actors=actors, since=since)
        theirs = list(events(application.pk, actors, since))
        assert [e.pk for e in ours] == [e.pk for e in theirs] and ours
        for mine, orm in zip(ours, theirs, strict=True):
            assert mine.actor.username == orm.actor.username and mine.application.pk == orm.application.pk
            assert mine.data == orm.data and mine.others == orm.others and mine.created_at == orm.created_at
            assert mine._state.adding is False and mine._state.db == "default"
    # the second call of a shape compiles nothing: one statement, the kept one
    with CaptureQueriesContext(connection) as queries:
        compiled_rows(("events",), events, application=first.pk, actors=[world.student1.pk], since=since)
    assert len(queries) == 1


def test_values_rows_flat_and_with_annotations_in_the_orms_order(world):
    make_submitted_application(world, world.student1)

    def names(department, excluded):
        return (
            User.objects.filter(departments=department)
            .exclude(pk__in=excluded)
            .annotate(applied=Exists(CaseEvent.objects.filter(actor=OuterRef("pk"))))
            .values_list("applied", "username")
            .order_by("username")
        )

    department = world.student1.departments.first().pk
    for excluded in ([world.student1.pk], [world.student1.pk, world.student2.pk], []):
        assert compiled_rows(("names",), names, department=department, excluded=excluded) == list(
            names(department, excluded)
        )

    def usernames(pk):
        return User.objects.filter(pk=pk).values_list("username", flat=True)

    assert compiled_rows(("usernames",), usernames, pk=world.student1.pk) == [world.student1.username]
    assert compiled_rows(("usernames",), usernames, pk=world.student2.pk) == [world.student2.username]


@pytest.mark.django_db
def test_none_is_part_of_the_shape():
    def owned(owner):
        return User.objects.filter(pk=owner).values_list("pk", flat=True)

    assert compiled_rows(("owned",), owned, owner=None) == []


@pytest.mark.django_db
def test_a_value_that_is_no_parameter_of_its_own_fails_when_compiled():
    with pytest.raises(ValueError, match="not a parameter"):
        compiled_rows(("like",), lambda term: User.objects.filter(username__icontains=term), term="ann")
    with pytest.raises(ValueError, match="written into the statement"):
        compiled_rows(("limit",), lambda n: User.objects.all()[:n], n=3)
    with pytest.raises(ValueError, match="written into the statement"):
        compiled_rows(("both",), lambda pk: User.objects.filter(pk=pk).extra(where=[f"id <> {pk}"]), pk=3)
    with pytest.raises(TypeError):
        compiled_rows(("flag",), lambda flag: User.objects.filter(is_active=flag), flag=True)
    assert not [key for key in _SHAPES if key[0] in {("like",), ("limit",), ("both",), ("flag",)}]


@pytest.mark.django_db
def test_a_shape_that_can_have_no_row_reads_nothing():
    def among(pks):
        return User.objects.filter(pk__in=pks).values_list("pk", flat=True)

    with CaptureQueriesContext(connection) as queries:
        assert compiled_rows(("among",), among, pks=[]) == []
    assert len(queries) == 0
