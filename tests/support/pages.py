"""Drivers for the web pages through the Django test client: a page's text and query count, and an
application created, given its documents and submitted the way a browser posts the forms."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from tests.support.drivers import open_task
from tests.support.factories import valid_application_fields
from tests.support.files import pdf_upload


def text(response) -> str:
    return response.content.decode()


def count_queries(client, url) -> int:
    """The queries one GET of a page costs."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def task_url(case) -> str:
    """The task page of the open task of an application or agreement."""
    return reverse("workflows:task", args=[open_task(case).pk])


def application_form_data(world, choices=None, **overrides) -> dict:
    """The new/edit form as a browser posts it."""
    data = {k: str(v) for k, v in valid_application_fields().items()}
    choices = choices if choices is not None else [world.partners[0].pk, world.partners[2].pk]
    for rank in (1, 2, 3):
        data[f"choice_{rank}"] = str(choices[rank - 1]) if len(choices) >= rank else ""
    data.update(overrides)
    return data


def create_through_pages(client, world, **overrides) -> Application:
    response = client.post(
        reverse("applications:create", args=[world.call.pk]), application_form_data(world, **overrides)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def upload_through_pages(client, application, kind, name="document.pdf"):
    return client.post(
        reverse("applications:upload", args=[application.pk]), {"kind": kind, "file": pdf_upload(name)}, follow=True
    )


def submit_through_pages(client, application, follow=True):
    return client.post(reverse("applications:submit", args=[application.pk]), follow=follow)
