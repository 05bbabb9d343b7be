"""Celery settings. Without REDIS_URL the broker is kombu's filesystem transport under var/broker/,
so `make run` starts a real worker with no services installed. Its folders are made here, so any command that
publishes (load_demo on its own, a shell) finds them."""

from pathlib import Path

import environ
from celery.schedules import crontab

from .notifications import (
    NOTIFICATION_DIGEST_HOUR_UTC,
    NOTIFICATION_RELAY_INTERVAL_SECONDS,
    NOTIFICATION_REMINDER_INTERVAL_SECONDS,
)

env = environ.Env()
_VAR_DIR = Path(__file__).resolve().parent.parent.parent / "var"

REDIS_URL = env("REDIS_URL", default="")
# How often the beat job counts the reports' dashboard again (reports.tasks.dashboard_refresh_task).
KORPU_DASHBOARD_REFRESH_SECONDS = env.int("KORPU_DASHBOARD_REFRESH_SECONDS", default=600)

# Short socket timeouts: a request that commits while Redis is down or hanging must not hang with it (the
# notification outbox row stays pending and the relay sends it later). The visibility timeout is how long an
# unacknowledged message (its worker died) waits before Redis hands it to another worker.
REDIS_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": env.float("CELERY_REDIS_SOCKET_CONNECT_TIMEOUT", default=1.0),
    "socket_timeout": env.float("CELERY_REDIS_SOCKET_TIMEOUT", default=2.0),
    "visibility_timeout": env.int("CELERY_REDIS_VISIBILITY_TIMEOUT", default=3600),
}

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = dict(REDIS_TRANSPORT_OPTIONS)
else:
    _broker_dir = _VAR_DIR / "broker"
    # A host name keeps kombu from warning "No hostname was supplied" on every connection; the transport ignores it.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Fanout exchanges (worker remote control: ping, inspect) are recorded here; kombu's default is ./control.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)

CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing (from a request, after commit) gives up fast instead of retrying for seconds: one quick retry
# covers a pooled connection that went stale; anything longer is the relay's job.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # Documents left pending by a broker or clamd outage are queued for processing again (idempotent).
    "documents-requeue-pending": {
        "task": "documents.tasks.document_requeue_pending_task",
        "schedule": 600,
    },
    # The outbox relay: emails whose dispatch after commit failed (broker down) or whose worker died.
    "notifications-relay": {
        "task": "notifications.tasks.notification_relay_task",
        "schedule": NOTIFICATION_RELAY_INTERVAL_SECONDS,
    },
    "notifications-due-soon": {
        "task": "workflows.tasks.task_due_soon_reminders_task",
        "schedule": NOTIFICATION_REMINDER_INTERVAL_SECONDS,
    },
    "notifications-overdue": {
        "task": "workflows.tasks.task_overdue_reminders_task",
        "schedule": NOTIFICATION_REMINDER_INTERVAL_SECONDS,
    },
    "notifications-escalations": {
        "task": "workflows.tasks.task_escalations_task",
        "schedule": NOTIFICATION_REMINDER_INTERVAL_SECONDS,
    },
    # Agreements ending within AGREEMENT_EXPIRY_WINDOW_DAYS become expiring and start a renewal (idempotent).
    "agreements-expiry-sweep": {
        "task": "agreements.expiry_sweep",
        "schedule": crontab(hour=2, minute=30),
    },
    # Stored answers to Idempotency-Keys older than IDEMPOTENCY_KEY_TTL_HOURS are deleted (idempotent).
    "core-idempotency-purge": {
        "task": "core.tasks.idempotency_records_purge_task",
        "schedule": 3600,
    },
    # Offered places not answered within the acceptance window pass to the reserve list (idempotent).
    "selection-offers-expire": {
        "task": "selection.tasks.offers_expire_task",
        "schedule": 900,
    },
    # The reports' dashboard counted ahead (this year and last, every language): the page reads one row and says
    # as of when (reports.dashboard).
    "reports-dashboard-refresh": {
        "task": "reports.tasks.dashboard_refresh_task",
        "schedule": KORPU_DASHBOARD_REFRESH_SECONDS,
    },
    # Learning agreements waiting for a signature longer than LA_REMINDER_DAYS: the signer is reminded (once per
    # version, party and day).
    "learning-signature-reminders": {
        "task": "learning.tasks.signature_reminders_task",
        "schedule": crontab(hour=NOTIFICATION_DIGEST_HOUR_UTC, minute=30),
    },
    # Migration advice: the foreigner and the office are reminded MIGRATION_REMINDER_DAYS before each checklist
    # step's deadline (once per step, threshold and deadline); personal documents are deleted
    # MIGRATION_RETENTION_DAYS after departure, the deletion written in the case's timeline (idempotent).
    "migration-reminders": {
        "task": "migration.tasks.advice_reminders_task",
        "schedule": crontab(hour=NOTIFICATION_DIGEST_HOUR_UTC, minute=45),
    },
    "migration-retention": {
        "task": "migration.tasks.advice_retention_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # An approver back from an absence gets a summary of what their deputy decided (once per deputyship).
    "deputy-summaries": {
        "task": "workflows.tasks.deputy_summaries_send_task",
        "schedule": crontab(hour=NOTIFICATION_DIGEST_HOUR_UTC, minute=15),
    },
    "notifications-digest": {
        "task": "workflows.tasks.digests_send_task",
        "schedule": crontab(hour=NOTIFICATION_DIGEST_HOUR_UTC, minute=0),
    },
}
