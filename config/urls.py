from django.contrib import admin
from django.urls import include, path

from accounts import saml as accounts_saml
from accounts import views as accounts_views

# A lost database connection in the session or user middleware reaches only this handler: it answers 503 then.
handler500 = "core.outage.server_error"
# A URL under /api/ that matches no endpoint answers the API's JSON error (`not_found`); elsewhere the page.
handler404 = "core.api.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The header's language switch also stores a signed-in user's choice (before Django's own, which it calls).
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("config.api_urls")),
    path("accounts/", include("accounts.urls")),
    # Log out also at the identity provider after a single sign-on (before django.contrib.auth's logout).
    path("accounts/logout/", accounts_views.logout, name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    # Single sign-on: OpenID Connect (/oidc/authenticate/, /oidc/callback/) and SAML 2.0 (/saml2/login/, /saml2/acs/,
    # the service provider's metadata at /saml2/metadata/); each answers 404 until configured (settings/sso.py).
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("saml2/logout/", accounts_saml.LogoutInitView.as_view(), name="saml2_logout"),
    path("saml2/", include("djangosaml2.urls")),
    path("tasks/", include("workflows.urls")),
    path("agreements/", include("agreements.urls")),
    path("notifications/", include("notifications.urls")),
    path("selection/", include("selection.urls")),
    path("grants/", include("grants.urls")),
    path("reports/", include("reports.urls")),
    path("learning/", include("learning.urls")),
    path("incoming/", include("incoming.urls")),
    path("migration/", include("migration.urls")),
    path("", include("applications.urls")),
]
