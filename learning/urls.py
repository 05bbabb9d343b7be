from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("", views.la_list, name="list"),
    path("start/<int:application_id>/", views.la_start, name="start"),
    path("<int:agreement_id>/", views.la_detail, name="detail"),
    path("<int:agreement_id>/edit/", views.la_edit, name="edit"),
    path("<int:agreement_id>/contact/", views.la_contact, name="contact"),
    path("<int:agreement_id>/sign/", views.la_sign, name="sign-account"),
    path("<int:agreement_id>/change/", views.la_change, name="change"),
    path("<int:agreement_id>/results/", views.la_results, name="results"),
    path("<int:agreement_id>/links/", views.la_link_reissue, name="link-reissue"),
    path("<int:agreement_id>/links/<int:link_id>/revoke/", views.la_link_revoke, name="link-revoke"),
    path("<int:agreement_id>/versions/<int:number>/pdf/", views.la_version_pdf, name="version-pdf"),
    path("<int:agreement_id>/ewp.xml", views.la_export_xml, name="export-xml"),
    # The receiving coordinator's page behind the emailed link.
    path("<int:agreement_id>/sign/<str:token>/", views.link_sign, name="sign"),
]
