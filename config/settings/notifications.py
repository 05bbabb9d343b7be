"""Notifications, reminders and due dates: how emails are retried, when the outbox relay steps in, how long each
review step may take and when an overdue task is escalated. Every value can be set from the environment."""

import environ

env = environ.Env()

# The address links in emails start with (emails are read outside the app); set it in production.
# The default follows `make run`'s PORT.
KORPU_SITE_URL = env("KORPU_SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}").rstrip("/")

# Seconds an SMTP connection may stay silent; it must stay below the send lease below.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# An email is tried this many times in all; between tries the wait doubles from the backoff, up to the maximum.
NOTIFICATION_EMAIL_MAX_ATTEMPTS = env.int("NOTIFICATION_EMAIL_MAX_ATTEMPTS", default=5)
NOTIFICATION_RETRY_BACKOFF_SECONDS = env.float("NOTIFICATION_RETRY_BACKOFF_SECONDS", default=60.0)
NOTIFICATION_RETRY_BACKOFF_MAX_SECONDS = env.float("NOTIFICATION_RETRY_BACKOFF_MAX_SECONDS", default=3600.0)
# A worker that claimed an email and has not finished it within this many seconds is taken to have died.
NOTIFICATION_SEND_LEASE_SECONDS = env.float("NOTIFICATION_SEND_LEASE_SECONDS", default=120.0)
# The relay (Celery beat) runs this often and re-queues emails left pending at least this long (broker down).
NOTIFICATION_RELAY_INTERVAL_SECONDS = env.float("NOTIFICATION_RELAY_INTERVAL_SECONDS", default=30.0)
NOTIFICATION_RELAY_AFTER_SECONDS = env.float("NOTIFICATION_RELAY_AFTER_SECONDS", default=10.0)
# How often the due-soon, overdue and escalation jobs look at the open tasks (each message goes once anyway).
NOTIFICATION_REMINDER_INTERVAL_SECONDS = env.float("NOTIFICATION_REMINDER_INTERVAL_SECONDS", default=900.0)
# The daily digest goes at this hour (UTC; 03:00 UTC is 07:00 in Baku).
NOTIFICATION_DIGEST_HOUR_UTC = env.int("NOTIFICATION_DIGEST_HOUR_UTC", default=3)

# Working days (Monday to Friday) each review step may take, e.g. TASK_DUE_WORKING_DAYS=coordinator_review=5,...
TASK_DUE_WORKING_DAYS = {
    "coordinator_review": 5,
    "head_review": 3,
    "prorector_review": 3,
    **{k: int(v) for k, v in env.dict("TASK_DUE_WORKING_DAYS", default={}).items()},
}
# Days past its due date after which a task is reported to the next level up (once).
TASK_ESCALATE_AFTER_DAYS = env.int("TASK_ESCALATE_AFTER_DAYS", default=2)
