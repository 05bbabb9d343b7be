"""Settings for the test suite: the real PostgreSQL and Redis on 127.0.0.1 (overridable)."""

import os

from .base import *  # noqa: F403
from .base import env, postgres_connection_options

DEBUG = False
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/korpu"),
}
# The test runner empties the test database with TRUNCATE between transactional tests; the audit tables' trigger
# allows that only in a database named test_* and a session that sets this (core/models.py).
DATABASES["default"].setdefault("OPTIONS", {}).update(postgres_connection_options("-c korpu.allow_truncate=on"))
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
# The throttles' counts live here; each pytest-xdist worker keeps its own keys, which tests/conftest.py clears
# before every test (so one test's requests never throttle the next).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "korpu-test-" + os.environ.get("PYTEST_XDIST_WORKER", "main"),
    }
}
CELERY_BROKER_TRANSPORT_OPTIONS: dict = dict(REDIS_TRANSPORT_OPTIONS)  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"
# A third kind of case that exists only in the tests (tests/docrequest): built by following "Adding a kind of
# case" in docs/ARCHITECTURE.md, it proves that a new kind needs nothing shared edited.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.docrequest"]  # noqa: F405
