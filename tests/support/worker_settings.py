"""Settings of the Celery workers the delivery tests start (`Worker` in tests/support/harness.py): the test
settings, but mail goes over SMTP to the recording server the test runs on loopback, and beat (when started)
runs the outbox relay every second."""

from config.settings.test import *  # noqa: F403
from config.settings.test import env

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = env.int("TEST_SMTP_PORT")
# Each test's workers and the test itself use a queue of their own on the shared Redis.
CELERY_TASK_DEFAULT_QUEUE = env("TEST_QUEUE", default="celery")
# No remote-control mailbox: nothing of the test's workers stays behind in the shared Redis.
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_BEAT_SCHEDULE = {
    "notifications-relay": {
        "task": "notifications.tasks.notification_relay_task",
        "schedule": env.float("TEST_RELAY_EVERY_SECONDS", default=1.0),
    },
}
