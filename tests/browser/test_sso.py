"""Single sign-on in a real browser: a student and a coordinator sign in through the OpenID Connect provider and
through the SAML identity provider (both on loopback), each landing where their role starts — the coordinator in
an inbox holding the department's case — with no CSP violation on Körpü's pages."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from accounts.roles import Role, user_roles
from tests.support.drivers import make_submitted_application
from tests.support.saml_idp import saml_idp, saml_settings
from tests.support.sso import oidc_provider, oidc_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_page(browser):
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_oidc_sign_in_lands_the_student_and_the_coordinator_where_they_work(world, settings, live_server, new_page):
    application = make_submitted_application(world)
    with oidc_provider() as issuer:
        oidc_settings(settings, issuer)

        coordinator = new_page()
        coordinator.goto(f"{live_server.url}/accounts/login/?next=/tasks/")
        coordinator.get_by_role("link", name="Sign in with your university account").click()
        # the provider's page: pick the person
        coordinator.get_by_role("button", name="kamal.coord").click()
        coordinator.wait_for_url(f"{live_server.url}/tasks/")
        expect(coordinator.get_by_role("heading", level=1)).to_have_text("Inbox")
        expect(coordinator.locator(f'a.open-task[href="/tasks/{_open_task_id(application)}/"]')).to_be_visible()
        assert user_roles(User.objects.get(username="kamal.coord")) >= {Role.COORDINATOR}

        student = new_page()
        student.goto(f"{live_server.url}/accounts/login/?next=/applications/")
        student.get_by_role("link", name="Sign in with your university account").click()
        student.get_by_role("button", name="aysel.student").click()
        student.wait_for_url(f"{live_server.url}/applications/")
        expect(student.get_by_role("heading", level=1)).to_be_visible()
        assert user_roles(User.objects.get(username="aysel.student")) == {Role.STUDENT}

        # logging out ends Körpü's session and goes to the provider's logout
        student.get_by_role("button", name="Log out").click()
        student.wait_for_url(f"{issuer}/oauth2/end_session**")
        student.goto(f"{live_server.url}/applications/")
        assert "/accounts/login/" in student.url


def test_saml_sign_in_lands_the_student_and_the_coordinator_where_they_work(
    world, settings, live_server, new_page, tmp_path
):
    application = make_submitted_application(world)
    with saml_idp(tmp_path) as idp:
        saml_settings(settings, idp, live_server.url)

        coordinator = new_page()
        coordinator.goto(f"{live_server.url}/accounts/login/?next=/tasks/")
        coordinator.get_by_role("link", name="Sign in through your institution (SAML)").click()
        coordinator.fill("#idp-username", "kamal.coord")
        coordinator.click("#idp-submit")
        # the IdP's page posts the signed assertion back to Körpü by itself
        coordinator.wait_for_url(f"{live_server.url}/tasks/")
        expect(coordinator.get_by_role("heading", level=1)).to_have_text("Inbox")
        expect(coordinator.locator(f'a.open-task[href="/tasks/{_open_task_id(application)}/"]')).to_be_visible()

        student = new_page()
        student.goto(f"{live_server.url}/accounts/login/?next=/applications/")
        student.get_by_role("link", name="Sign in through your institution (SAML)").click()
        student.fill("#idp-username", "aysel.student")
        student.click("#idp-submit")
        student.wait_for_url(f"{live_server.url}/applications/")
        assert user_roles(User.objects.get(username="aysel.student")) == {Role.STUDENT}
        assert idp.issued == ["kamal.coord", "aysel.student"]


def _open_task_id(application) -> int:
    from workflows.selectors import open_task_for_application

    return open_task_for_application(application=application).pk
