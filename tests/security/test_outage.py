"""Outages answer honestly: while the database refuses connections (as during a PostgreSQL restart), or the
broker cannot be reached, pages answer a friendly 503 and the API a JSON 503 with a code, both with
Retry-After — never a 500. A database that answered with an error of its own (a deadlock, a serialization
failure, a lock timeout) is no outage."""

import contextlib
import time

import psycopg
import pytest
import redis
import requests
from django.db import DatabaseError, OperationalError, connection
from django.test import Client
from django.urls import path
from kombu import Connection
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIClient

from core.outage import is_outage
from tests.support.api import decision_url
from tests.support.harness import celery_broker, free_port
from workflows.locks import select_for_update_lock
from workflows.selectors import open_task_for_application

RETRY_AFTER = "30"


def admin_connection():
    """A connection to the maintenance database, as the test user, outside Django."""
    params = connection.get_connection_params()
    params = {k: v for k, v in params.items() if k in {"host", "port", "user", "password"} and v}
    return psycopg.connect(dbname="postgres", autocommit=True, **params)


@contextlib.contextmanager
def database_refusing_connections():
    """The test database refuses new connections (PostgreSQL's own answer, also to a superuser) and every
    open one is cut, as when the server restarts; afterwards it takes connections again."""
    name = connection.settings_dict["NAME"]
    with admin_connection() as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
            connection.close()


def assert_outage_page(response, language="en"):
    assert response.status_code == 503, response.text[:500]
    assert response.headers["Retry-After"] == RETRY_AFTER
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Traceback" not in response.text and "Server Error" not in response.text
    assert "/static/css/korpu.css" in response.text
    heading = {"en": "Körpü is briefly unavailable", "az": "Körpü qısa müddətə əlçatan deyil"}[language]
    assert heading in response.text


def assert_outage_json(response):
    assert response.status_code == 503, response.text[:500]
    assert response.headers["Retry-After"] == RETRY_AFTER
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "service_unavailable"


@pytest.mark.django_db(transaction=True)
def test_while_the_database_refuses_connections_pages_and_api_answer_503(world, live_server):
    # given a signed-in coordinator (a session in the database) and a login form already loaded
    base = live_server.url
    django_client = Client()
    django_client.force_login(world.coordinator_ce)
    signed_in = requests.Session()
    signed_in.cookies.set("sessionid", django_client.cookies["sessionid"].value)
    anonymous = requests.Session()
    login_page = anonymous.get(f"{base}/accounts/login/", timeout=10)
    assert login_page.status_code == 200
    csrf = anonymous.cookies["csrftoken"]
    assert signed_in.get(f"{base}/tasks/", timeout=10).status_code == 200

    # when the database stops taking connections
    with database_refusing_connections():
        # then a page (the session is read by middleware, before any view) is the friendly 503
        assert_outage_page(signed_in.get(f"{base}/tasks/", timeout=10))
        assert_outage_page(signed_in.get(f"{base}/tasks/", headers={"Accept-Language": "az"}, timeout=10), "az")
        # a view of its own that needs the database (signing in) says so too, and that a form may not be saved
        login = anonymous.post(
            f"{base}/accounts/login/",
            data={"username": "coordinator_ce", "password": "demo", "csrfmiddlewaretoken": csrf},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=10,
        )
        assert_outage_page(login)
        assert "may or may not have been saved" in login.text
        # the API, through the session's middleware and through DRF's own views, answers JSON
        assert_outage_json(signed_in.get(f"{base}/api/v1/tasks/", timeout=10))
        assert_outage_json(
            anonymous.post(f"{base}/api/v1/auth/token/", json={"username": "x", "password": "y"}, timeout=10)
        )

    # and once it is back, the same requests work again
    assert signed_in.get(f"{base}/tasks/", timeout=10).status_code == 200
    assert signed_in.get(f"{base}/api/v1/tasks/", timeout=10).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_while_locking_a_case_is_an_outage_not_a_busy_case(world, submitted_application):
    # given the connection that is about to lock the case is cut by the server
    process = submitted_application.process
    connection.ensure_connection()
    with admin_connection() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])

    # when the flow's lock is taken, it gives up at once with the outage (not retries, then "case busy")
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError) as raised, select_for_update_lock(process.flow_class, process.pk):
            pass
    finally:
        connection.close()
    assert is_outage(raised.value)
    assert time.monotonic() - started < 0.3


def test_only_lost_or_refused_connections_count_as_an_outage():
    def wrapped(error):
        django_error = OperationalError(*error.args)
        django_error.__cause__ = error
        return django_error

    try:
        psycopg.connect(host="127.0.0.1", port=free_port(), dbname="x", user="x", connect_timeout=2)
    except psycopg.OperationalError as refused:
        assert refused.sqlstate is None
        assert is_outage(wrapped(refused))
    assert is_outage(wrapped(psycopg.errors.AdminShutdown("terminating connection due to administrator command")))
    assert is_outage(wrapped(psycopg.errors.CannotConnectNow("the database system is starting up")))
    assert is_outage(wrapped(psycopg.errors.ConnectionFailure("connection failure")))
    assert is_outage(wrapped(psycopg.errors.TooManyConnections("sorry, too many clients already")))
    for answered in (
        psycopg.errors.SerializationFailure("could not serialize access"),
        psycopg.errors.DeadlockDetected("deadlock detected"),
        psycopg.errors.LockNotAvailable("could not obtain lock"),
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
    ):
        assert not is_outage(wrapped(answered)), answered
    assert not is_outage(DatabaseError("no cause"))
    assert not is_outage(ValueError("not a connection"))


# --- the broker --------------------------------------------------------------------------------------
# No request needs the broker before it answers: every task is queued after commit, and a broker that
# refuses it is logged and left to the relays (core.effects). So the mapping is proven with tiny views of
# this test's own that meet a real refused connection, and a real decision is shown to still succeed.


def refused_redis_view(request):
    redis.Redis(port=free_port(), socket_connect_timeout=1, retry=None).ping()


@api_view(["POST"])
@permission_classes([AllowAny])
def refused_broker_api_view(request):
    Connection(f"redis://127.0.0.1:{free_port()}//", connect_timeout=1).ensure_connection(
        max_retries=1, interval_start=0, interval_step=0
    )
    return Response({})


urlpatterns = [
    path("page/", refused_redis_view),
    path("api/v1/broker/", refused_broker_api_view),
]


@pytest.mark.urls(__name__)
def test_an_unreachable_broker_is_a_503_too():
    page = Client(raise_request_exception=False).get("/page/")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == RETRY_AFTER
    assert "Körpü is briefly unavailable" in page.content.decode()

    api = APIClient(raise_request_exception=False).post("/api/v1/broker/", {}, format="json")
    assert api.status_code == 503
    assert api.headers["Retry-After"] == RETRY_AFTER
    assert api.json()["code"] == "service_unavailable"


@pytest.mark.django_db
def test_a_decision_succeeds_while_the_broker_is_down(world, submitted_application, django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_login(world.coordinator_ce)
    task_id = open_task_for_application(application=submitted_application).pk
    with celery_broker(f"redis://127.0.0.1:{free_port()}/0"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(decision_url(task_id), {"decision": "approve", "comment": "ok"}, format="json")
    assert response.status_code == 200, response.content
