"""Races on real PostgreSQL: jobs run in threads of their own (so each on its own database connection), all
released at the same moment."""

import threading

from django.db import connection

from accounts.models import User
from workflows.services import task_decide


def run_together(*jobs, timeout=30):
    """Run each job in its own thread, all released at once by a barrier; return each job's result or the
    exception it raised, in order."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=timeout)
            outcomes[index] = job()
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), f"a job hung for more than {timeout} s"
    return outcomes


def decide_as(username, task_id, decision="approve", comment="ok"):
    """A job for `run_together`: this user decides this task."""

    def job():
        # Each thread loads its own user: nothing is shared between the two connections.
        user = User.objects.get(username=username)
        return task_decide(user=user, task_id=task_id, decision=decision, comment=comment)

    return job
