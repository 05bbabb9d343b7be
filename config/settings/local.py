"""Developer settings used by `make run`: DEBUG on, SQLite and the filesystem broker unless overridden."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Demo emails (notifications) are written as files under var/mail/, one per message, for anyone to read.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.path("DJANGO_EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
