from django.urls import path

from agreements import views
from partners import views as partner_views

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
    path("<int:agreement_id>/documents/<int:document_id>/", views.agreement_document_download, name="document"),
    # The partner registry (partners.views) keeps its place and names here; a partner's own page lists its
    # agreements, so it is agreements.views.
    path("partners/", partner_views.partner_list_page, name="partners"),
    path("partners/new/", partner_views.partner_create, name="partner_create"),
    path("partners/<int:partner_id>/", views.partner_detail, name="partner"),
    path("partners/<int:partner_id>/edit/", partner_views.partner_edit, name="partner_edit"),
]
