"""The flow lock we use instead of viewflow's `select_for_update_lock`.

viewflow's SelectForUpdateLock catches the NOWAIT failure *inside* its own `atomic()` block. When the
caller is already in a transaction (our services always are), that block is only a savepoint which is
never rolled back, so the connection is left in an aborted transaction and the loser of a race gets
"current transaction is aborted" (a 500) instead of a clean retry. This lock wraps each NOWAIT attempt
in its own savepoint and rolls it back on failure, so retries work at any nesting depth. The row lock
taken inside a released savepoint is held until the outer transaction ends, as PostgreSQL promises.
On SQLite `select_for_update` is a no-op, as with viewflow's lock."""

import random
import time
from contextlib import contextmanager

from django.db import DatabaseError, transaction
from viewflow.workflow.exceptions import FlowLockFailed

from core.outage import is_outage


class SavepointSelectForUpdateLock:
    def __init__(self, attempts: int = 5):
        self.attempts = attempts

    @contextmanager
    def __call__(self, flow_class, process_pk):
        with transaction.atomic():
            for attempt in range(self.attempts):
                try:
                    with transaction.atomic():
                        flow_class.process_class._default_manager.filter(pk=process_pk).select_for_update(
                            nowait=True
                        ).exists()
                    break
                except DatabaseError as exc:
                    # A lost connection is no lock held by someone else: retrying cannot help, and "busy"
                    # (409) would hide the outage that the API and pages answer with a 503.
                    if is_outage(exc):
                        raise
                    if attempt == self.attempts - 1:
                        raise FlowLockFailed(f"Lock failed for {flow_class}")
                    # Same back-off as viewflow's lock: about 0.4 s, 0.8 s, 1.6 s, 3.2 s plus jitter.
                    time.sleep(((attempt + 1) * random.random() + 2**attempt) / 2.5)
            yield


select_for_update_lock = SavepointSelectForUpdateLock()
