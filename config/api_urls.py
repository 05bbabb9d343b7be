"""The REST API under /api/: version 1 of the endpoints, the OpenAPI schema and the offline Swagger UI."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.api import TokenObtainView
from applications.api import (
    ApplicationDetailView,
    ApplicationDocumentFileView,
    ApplicationDocumentsView,
    ApplicationHistoryView,
    ApplicationListView,
    ApplicationSubmitView,
    CallListView,
)
from workflows.api import TaskDecisionView, TaskListView

v1 = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("calls/", CallListView.as_view(), name="api-call-list"),
    path("applications/", ApplicationListView.as_view(), name="api-application-list"),
    path("applications/<int:application_id>/", ApplicationDetailView.as_view(), name="api-application-detail"),
    path(
        "applications/<int:application_id>/documents/",
        ApplicationDocumentsView.as_view(),
        name="api-application-documents",
    ),
    path(
        "applications/<int:application_id>/documents/<int:document_id>/file/",
        ApplicationDocumentFileView.as_view(),
        name="api-application-document-file",
    ),
    path("applications/<int:application_id>/submit/", ApplicationSubmitView.as_view(), name="api-application-submit"),
    path(
        "applications/<int:application_id>/history/", ApplicationHistoryView.as_view(), name="api-application-history"
    ),
    path("tasks/", TaskListView.as_view(), name="api-task-list"),
    path("tasks/<int:task_id>/decision/", TaskDecisionView.as_view(), name="api-task-decision"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
