"""The one way services defer an outside effect (a Celery task, a mail) until their transaction commits.

A task sent before commit could run before its rows are visible, or for rows a rollback then removes;
deferring it makes "the database says it happened" and "the effect is on its way" the same moment."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def on_commit_delay(task, *args: Any, **kwargs: Any) -> None:
    """Send `task.delay(*args, **kwargs)` once the current transaction commits (at once outside one).

    Nothing is sent if the transaction rolls back. A broker that refuses the message does not undo
    the committed work: the error is logged, and the task's own sweep (if it has one) picks it up."""

    def send() -> None:
        try:
            task.delay(*args, **kwargs)
        except Exception:  # the commit already happened; losing the effect must not look like a failed request
            logger.exception("Could not queue %s%r after commit", getattr(task, "name", task), args)

    transaction.on_commit(send)


def on_commit_call(func, *args: Any, **kwargs: Any) -> None:
    """Call `func(*args, **kwargs)` once the current transaction commits, for an effect that is more than one
    task message (e.g. the notification outbox publishing a batch and stopping at the first broker error).
    Same guarantees as on_commit_delay: nothing on rollback, and an error is logged, never raised."""

    def call() -> None:
        try:
            func(*args, **kwargs)
        except Exception:  # as above: the commit already happened
            logger.exception("After commit, %s%r failed", getattr(func, "__qualname__", func), args)

    transaction.on_commit(call)
