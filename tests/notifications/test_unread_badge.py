"""The header's unread badge on every page: a count capped at 99+ over the user's unread notifications only, so its
cost does not grow with the notification table or with a user's backlog."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Channel, Notification, NotificationKind
from notifications.selectors import UNREAD_BADGE_CAP, notification_unread_badge, notification_unread_count
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


def _unread(user, count, *, read=False):
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=NotificationKind.TASK_AVAILABLE,
            channel=Channel.IN_APP,
            event=f"badge:{user.pk}:{read}:{n}",
            subject="s",
            body="b",
            read_at=timezone.now() if read else None,
        )
        for n in range(count)
    )


def test_the_badge_counts_unread_ones_and_caps_at_99_plus(world, client):
    busy, calm, quiet = UserFactory(), UserFactory(), UserFactory()
    _unread(busy, 150)
    _unread(calm, 7)
    _unread(calm, 40, read=True)
    assert notification_unread_badge(user=quiet) == ""
    assert notification_unread_badge(user=calm) == "7"
    assert notification_unread_count(user=busy) == UNREAD_BADGE_CAP + 1
    assert notification_unread_badge(user=busy) == "99+"
    with CaptureQueriesContext(connection) as queries:
        notification_unread_count(user=busy)
    assert len(queries.captured_queries) == 1
    assert f"LIMIT {UNREAD_BADGE_CAP + 1}" in queries.captured_queries[0]["sql"]
    client.force_login(busy)
    page = client.get("/notifications/")
    assert '<span class="count" aria-label="unread">99+</span>' in page.content.decode()


def test_the_badge_reads_the_partial_index_of_unread_notifications(world):
    user = UserFactory()
    _unread(user, 3)
    # A user with a long read history (the case the index is for) and fresh statistics: the planner's choice then
    # does not depend on what other tests left in the table's statistics.
    _unread(user, 400, read=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_notification")
        cursor.execute("SET enable_seqscan = off")
        sql, params = (
            Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True)
            .order_by()
            .values("pk")[:100]
            .query.sql_with_params()
        )
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "notification_unread_idx" in plan, plan
