"""The infrastructure `make run` and `make test` rely on: a real Celery worker consuming from the test Redis,
the fail-fast service check, and production settings that refuse to start half-configured."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent
WORKER_START_SECONDS = 30


@pytest.fixture
def worker(tmp_path):
    """A real `celery worker` process on the test Redis, on a queue and node name of its own."""
    name = f"infra-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "REDIS_URL": settings.REDIS_URL}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-c", "1", "-l", "info"]
            + ["-Q", name, "-n", f"{name}@%h", "--without-mingle", "--without-gossip"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield name, process, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # The queue and kombu's bindings for it would otherwise pile up in the test Redis, run after run.
        client = redis.Redis.from_url(settings.REDIS_URL)
        if keys := list(client.scan_iter(f"*{name}*")):
            client.delete(*keys)


def wait_for(predicate, seconds, what, process, log):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the worker exited with status {process.returncode}:\n{log.read_text()}")
        if result := predicate():
            return result
        time.sleep(0.2)
    pytest.fail(f"{what} within {seconds} s. Worker output:\n{log.read_text()}")


def test_a_real_worker_answers_a_ping_and_runs_a_task_from_redis(worker):
    # given a worker process started the way `make run` and the compose file start one
    name, process, log = worker
    node = f"{name}@{os.uname().nodename}"

    # when it is pinged through the broker
    replies = wait_for(
        lambda: app.control.ping(destination=[node], timeout=1),
        WORKER_START_SECONDS,
        "no ping reply from the worker",
        process,
        log,
    )

    # then it answers, and a task sent to its queue through Redis is received and run
    assert replies == [{node: {"ok": "pong"}}]
    token = uuid.uuid4().hex
    app.send_task("celery.accumulate", args=(token,), queue=name)
    wait_for(
        lambda: "succeeded" in log.read_text() and token in log.read_text(),
        10,
        "the worker did not run the task",
        process,
        log,
    )


def run_check_services(**env):
    return subprocess.run(
        [sys.executable, "scripts/check_services.py"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize(
    ("variable", "url", "service", "start_command"),
    [
        ("DATABASE_URL", "postgres://x@127.0.0.1:1/x", "PostgreSQL", "pg_ctlcluster --skip-systemctl-redirect"),
        ("REDIS_URL", "redis://127.0.0.1:1/15", "Redis", "redis-server --daemonize yes"),
    ],
)
def test_check_services_fails_naming_the_start_command(variable, url, service, start_command):
    result = run_check_services(**{variable: url})

    assert result.returncode != 0
    assert f"{service} is not reachable on 127.0.0.1:1" in result.stderr
    assert start_command in result.stderr


def test_check_services_passes_when_both_answer():
    db = settings.DATABASES["default"]
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"

    result = run_check_services(DATABASE_URL=database_url, REDIS_URL=settings.REDIS_URL)

    assert result.returncode == 0, result.stderr


PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "production-settings-test-" + "s" * 40,
    "DJANGO_ALLOWED_HOSTS": "korpu.example.org",
    "DATABASE_URL": "postgres://korpu@db.invalid:5432/korpu",
    "REDIS_URL": "redis://redis.invalid:6379/0",
}


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_settings_refuse_to_start_without(missing):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_SETTINGS_MODULE"}
    env.update({k: v for k, v in PRODUCTION_ENV.items() if k != missing})

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=config.settings.production"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr
