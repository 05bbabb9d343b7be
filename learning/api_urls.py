"""The endpoints of learning agreements under /api/v1/learning-agreements/ (included by config/api_urls.py)."""

from django.urls import path

from learning import api

BASE = "learning-agreements/<int:agreement_id>/"

urlpatterns = [
    path("learning-agreements/", api.LAListView.as_view(), name="api-la-list"),
    path(BASE, api.LADetailView.as_view(), name="api-la-detail"),
    path(BASE + "versions/", api.LAVersionsView.as_view(), name="api-la-versions"),
    path(BASE + "versions/<int:number>/pdf/", api.LAVersionPdfView.as_view(), name="api-la-version-pdf"),
    path(BASE + "sign/", api.LASignView.as_view(), name="api-la-sign"),
    path(BASE + "changes/", api.LAChangesView.as_view(), name="api-la-changes"),
    path(BASE + "signing-links/", api.LALinksView.as_view(), name="api-la-links"),
    path(BASE + "signing-links/<int:link_id>/revoke/", api.LALinkRevokeView.as_view(), name="api-la-link-revoke"),
    path(BASE + "results/", api.LAResultsView.as_view(), name="api-la-results"),
    path(BASE + "ewp.xml", api.LAExportXmlView.as_view(), name="api-la-ewp-xml"),
    path(BASE + "ewp.json", api.LAExportJsonView.as_view(), name="api-la-ewp-json"),
    path(BASE + "history/", api.LAHistoryView.as_view(), name="api-la-history"),
    path(BASE + "documents/", api.LADocumentsView.as_view(), name="api-la-documents"),
    path(BASE + "documents/<int:document_id>/file/", api.LADocumentFileView.as_view(), name="api-la-document-file"),
]
