"""Settings shared by every environment; everything that differs comes from the environment."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from .auth import API_THROTTLE_RATES, TRUSTED_PROXY_COUNT

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_filters",
    "pgtrigger",
    "viewflow",
    "viewflow.workflow",
    "core",
    "accounts",
    "partners",
    "agreements",
    "applications",
    "documents",
    "workflows",
    "notifications",
    "selection",
    "grants",
    "learning",
    "reports",
    "migration",
    "incoming",
    # SAML 2.0 sign-in (accounts/saml.py): its views and templates.
    "djangosaml2",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Lets the logout form reach the OpenID Connect provider's logout endpoint (accounts/middleware.py).
    "accounts.middleware.SingleSignOnLogoutCspMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A lost database or broker connection in a view answers 503 (inner middleware: config.urls' handler500).
    "core.outage.OutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A SAML sign-in's state, in a cookie the identity provider's cross-site POST brings back (settings/sso.py).
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Writes a row of accounts.AccessRefusal for every request answered 403.
    "accounts.middleware.AccessRefusalMiddleware",
    # Last, as django-axes asks: turns a login refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "accounts.context_processors.single_sign_on",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Django's form renderer with selects written without a template per option (core.forms.FormRenderer).
FORM_RENDERER = "core.forms.FormRenderer"

# SQLite by default so `make run` needs no services; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'korpu.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL session settings of every connection: no JIT compilation. A list query whose estimate passes
# jit_above_cost (the inbox of a prorector at 100,000 cases) spent 300-400 ms compiling to return 50 rows in 17 ms.
POSTGRES_OPTIONS = "-c jit=off"


def postgres_connection_options(session: str = "") -> dict:
    """The OPTIONS of a PostgreSQL connection (every settings module's): the session settings (POSTGRES_OPTIONS and
    `session`) and, unless DJANGO_DB_PREPARED=0, server-side parameters and prepared statements: a statement run
    twice on a connection is planned once (a decision 40 % faster, README). Off behind PgBouncer in transaction
    mode."""
    options: dict = {"options": f"{POSTGRES_OPTIONS} {session}".strip()}
    if env.bool("DJANGO_DB_PREPARED", default=True):
        options.update(server_side_binding=True, prepare_threshold=2)
    return options


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(postgres_connection_options())
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` has the web server, a worker and beat writing to one SQLite file: wait for the write lock
    # (taken at the start of each transaction) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "applications:home"
# A path, not a URL name: djangosaml2 redirects to it as it is.
LOGOUT_REDIRECT_URL = "/accounts/login/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env("DJANGO_LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("az", _("Azerbaijani"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Asia/Baku")
USE_I18N = True
USE_TZ = True
# Dates per language, the same in pages, emails and letters (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Documents are private: MEDIA_ROOT is never served as static files; downloads go
# through a view that checks the case permission first.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/private-media-not-served/"
DOCUMENT_MAX_SIZE = env.int("DOCUMENT_MAX_SIZE", default=10 * 1024 * 1024)
# A kind's own limit in bytes, e.g. DOCUMENT_MAX_SIZES=signed_agreement=31457280 (others: DOCUMENT_MAX_SIZE).
DOCUMENT_MAX_SIZES = {k: int(v) for k, v in env.dict("DOCUMENT_MAX_SIZES", default={}).items()}
# A DOCX/ODT whose parts would unpack to more than this (or compress more than the ratio) is refused.
DOCUMENT_ZIP_MAX_UNCOMPRESSED = env.int("DOCUMENT_ZIP_MAX_UNCOMPRESSED", default=100 * 1024 * 1024)
DOCUMENT_ZIP_MAX_RATIO = env.int("DOCUMENT_ZIP_MAX_RATIO", default=100)
# A PDF is walked object by object for active content; past these it is refused as too complex to check.
DOCUMENT_PDF_MAX_OBJECTS = env.int("DOCUMENT_PDF_MAX_OBJECTS", default=100_000)
DOCUMENT_PDF_CHECK_SECONDS = env.float("DOCUMENT_PDF_CHECK_SECONDS", default=8.0)
# The virus-scan hook: a clamd reachable over TCP; without CLAMAV_HOST documents are marked "not scanned".
CLAMAV_HOST = env("CLAMAV_HOST", default="")
CLAMAV_PORT = env.int("CLAMAV_PORT", default=3310)
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=60.0)
# Uploads stream to a temporary file above FILE_UPLOAD_MAX_MEMORY_SIZE; the limited handler stops writing
# past the largest document limit, so an oversized upload fills neither memory nor disk.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "documents.uploadhandlers.LimitedTemporaryFileUploadHandler",
]
# Active agreements ending within this many days become "expiring" and start a renewal draft.
AGREEMENT_EXPIRY_WINDOW_DAYS = env.int("AGREEMENT_EXPIRY_WINDOW_DAYS", default=180)
# Migration advice (migration/): reminders this many days before each checklist step's deadline, and personal
# documents deleted this many days after the foreigner's departure.
MIGRATION_REMINDER_DAYS = [int(d) for d in env.list("MIGRATION_REMINDER_DAYS", default=["7", "1"])]
MIGRATION_RETENTION_DAYS = env.int("MIGRATION_RETENTION_DAYS", default=365)
# Learning agreements (learning/): ECTS of Table A per semester (a full year counts two), the days after the
# mobility's start within which changes may be proposed, how long a receiving coordinator's signing link lasts,
# and how many days a signer is left before a reminder (and between reminders).
LA_MIN_ECTS_PER_SEMESTER = env.int("LA_MIN_ECTS_PER_SEMESTER", default=20)
LA_MAX_ECTS_PER_SEMESTER = env.int("LA_MAX_ECTS_PER_SEMESTER", default=35)
LA_USUAL_ECTS_PER_SEMESTER = env.int("LA_USUAL_ECTS_PER_SEMESTER", default=30)
LA_CHANGE_WINDOW_DAYS = env.int("LA_CHANGE_WINDOW_DAYS", default=35)
LA_SIGNING_LINK_DAYS = env.int("LA_SIGNING_LINK_DAYS", default=14)
LA_REMINDER_DAYS = env.int("LA_REMINDER_DAYS", default=3)
# Staff mobility for teaching: the fewest teaching hours per week an application may plan (Erasmus+: 8).
STAFF_TEACHING_MIN_HOURS_PER_WEEK = env.int("STAFF_TEACHING_MIN_HOURS_PER_WEEK", default=8)
# Outages (core.outage): a lost or refused database or broker connection answers 503 with this Retry-After.
OUTAGE_RETRY_AFTER_SECONDS = env.int("OUTAGE_RETRY_AFTER_SECONDS", default=30)
# How long the API replays the first answer to a retried Idempotency-Key (core.idempotency).
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="korpu@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # django-rest-knox's hashed, expiring tokens, refused for a while to an address that guesses.
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttles.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": API_THROTTLE_RATES,
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Adds the Idempotency-Key header and the 422 / 503 answers to the operations that take them.
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # OPTIONS describes what each endpoint takes, and does not fail on one that takes nothing (submit/).
    "DEFAULT_METADATA_CLASS": "core.metadata.Metadata",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Körpü API",
    "DESCRIPTION": """Mobility applications, approvals and the task inbox of the International Relations Office.

**Authentication.** Every endpoint but the token endpoint needs a token (or the web session, for the pages'
own scripts).

- *Get* a token: `POST /api/v1/auth/token/` with `username`, `password` and optionally `client` (a name for
  the program or device, shown in your token list). Each call makes a new token; the answer shows its key
  once, with its `expiry`. Only a hash of the key is stored: keep the key, it cannot be shown again.
- *Use* it: send `Authorization: Token <key>` with every request.
- *Refresh* it before it expires: `POST /api/v1/auth/token/refresh/` with the token answers a new token for
  the same client and revokes the old one. An expired token answers 401: get a new one with the password.
- *Revoke* it: `POST /api/v1/auth/logout/` revokes the token sent; `POST /api/v1/auth/logout-all/` revokes all
  your tokens; `GET /api/v1/auth/tokens/` lists them and `DELETE /api/v1/auth/tokens/{token_id}/` revokes one.
  The page /accounts/tokens/ does the same. Changing your password or deactivating your account revokes all.

**Limits.** Wrong passwords lock the username and the address out for a while (429 with `Retry-After`,
`code` `locked_out`); the token endpoint, anonymous use and repeated wrong tokens are rate-limited per
address (429 with `Retry-After`).""",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page works offline: Swagger UI and ReDoc are served from drf-spectacular-sidecar.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One named enum per choice set wherever a serializer shows it (field names such as "status" repeat).
    "ENUM_NAME_OVERRIDES": {
        "SelectionStatusEnum": "selection.models.SelectionStatus",
        "LearningAgreementStatusEnum": "learning.models.LAStatus",
        "LearningAgreementKindEnum": "learning.models.LAKind",
        "LearningAgreementActionEnum": "learning.models.LAEvent.Action",
        "SignatureDecisionEnum": "learning.models.SignatureDecision",
        "DecisionEnum": "workflows.models.Decision",
        "SignaturePartyEnum": "learning.models.Party",
        "SignatureMethodEnum": "learning.models.SignatureMethod",
        "ComponentTableEnum": "learning.models.ComponentTable",
        "ComponentStatusEnum": "learning.models.ComponentStatus",
        "ComponentReasonCodeEnum": "learning.models.ReasonCode",
        "ReportStatusEnum": "reports.models.ReportStatus",
        "DocumentStatusEnum": "documents.models.DocumentStatus",
        "AdviceStatusEnum": "migration.models.AdviceStatus",
        "AdviceDocumentKindEnum": "migration.serializers.KIND_CHOICES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Django's own loggers print through the root handler only (otherwise every line shows twice).
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

from .auth import *  # noqa: E402,F403
from .celery import *  # noqa: E402,F403
from .ewp import *  # noqa: E402,F403
from .incoming import *  # noqa: E402,F403
from .notifications import *  # noqa: E402,F403
from .office import *  # noqa: E402,F403
from .security import *  # noqa: E402,F403
from .sso import *  # noqa: E402,F403
from .storages import *  # noqa: E402,F403
