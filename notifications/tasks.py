"""Celery tasks of notifications: thin wrappers that call a service. Each is idempotent: the send task claims
its row before sending, and the relay re-queues only rows still pending."""

from celery import shared_task

from notifications import services


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_notification_task(self, notification_id: int) -> str:
    """Send one email notification. An SMTP failure is retried with exponential backoff (the row counts the
    attempts, so a retry, a redelivery and the relay share one budget); after the last it is marked failed."""
    outcome = services.notification_send(notification_id=notification_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(acks_late=True)
def notification_relay_task() -> int:
    """Periodic (Celery beat): re-queue emails left pending by a broker outage or whose worker died."""
    return services.notification_relay()
