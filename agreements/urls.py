from django.urls import path

from agreements import views
from agreements.ewp import views as ewp_views
from partners import views as partner_views
from workflows.views import case_document_download, case_document_preview

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("export.csv", views.agreement_export, name="export"),
    path("new/", views.agreement_create, name="create"),
    path("<int:agreement_id>/", views.agreement_detail, name="detail"),
    path("<int:agreement_id>/edit/", views.agreement_edit, name="edit"),
    path("<int:agreement_id>/submit/", views.agreement_submit, name="submit"),
    path("<int:agreement_id>/terminate/", views.agreement_terminate, name="terminate"),
    path("<int:agreement_id>/versions/", views.agreement_versions_page, name="versions"),
    path("<int:agreement_id>/documents/", views.agreement_document_upload, name="upload"),
    path(
        "<int:agreement_id>/documents/<int:document_id>/",
        case_document_download,
        {"kind": "agreement", "case_kwarg": "agreement_id"},
        name="document",
    ),
    path(
        "<int:agreement_id>/documents/<int:document_id>/preview/<int:page>.png",
        case_document_preview,
        {"kind": "agreement", "case_kwarg": "agreement_id"},
        name="document_preview",
    ),
    # Erasmus Without Paper (agreements/ewp/views.py): the EWP page, our IIA as XML, the partner's copy and approval.
    path("<int:agreement_id>/ewp/", ewp_views.ewp_page, name="ewp"),
    path("<int:agreement_id>/ewp/iia.xml", ewp_views.ewp_xml, name="ewp_xml"),
    path("<int:agreement_id>/ewp/partner-copy/", ewp_views.ewp_partner_copy_upload, name="ewp_copy"),
    path("<int:agreement_id>/ewp/approve/", ewp_views.ewp_approve, name="ewp_approve"),
    path(
        "<int:agreement_id>/ewp/partner-approval/", ewp_views.ewp_partner_approval_upload, name="ewp_partner_approval"
    ),
    path("<int:agreement_id>/ewp/fetch/", ewp_views.ewp_fetch, name="ewp_fetch"),
    # The partner registry (partners.views) keeps its place and names here; a partner's own page lists its
    # agreements, so it is agreements.views.
    path("partners/", partner_views.partner_list_page, name="partners"),
    path("partners/new/", partner_views.partner_create, name="partner_create"),
    path("partners/<int:partner_id>/", views.partner_detail, name="partner"),
    path("partners/<int:partner_id>/edit/", partner_views.partner_edit, name="partner_edit"),
]
