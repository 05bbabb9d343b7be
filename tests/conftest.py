"""Shared fixtures: a small world like the demo (two departments, a user per role, an open call), a case ready
or submitted, API clients per user and a real documents worker. The helpers they use live in tests/support/."""

from types import SimpleNamespace

import pytest

from accounts.roles import setup_roles
from tests.support import harness
from tests.support.api import Clients
from tests.support.drivers import make_ready_application, make_submitted_application
from tests.support.factories import (
    ROLE_USERS,
    CallFactory,
    CallPlaceFactory,
    DepartmentFactory,
    PartnerFactory,
    UserFactory,
)


@pytest.fixture
def world(db):
    """Departments ce and math, the demo users by name, three partners and an open student call."""
    setup_roles()
    ce = DepartmentFactory(code="ce", name="Computer Engineering")
    math = DepartmentFactory(code="math", name="Mathematics")
    depts = {"ce": ce, "math": math}
    users = {
        name: UserFactory(username=name, roles=roles, departments=[depts[d] for d in dcodes])
        for name, (roles, dcodes) in ROLE_USERS.items()
    }
    call = CallFactory()
    places = [CallPlaceFactory(call=call, partner=PartnerFactory(), places=n) for n in (2, 1, 3)]
    return SimpleNamespace(departments=depts, call=call, places=places, partners=[p.partner for p in places], **users)


@pytest.fixture
def ready_application(world):
    return make_ready_application(world)


@pytest.fixture
def submitted_application(world):
    return make_submitted_application(world)


@pytest.fixture
def clients(world):
    """clients.<username>: a token-authenticated API client per demo user, created on first use."""
    return Clients()


@pytest.fixture
def worker_env():
    """Extra environment for the documents worker (e.g. CLAMAV_HOST); set before `documents_worker` starts."""
    return {}


@pytest.fixture
def documents_worker(transactional_db, settings, tmp_path, worker_env):
    """A real `celery worker` process for documents' and applications' tasks, on this test's database and media."""
    with harness.documents_worker(settings=settings, tmp_path=tmp_path, worker_env=worker_env) as worker:
        yield worker


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(scope="session", autouse=True)
def _drop_unconsumed_test_messages():
    """Tasks deferred to commit by tests without a worker land on the test Redis's default queue, where
    nothing consumes them (tests with a real worker route to queues of their own). Drop them at the end
    of the run so they do not pile up between runs."""
    yield
    import redis
    from django.conf import settings

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).delete("celery")
    except redis.RedisError:
        pass


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Each test starts in the default language, whatever a previous test's request activated."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process (what a worker would do), with their errors raised in the test."""
    from config.celery import app as celery_app

    old = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Each test starts with no requests counted by the API's throttles: their counts live in the test Redis,
    under this worker's key prefix (config/settings/test.py), which outlives the test's database rollback."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)  # Django's RedisCache has no delete-by-prefix of its own
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)
