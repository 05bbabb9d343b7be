"""Settings of a `documents_worker` (tests/support/harness.py) that sends mail over SMTP to the recording server a
test runs on loopback (`SmtpRecorder`), so the test reads what the worker sent; the rest is the test settings."""

from config.settings.test import *  # noqa: F403
from config.settings.test import env

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = env.int("TEST_SMTP_PORT")
# What the worker itself sends (a letter's email task, after the letter's commit) stays on its own queue.
CELERY_TASK_DEFAULT_QUEUE = env("TEST_WORKER_QUEUE", default="celery")
