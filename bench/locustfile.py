"""The simulated office for bench/load.py (locust): approvers who work through their inbox, the case list, case
pages, the API task list and decide their open tasks; applicants who follow their applications. Every user logs in
through the login page first. bench/load.py writes the plan (who logs in as whom, which tasks and cases are theirs)
and runs this file with `locust --headless`; it is not meant to be run by hand.

Environment: KORPU_LOAD_PLAN (the plan's JSON file), KORPU_LOAD_WAIT ("min,max" seconds between a user's clicks).
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["KORPU_LOAD_PLAN"], encoding="utf-8").read())
WAIT = [float(n) for n in os.environ.get("KORPU_LOAD_WAIT", "2,8").split(",")]
PASSWORD = PLAN["password"]
_approvers = iter(PLAN["approvers"])
_applicants = itertools.cycle(PLAN["applicants"])


class OfficeUser(HttpUser):
    abstract = True
    wait_time = between(WAIT[0], WAIT[1])

    def log_in(self, username: str) -> None:
        self.client.get("/accounts/login/", name="login page")
        with self.client.post(
            "/accounts/login/",
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            allow_redirects=False,
            name="log in (POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login as {username}: {response.status_code}")


class Approver(OfficeUser):
    """A coordinator, a head or the prorector: their own open tasks (no two users share one) and those cases."""

    fixed_count = len(PLAN["approvers"])

    def on_start(self) -> None:
        me = next(_approvers)
        self.tasks_left = list(me["tasks"])
        self.cases = me["cases"]
        self.log_in(me["username"])

    @task(3)
    def inbox(self) -> None:
        self.client.get("/tasks/", name="inbox /tasks/")

    @task(2)
    def case_list(self) -> None:
        self.client.get("/cases/", name="case list /cases/")

    @task(3)
    def case_page(self) -> None:
        if self.cases:
            self.client.get(f"/applications/{random.choice(self.cases)}/", name="case page")

    @task(1)
    def api_tasks(self) -> None:
        self.client.get("/api/v1/tasks/", name="API task list")

    @task(2)
    def decide(self) -> None:
        if not self.tasks_left:
            self.inbox()
            return
        task_id = self.tasks_left.pop()
        self.client.get(f"/tasks/{task_id}/", name="task page")
        with self.client.post(
            f"/tasks/{task_id}/",
            {
                "task_id": task_id,
                "decision": "approve",
                "comment": "Approved under load.",
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            allow_redirects=False,
            name="decision (POST)",
            catch_response=True,
        ) as response:
            # Decided: a redirect to the next case or the inbox. A conflict redirects back to the same task.
            if response.status_code != 302 or response.headers.get("Location", "").endswith(f"/tasks/{task_id}/"):
                response.failure(f"decision on task {task_id}: {response.status_code}")


class Applicant(OfficeUser):
    """A student following their applications."""

    weight = 1

    def on_start(self) -> None:
        me = next(_applicants)
        self.cases = me["cases"]
        self.log_in(me["username"])

    @task(3)
    def my_applications(self) -> None:
        self.client.get("/applications/", name="my applications")

    @task(3)
    def case_page(self) -> None:
        if self.cases:
            self.client.get(f"/applications/{random.choice(self.cases)}/", name="case page")

    @task(1)
    def notifications(self) -> None:
        self.client.get("/notifications/", name="notifications")

    @task(1)
    def api_applications(self) -> None:
        self.client.get("/api/v1/applications/", name="API application list")
