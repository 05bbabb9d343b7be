"""The REST API under /api/: version 1 of the endpoints, the OpenAPI schema and the offline Swagger UI."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import (
    LogoutAllView,
    LogoutView,
    TokenDetailView,
    TokenListView,
    TokenObtainView,
    TokenRefreshView,
)
from agreements.api import (
    AgreementDetailView,
    AgreementDocumentFileView,
    AgreementDocumentsView,
    AgreementHistoryView,
    AgreementListView,
    AgreementQuotasView,
    AgreementSubmitView,
    AgreementTerminateView,
    AgreementVersionsView,
    TaskMarkSentView,
    TaskSignedView,
)
from applications.api import (
    ApplicationDetailView,
    ApplicationDocumentFileView,
    ApplicationDocumentsView,
    ApplicationHistoryView,
    ApplicationListView,
    ApplicationSubmitView,
    CallListView,
)
from notifications.api import NotificationListView, NotificationReadAllView, NotificationReadView
from partners.api import PartnerDetailView, PartnerListView
from workflows.api import TaskDecisionView, TaskListView

v1 = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("auth/token/refresh/", TokenRefreshView.as_view(), name="api-token-refresh"),
    path("auth/tokens/", TokenListView.as_view(), name="api-token-list"),
    path("auth/tokens/<int:token_id>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("auth/logout-all/", LogoutAllView.as_view(), name="api-logout-all"),
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
    path("tasks/<int:task_id>/mark-sent/", TaskMarkSentView.as_view(), name="api-task-mark-sent"),
    path("tasks/<int:task_id>/signed/", TaskSignedView.as_view(), name="api-task-signed"),
    path("partners/", PartnerListView.as_view(), name="api-partner-list"),
    path("partners/<int:partner_id>/", PartnerDetailView.as_view(), name="api-partner-detail"),
    path("agreements/", AgreementListView.as_view(), name="api-agreement-list"),
    path("agreements/<int:agreement_id>/", AgreementDetailView.as_view(), name="api-agreement-detail"),
    path("agreements/<int:agreement_id>/submit/", AgreementSubmitView.as_view(), name="api-agreement-submit"),
    path("agreements/<int:agreement_id>/terminate/", AgreementTerminateView.as_view(), name="api-agreement-terminate"),
    path("agreements/<int:agreement_id>/versions/", AgreementVersionsView.as_view(), name="api-agreement-versions"),
    path("agreements/<int:agreement_id>/history/", AgreementHistoryView.as_view(), name="api-agreement-history"),
    path("agreements/<int:agreement_id>/quotas/", AgreementQuotasView.as_view(), name="api-agreement-quotas"),
    path("agreements/<int:agreement_id>/documents/", AgreementDocumentsView.as_view(), name="api-agreement-documents"),
    path(
        "agreements/<int:agreement_id>/documents/<int:document_id>/file/",
        AgreementDocumentFileView.as_view(),
        name="api-agreement-document-file",
    ),
    path("notifications/", NotificationListView.as_view(), name="api-notification-list"),
    path("notifications/read-all/", NotificationReadAllView.as_view(), name="api-notification-read-all"),
    path("notifications/<int:notification_id>/read/", NotificationReadView.as_view(), name="api-notification-read"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Under the site's Content-Security-Policy: the split view serves Swagger UI's init script at a URL of its
    # own (?script) and its template moves the inline style to a static file; Swagger UI's icons are data:
    # images, allowed on this page only.
    path(
        "docs/",
        csp_update({"img-src": "data:"})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html")
        ),
        name="api-docs",
    ),
]
