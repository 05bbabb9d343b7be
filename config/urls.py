from django.contrib import admin
from django.urls import include, path

# A lost database connection in the session or user middleware reaches only this handler: it answers 503 then.
handler500 = "core.outage.server_error"
# A URL under /api/ that matches no endpoint answers the API's JSON error (`not_found`); elsewhere the page.
handler404 = "core.api.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("config.api_urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("tasks/", include("workflows.urls")),
    path("agreements/", include("agreements.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("applications.urls")),
]
