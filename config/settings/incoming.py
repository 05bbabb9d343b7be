"""Incoming students and staff (incoming/): the acceptance chain, links' lifetimes and the retention of personal
data. Every value can be set from the environment."""

import environ

from .celery import CELERY_BEAT_SCHEDULE

env = environ.Env()

# The review steps of an incoming application, in order, among coordinator_review (the receiving department's
# coordinator), head_review (its head) and office_review (the IRO's decision): e.g. "coordinator_review,office_review"
# leaves the head out. The last step's approval accepts the nominee.
INCOMING_REVIEW_STEPS = env.list(
    "INCOMING_REVIEW_STEPS", default=["coordinator_review", "head_review", "office_review"]
)
# The role that issues the IRO's decision (office_review): any department's case.
INCOMING_DECISION_ROLE = env("INCOMING_DECISION_ROLE", default="prorector")
# How long a nominee's invitation link works (days); a new email makes a new link.
INCOMING_NOMINEE_LINK_DAYS = env.int("INCOMING_NOMINEE_LINK_DAYS", default=30)
# Personal documents and passport data are erased this many days after the departure date (a rejected or
# withdrawn application: after its decision). The case and its decisions stay.
INCOMING_RETENTION_DAYS = env.int("INCOMING_RETENTION_DAYS", default=365)

CELERY_BEAT_SCHEDULE["incoming-retention"] = {
    "task": "incoming.tasks.incoming_retention_task",
    "schedule": 24 * 3600,
}

# The IRO's decision may take this many working days, like the prorector's review (TASK_DUE_WORKING_DAYS overrides).
from .notifications import TASK_DUE_WORKING_DAYS  # noqa: E402

TASK_DUE_WORKING_DAYS.setdefault("office_review", 3)
