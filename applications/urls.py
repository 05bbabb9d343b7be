from django.urls import path

from applications import call_views, views
from workflows.views import case_document_download, case_document_preview

app_name = "applications"
urlpatterns = [
    path("", views.home, name="home"),
    path("applications/", views.my_applications, name="mine"),
    path("applications/new/", views.call_choose, name="new"),
    path("applications/new/<int:call_id>/", views.application_new, name="create"),
    path("applications/<int:application_id>/", views.application_detail, name="detail"),
    path("applications/<int:application_id>/edit/", views.application_edit, name="edit"),
    path("applications/<int:application_id>/documents/", views.document_upload, name="upload"),
    path(
        "applications/<int:application_id>/documents/<int:document_id>/",
        case_document_download,
        {"kind": "application", "case_kwarg": "application_id"},
        name="document",
    ),
    path(
        "applications/<int:application_id>/documents/<int:document_id>/preview/<int:page>.png",
        case_document_preview,
        {"kind": "application", "case_kwarg": "application_id"},
        name="document_preview",
    ),
    path("applications/<int:application_id>/submit/", views.application_submit, name="submit"),
    path("cases/", views.case_list, name="cases"),
    path("cases/export.csv", views.case_export, name="case_export"),
    # The office's pages of calls.
    path("calls/", call_views.call_list, name="call_list"),
    path("calls/new/", call_views.call_create, name="call_create"),
    path("calls/<int:call_id>/", call_views.call_detail, name="call"),
    path("calls/<int:call_id>/edit/", call_views.call_edit, name="call_edit"),
    path(
        "calls/<int:call_id>/places/from-agreements/",
        call_views.call_places_from_agreements,
        name="call_places_from_agreements",
    ),
    path("calls/<int:call_id>/places/by-hand/", call_views.call_place_by_hand, name="call_place_by_hand"),
    path(
        "calls/<int:call_id>/places/<int:partner_id>/use-quota/",
        call_views.call_place_use_quota,
        name="call_place_use_quota",
    ),
]
