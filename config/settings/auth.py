"""Logging in and API tokens: lockout after failed logins (django-axes), hashed expiring API tokens
(django-rest-knox, with our own token model), the API's rate limits, and the shared cache they count in."""

from datetime import timedelta

import environ

env = environ.Env()

# django-axes checks every login (the login page, the admin's and the API's token endpoint) before Django's own
# backend does: a username or an address with AXES_FAILURE_LIMIT failures within AXES_COOLOFF_MINUTES is locked
# out for that long (each further failure starts the wait again). An admin unlocks by deleting the attempts
# (admin: Access attempts, or the "Unlock logins" action on users).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend; PASSWORD_LOGIN_ADMINS_ONLY (settings/sso.py) keeps it for administrators.
    "accounts.backends.PasswordBackend",
    # Single sign-on (settings/sso.py): each answers only its own protocol's callback.
    "accounts.oidc.AuthenticationBackend",
    "accounts.saml.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Comma-separated; "a+b" counts the failures of that combination only. Behind one address (a campus NAT) many
# people share "ip_address": AXES_LOCKOUT_PARAMETERS=username,ip_address+user_agent is gentler there.
AXES_LOCKOUT_PARAMETERS = [
    part.split("+") if "+" in part else part
    for part in env.list("AXES_LOCKOUT_PARAMETERS", default=["username", "ip_address"])
]
# The database handler works across the web processes and needs no cache.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# A successful login must not wipe the failures counted against an address: anyone with an account there could
# otherwise reset the count between guesses at someone else's password.
AXES_RESET_ON_SUCCESS = False
# Every failed login (user name as typed, address, time, path) stays readable in the admin: Access failures.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The same address the API's throttles count (REST_FRAMEWORK's NUM_PROXIES decides whether to trust a proxy).
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
# The lockout answer: the page says the account or address is locked (never whether the user exists), 429 with
# Retry-After; the API's token endpoint answers it as JSON.
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"

# How many proxies in front of Django append to X-Forwarded-For (0: trust none, use the socket's address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# API tokens are django-rest-knox's: only a SHA-512 digest is stored, the key is shown once, each login or
# client gets a token of its own that expires after API_TOKEN_TTL_HOURS. accounts.ApiToken is knox's token
# with the client's name and when it was last used.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own token table would stay empty: its model is swapped for accounts.ApiToken.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=30 * 24)),
    # Off by default: a client renews with POST /api/v1/auth/token/refresh/. On: every use moves the expiry
    # on, up to API_TOKEN_MAX_AGE_HOURS after the token was made.
    "AUTO_REFRESH": env.bool("API_TOKEN_AUTO_REFRESH", default=False),
    "AUTO_REFRESH_MAX_TTL": timedelta(hours=env.int("API_TOKEN_MAX_AGE_HOURS", default=90 * 24)),
    "AUTH_HEADER_PREFIX": "Token",
}

# The API's rate limits per client address (DRF's "N/second|minute|hour|day"). Retry-After says when to try again.
API_THROTTLE_RATES = {
    # Anonymous use of the API (the token endpoint has its own limit below).
    "anon": env("API_THROTTLE_ANON", default="60/minute"),
    # POST /api/v1/auth/token/, right or wrong password (wrong ones also count towards the lockout above).
    "auth_token": env("API_THROTTLE_TOKEN", default="20/minute"),
    # Requests with a wrong or expired token; past this every token from the address is refused for a while.
    "auth_token_failure": env("API_THROTTLE_TOKEN_FAILURES", default="30/hour"),
}
# How often a token's "last used" time is written at most (a write per request would be wasted).
API_TOKEN_LAST_USED_INTERVAL_SECONDS = 60

# The throttles count in this cache, shared by every web process: Redis where REDIS_URL is set (production,
# tests), otherwise a table in the database (`make run`'s SQLite; `manage.py createcachetable` makes it).
_REDIS_URL = env("REDIS_URL", default="")
if _REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _REDIS_URL,
            "KEY_PREFIX": "korpu",
            # A stopped Redis must not hang a request: the throttles then let requests through (accounts.throttles).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "korpu_cache"}}
