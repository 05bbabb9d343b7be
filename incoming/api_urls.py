"""The endpoints of incoming mobility under /api/v1/incoming/ (included by config/api_urls.py)."""

from django.urls import path

from incoming import api

urlpatterns = [
    path("incoming/invitations/", api.InvitationListView.as_view(), name="api-incoming-invitations"),
    path(
        "incoming/invitations/<int:invitation_id>/",
        api.InvitationDetailView.as_view(),
        name="api-incoming-invitation",
    ),
    path(
        "incoming/invitations/<int:invitation_id>/revoke/",
        api.InvitationRevokeView.as_view(),
        name="api-incoming-invitation-revoke",
    ),
    path(
        "incoming/invitations/<int:invitation_id>/resend/",
        api.InvitationResendView.as_view(),
        name="api-incoming-invitation-resend",
    ),
    path("incoming/applications/", api.IncomingListView.as_view(), name="api-incoming-list"),
    path("incoming/applications/<int:application_id>/", api.IncomingDetailView.as_view(), name="api-incoming-detail"),
    path(
        "incoming/applications/<int:application_id>/submit/",
        api.IncomingSubmitView.as_view(),
        name="api-incoming-submit",
    ),
    path(
        "incoming/applications/<int:application_id>/documents/",
        api.IncomingDocumentsView.as_view(),
        name="api-incoming-documents",
    ),
    path(
        "incoming/applications/<int:application_id>/documents/<int:document_id>/file/",
        api.IncomingDocumentFileView.as_view(),
        name="api-incoming-document-file",
    ),
    path(
        "incoming/applications/<int:application_id>/history/",
        api.IncomingHistoryView.as_view(),
        name="api-incoming-history",
    ),
    path("incoming/counts/", api.IncomingCountsView.as_view(), name="api-incoming-counts"),
]
