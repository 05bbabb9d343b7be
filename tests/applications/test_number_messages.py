"""Numbers out of range say the allowed range in the office's words — pages, API and services alike — and the GPA is
checked on the office's scale (settings.GPA_SCALE)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services
from applications.forms import ApplicationForm
from core.errors import ErrorCode
from tests.support.api import application_url
from tests.support.drivers import make_ready_application
from tests.support.pages import text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gpa", "1000", "GPA must be between 0 and 100."),
        ("gpa", "100.5", "GPA must be between 0 and 100."),
        ("gpa", "-1", "GPA must be between 0 and 100."),
        ("year_of_study", "12", "Year of study must be between 1 and 10."),
        ("year_of_study", "0", "Year of study must be between 1 and 10."),
    ],
)
def test_the_api_says_the_range(world, clients, field, value, message):
    application = make_ready_application(world)
    response = clients.student1.patch(application_url(application.pk), {field: value}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()[field] == [message]


def test_a_gpa_of_100_is_accepted_on_the_100_point_scale(world, clients):
    application = make_ready_application(world)
    response = clients.student1.patch(application_url(application.pk), {"gpa": "100"}, format="json")
    assert response.status_code == 200, response.content
    application.refresh_from_db()
    assert application.gpa == Decimal("100")


def test_the_form_gives_one_message_in_the_offices_words(world):
    application = make_ready_application(world)
    form = ApplicationForm(
        {"gpa": "1000", "year_of_study": "3", "choice_1": str(world.partners[0].pk)},
        instance=application,
        call=application.call,
    )
    assert not form.is_valid()
    assert form.errors["gpa"] == ["GPA must be between 0 and 100."]
    assert form.fields["gpa"].help_text == "On the 100-point scale (0–100)."


def test_the_service_checks_the_gpa_on_the_offices_scale(world, settings, client):
    application = make_ready_application(world)
    settings.GPA_SCALE = 4  # another university's scale
    with pytest.raises(ValidationError) as exc:
        services.application_update(application=application, actor=world.student1, gpa=Decimal("85"))
    [error] = exc.value.error_dict["gpa"]
    assert error.code == ErrorCode.OUT_OF_RANGE and list(error) == ["GPA must be between 0 and 4."]
    services.application_update(application=application, actor=world.student1, gpa=Decimal("3.75"))
    application.refresh_from_db()
    assert application.gpa == Decimal("3.75")
    # and the page shows the scale next to the field
    client.force_login(world.student1)
    assert "On the 4-point scale (0–4)." in text(client.get(reverse("applications:edit", args=[application.pk])))
