"""The REST API under /api/: version 1 of the endpoints, the OpenAPI schema and the offline Swagger UI."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import (
    DeputyshipDetailView,
    DeputyshipListView,
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
from agreements.ewp.api import (
    AgreementEwpApproveView,
    AgreementEwpFetchView,
    AgreementEwpPartnerApprovalView,
    AgreementEwpPartnerCopyView,
    AgreementEwpView,
    AgreementEwpXmlView,
)
from applications.api import (
    ApplicationDetailView,
    ApplicationDocumentFileView,
    ApplicationDocumentsView,
    ApplicationHistoryView,
    ApplicationListView,
    ApplicationSubmitView,
)
from applications.call_api import (
    CallCollectionView,
    CallDetailView,
    CallHistoryView,
    CallPlacesByHandView,
    CallPlacesFromAgreementsView,
)
from notifications.api import NotificationListView, NotificationReadAllView, NotificationReadView
from partners.api import PartnerDetailView, PartnerListView
from workflows.api import BulkDecisionView, TaskDecisionView, TaskListView

v1 = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("auth/token/refresh/", TokenRefreshView.as_view(), name="api-token-refresh"),
    path("auth/tokens/", TokenListView.as_view(), name="api-token-list"),
    path("auth/tokens/<int:token_id>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("auth/logout-all/", LogoutAllView.as_view(), name="api-logout-all"),
    path("deputies/", DeputyshipListView.as_view(), name="api-deputies"),
    path("deputies/<int:deputyship_id>/", DeputyshipDetailView.as_view(), name="api-deputy-detail"),
    path("calls/", CallCollectionView.as_view(), name="api-call-list"),
    path("calls/<int:call_id>/", CallDetailView.as_view(), name="api-call-detail"),
    path(
        "calls/<int:call_id>/places/from-agreements/",
        CallPlacesFromAgreementsView.as_view(),
        name="api-call-places-from-agreements",
    ),
    path("calls/<int:call_id>/places/by-hand/", CallPlacesByHandView.as_view(), name="api-call-places-by-hand"),
    path("calls/<int:call_id>/history/", CallHistoryView.as_view(), name="api-call-history"),
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
    path("tasks/decisions/", BulkDecisionView.as_view(), name="api-task-bulk-decision"),
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
    path("agreements/<int:agreement_id>/ewp/", AgreementEwpView.as_view(), name="api-agreement-ewp"),
    path("agreements/<int:agreement_id>/ewp/xml/", AgreementEwpXmlView.as_view(), name="api-agreement-ewp-xml"),
    path(
        "agreements/<int:agreement_id>/ewp/partner-copy/",
        AgreementEwpPartnerCopyView.as_view(),
        name="api-agreement-ewp-partner-copy",
    ),
    path(
        "agreements/<int:agreement_id>/ewp/approve/",
        AgreementEwpApproveView.as_view(),
        name="api-agreement-ewp-approve",
    ),
    path(
        "agreements/<int:agreement_id>/ewp/partner-approval/",
        AgreementEwpPartnerApprovalView.as_view(),
        name="api-agreement-ewp-partner-approval",
    ),
    path("agreements/<int:agreement_id>/ewp/fetch/", AgreementEwpFetchView.as_view(), name="api-agreement-ewp-fetch"),
    # The competitive selection (selection/api_urls.py).
    path("", include("selection.api_urls")),
    # Nominations and grants (grants/api_urls.py).
    path("", include("grants.api_urls")),
    # Learning agreements (learning/api_urls.py).
    path("", include("learning.api_urls")),
    # The auditor's exports and the office's reports (reports/api_urls.py).
    path("", include("reports.api_urls")),
    # Incoming students and staff (incoming/api_urls.py).
    path("", include("incoming.api_urls")),
    # Migration advice (migration/api_urls.py).
    path("", include("migration.api_urls")),
    path("notifications/", NotificationListView.as_view(), name="api-notification-list"),
    path("notifications/read-all/", NotificationReadAllView.as_view(), name="api-notification-read-all"),
    path("notifications/<int:notification_id>/read/", NotificationReadView.as_view(), name="api-notification-read"),
]

urlpatterns = [
    path("v1/", include(v1)),
    # The endpoints shaped as Erasmus Without Paper's (XML; not part of the REST API's OpenAPI schema).
    path("ewp/", include("agreements.ewp.urls")),
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
