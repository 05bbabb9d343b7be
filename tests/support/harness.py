"""Real infrastructure for the delivery and document tests and the benchmark: an SMTP server on loopback that
records what it accepts (and can refuse or hold its replies), a throwaway redis-server on a port of its own, and
Celery worker processes started against the test database."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection
from kombu import pools

from config.celery import app

# aiosmtpd logs every SMTP command at INFO; the tests read the recorded messages instead.
logging.getLogger("mail.log").setLevel(logging.WARNING)

ROOT = Path(__file__).resolve().parent.parent.parent
WORKER_START_SECONDS = 30
DOCUMENTS_WORKER_START_SECONDS = 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database_url() -> str:
    """The URL of the database this test runs on, for a worker process that must see its committed rows."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # not a test, despite its name


def wait_until(predicate, seconds: float, what: str, on_timeout=lambda: ""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.05)
    raise AssertionError(f"{what} within {seconds} s. {on_timeout()}")


class SmtpRecorder:
    """An aiosmtpd server on 127.0.0.1 that keeps every message it accepted (with a 250 reply).

    `refuse_next(n)` answers the next n messages with a temporary error (451); `hold()` keeps the reply to the
    next messages pending until `release()`: a client that vanishes meanwhile never got a 250, so the message is
    not accepted — as with any SMTP server, delivery is the 250 reply."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[email.message.Message] = []
        self.arrivals: list[float] = []  # time.time() of each accepted message, in the order of `messages`
        self.refused = 0
        self.dropped = 0
        self._refuse = 0
        self._lock = threading.Lock()
        self.holding = threading.Event()
        self._hold = threading.Event()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpRecorder:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.release()
        self.controller.stop()

    def refuse_next(self, count: int) -> None:
        with self._lock:
            self._refuse = count

    def hold(self) -> None:
        self.holding.clear()
        self._hold.set()

    def release(self) -> None:
        self._hold.clear()

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.arrivals.clear()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self._refuse > 0:
                self._refuse -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
        if self._hold.is_set():
            self.holding.set()
            try:
                while self._hold.is_set():
                    await asyncio.sleep(0.02)
            except asyncio.CancelledError:  # the client went away before our reply: not accepted
                self.dropped += 1
                raise
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.arrivals.append(time.time())
        return "250 2.0.0 OK"

    # What the tests read.
    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def by_header(self, name: str, value: str) -> list[email.message.Message]:
        with self._lock:
            return [m for m in self.messages if str(m[name]) == value]

    def keys(self) -> list[tuple[str, str]]:
        """(event, recipient) of every accepted message, to check each arrived once."""
        with self._lock:
            return [(str(m["X-Korpu-Notification"]), str(m["To"])) for m in self.messages]


class RedisServer:
    """A throwaway redis-server on a port of its own (no persistence), which a test may stop and start again."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.dir = tmp_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(self.answers, 10, "redis-server did not answer")
        return self

    def answers(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
        return False

    def idle(self, queue: str = "celery") -> bool:
        """Nothing waits in the queue and no message is out unacknowledged (a worker busy with one)."""
        client = redis.Redis(port=self.port, socket_timeout=1)
        return client.llen(queue) == 0 and client.hlen("unacked") == 0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None


@contextlib.contextmanager
def celery_broker(url: str, queue: str = "celery"):
    """Point this process's Celery app (what services publish with) at another broker and queue for a while."""

    def reset_pools():
        # kombu keeps its connection pools in module-wide groups keyed by connection: close and forget them all,
        # then drop the app's references, so the next publish connects to the new URL.
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url, app.conf.task_default_queue
    reset_pools()
    app.conf.broker_url, app.conf.task_default_queue = url, queue
    try:
        yield
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.task_default_queue = previous


class Worker:
    """A `celery worker` process (solo pool, or prefork with `pool` processes) on the test database, the given
    broker and the recording SMTP server; with `beat`, an embedded beat running the outbox relay every second."""

    def __init__(
        self, *, log: Path, database_url: str, broker_url: str, smtp_port: int, beat=False, pool="solo", **env
    ):
        self.log = log
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.support.worker_settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": broker_url,
            "TEST_SMTP_PORT": str(smtp_port),
            **{k: str(v) for k, v in env.items()},
        }
        self.beat = beat
        self.pool = pool
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info"]
        command += ["--pool", "solo"] if self.pool == "solo" else ["--pool", "prefork", "--concurrency", str(self.pool)]
        command += ["-n", f"notify-{os.getpid()}-{id(self)}@%h", "--without-mingle", "--without-gossip"]
        if self.beat:
            command += ["--beat", "--schedule", str(self.log.with_suffix(".beat"))]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    def wait_ready(self) -> Worker:
        wait_until(
            lambda: self.exited() or " ready." in self.output(),
            WORKER_START_SECONDS,
            "the worker did not start",
            self.output,
        )
        assert not self.exited(), self.output()
        return self

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group (the worker and its beat): no warm shutdown, no acknowledgement."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.kill()


class DocumentsWorker(SimpleNamespace):
    def wait_for(self, predicate, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited with status {self.process.returncode}:\n{self.log.read_text()}")
            if result := predicate():
                return result
            time.sleep(0.2)
        pytest.fail(f"{what} within {seconds} s. Worker output:\n{self.log.read_text()}")


@contextlib.contextmanager
def documents_worker(*, settings, tmp_path: Path, worker_env: dict):
    """A real `celery worker` process on the test Redis and the test database (the one this test's committed rows
    are in), sharing this test's media root; documents' and applications' tasks are routed to a queue of its own
    so no other worker takes them. `settings` is pytest-django's fixture (MEDIA_ROOT is set back after the test)."""
    name = f"documents-{uuid.uuid4().hex[:12]}"
    media = tmp_path / "worker-media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    log = tmp_path / "worker.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAMAV_", "AWS_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "DJANGO_MEDIA_ROOT": str(media),
            # Its queue, for settings that keep what the worker itself sends on it (smtp_worker_settings.py).
            "TEST_WORKER_QUEUE": name,
            **worker_env,
        }
    )
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-c", "1", "-l", "info"]
            + ["-Q", name, "-n", f"{name}@%h", "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    old_routes = app.conf.task_routes
    app.conf.update(task_routes={"documents.tasks.*": {"queue": name}})
    worker = DocumentsWorker(name=name, process=process, log=log, media=media)
    try:
        node = f"{name}@{os.uname().nodename}"
        worker.wait_for(
            lambda: app.control.ping(destination=[node], timeout=1),
            DOCUMENTS_WORKER_START_SECONDS,
            "no ping reply from the worker",
        )
        yield worker
    finally:
        app.conf.update(task_routes=old_routes)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        client = redis.Redis.from_url(settings.REDIS_URL)
        if keys := list(client.scan_iter(f"*{name}*")):
            client.delete(*keys)
