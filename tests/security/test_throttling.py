"""The API's rate limits per address: the token endpoint, anonymous use, and requests with wrong tokens. Each
answers 429 with Retry-After; a cache that does not answer lets requests through."""

import pytest
from rest_framework.test import APIClient

from tests.support.api import APPLICATIONS_URL, TOKEN_URL, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    """Set some of API_THROTTLE_RATES for the test (the throttles read them at each request)."""

    def set_rates(**overrides):
        rest = dict(settings.REST_FRAMEWORK)
        rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], **overrides}
        settings.REST_FRAMEWORK = rest

    return set_rates


def ask_token(password="demo", **extra):
    return APIClient().post(TOKEN_URL, {"username": "student1", "password": password}, format="json", **extra)


def test_the_token_endpoint_answers_429_with_retry_after_past_its_rate(world, rates):
    rates(auth_token="3/minute")
    assert [ask_token().status_code for _ in range(3)] == [200, 200, 200]
    throttled = ask_token()
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert "token" not in throttled.json()
    # counted per address: another one still gets its token
    assert ask_token(REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_forged_forwarded_for_does_not_dodge_the_limit(world, rates):
    rates(auth_token="2/minute")
    ask_token(), ask_token()
    assert ask_token(HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429


def test_the_default_rate_lets_a_few_logins_through(world):
    assert all(ask_token().status_code == 200 for _ in range(10))


def test_anonymous_use_of_the_api_is_rate_limited(db, rates):
    rates(anon="2/minute")
    client = APIClient()
    assert [client.get("/api/schema/").status_code for _ in range(2)] == [200, 200]
    throttled = client.get("/api/schema/")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0


def test_guessing_tokens_is_refused_with_429_for_a_while(world, rates):
    rates(auth_token_failure="5/hour")
    good = token_client("student1")  # a real token, from the same address
    guesser = APIClient()

    # given five wrong tokens
    for n in range(5):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token {n:064x}")
        assert guesser.get(APPLICATIONS_URL).status_code == 401

    # then the next is refused before it is checked, with when to try again
    guesser.credentials(HTTP_AUTHORIZATION=f"Token {'f' * 64}")
    throttled = guesser.get(APPLICATIONS_URL)
    assert throttled.status_code == 429
    assert throttled.json()["detail"].startswith("Too many requests with a wrong or expired token")
    assert 3500 < int(throttled["Retry-After"]) <= 3600
    # and so is every token from that address, a right one included: guessing learns nothing more
    assert good.get(APPLICATIONS_URL).status_code == 429
    # other addresses are not affected
    assert good.get(APPLICATIONS_URL, REMOTE_ADDR="10.0.0.3").status_code == 200


def test_right_tokens_are_not_counted(world, rates):
    rates(auth_token_failure="2/hour")
    client = token_client("student1")
    assert all(client.get(APPLICATIONS_URL).status_code == 200 for _ in range(5))


def test_a_stopped_cache_lets_requests_through(world, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    client = token_client("student1")
    assert client.get(APPLICATIONS_URL).status_code == 200
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token nope")
    assert bad.get(APPLICATIONS_URL).status_code == 401
    assert APIClient().get("/api/schema/").status_code == 200
