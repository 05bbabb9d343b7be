"""Fixtures of the notification tests: the recording SMTP server, and real Celery workers (with the test
database, a Redis queue of the test's own and the SMTP server) for the delivery tests."""

import uuid
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
import redis
from django.conf import settings

from config.celery import app
from tests.support.harness import RedisServer, SmtpRecorder, Worker, celery_broker, test_database_url

# Fast retries and a short send lease, so the fault tests finish in seconds (production waits minutes).
FAST = {
    "NOTIFICATION_RETRY_BACKOFF_SECONDS": 0.3,
    "NOTIFICATION_SEND_LEASE_SECONDS": 3,
    "NOTIFICATION_RELAY_AFTER_SECONDS": 1,
    "EMAIL_TIMEOUT": 2,
}
# The shared Redis of the test settings, on a database of the notification tests' own.
SHARED_REDIS_DB = 13


def shared_redis_url() -> str:
    url = urlparse(settings.REDIS_URL)
    return f"{url.scheme}://{url.netloc}/{SHARED_REDIS_DB}"


@pytest.fixture
def eager_celery():
    """Tasks run inline in this process (for unit tests): what a worker would do, without one."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture
def smtp():
    server = SmtpRecorder().start()
    try:
        yield server
    finally:
        server.stop()


class Delivery(SimpleNamespace):
    def start_worker(self, *, beat=False, **env) -> Worker:
        worker = Worker(
            log=self.tmp_path / f"worker{len(self.workers)}.log",
            database_url=test_database_url(),
            broker_url=self.broker_url,
            smtp_port=self.smtp.port,
            beat=beat,
            TEST_QUEUE=self.queue,
            # The documents the test stores (its own MEDIA_ROOT) are checked by the worker too.
            DJANGO_MEDIA_ROOT=settings.MEDIA_ROOT,
            **{**FAST, **env},
        )
        self.workers.append(worker)
        return worker.start()

    def worker_output(self) -> str:
        return "\n".join(f"--- {w.log.name}\n{w.output()}" for w in self.workers)


@pytest.fixture
def delivery(transactional_db, smtp, tmp_path):
    """Workers on the shared Redis (database 13, a queue of this test's own); this process publishes there."""
    queue = f"notify-{uuid.uuid4().hex[:12]}"
    broker_url = shared_redis_url()
    context = Delivery(smtp=smtp, tmp_path=tmp_path, queue=queue, broker_url=broker_url, workers=[], redis=None)
    try:
        with celery_broker(broker_url, queue=queue):
            yield context
    finally:
        for worker in context.workers:
            worker.kill()
        # Leave nothing of this test in the shared Redis: its queue, and messages a killed worker held unacked.
        client = redis.Redis.from_url(broker_url)
        if keys := list(client.scan_iter(f"*{queue}*")):
            client.delete(*keys)
        for tag, payload in client.hscan_iter("unacked"):
            if queue.encode() in payload:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)


@pytest.fixture
def fault_delivery(transactional_db, smtp, tmp_path):
    """Like `delivery`, on a throwaway redis-server of the test's own that the test may stop and start."""
    server = RedisServer(tmp_path).start()
    context = Delivery(smtp=smtp, tmp_path=tmp_path, queue="celery", broker_url=server.url, workers=[], redis=server)
    try:
        with celery_broker(server.url):
            yield context
    finally:
        for worker in context.workers:
            worker.kill()
        server.stop()
