"""The endpoints of nominations and grants under /api/v1/grants/ (included by config/api_urls.py)."""

from django.urls import path

from grants import api

urlpatterns = [
    path("grants/calls/<int:call_id>/nominations/", api.CallNominationsView.as_view(), name="api-grants-call"),
    path("grants/nominations/<int:nomination_id>/", api.NominationView.as_view(), name="api-grants-nomination"),
    path(
        "grants/applications/<int:application_id>/",
        api.ApplicationGrantView.as_view(),
        name="api-grants-application",
    ),
    path("grants/rate-tables/", api.RateTableListView.as_view(), name="api-grants-rate-tables"),
    path("grants/rate-tables/<int:table_id>/", api.RateTableView.as_view(), name="api-grants-rate-table"),
]
