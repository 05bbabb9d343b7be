from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.home, name="home"),
    path("applications/", views.my_applications, name="mine"),
    path("applications/new/", views.call_choose, name="new"),
    path("applications/new/<int:call_id>/", views.application_new, name="create"),
    path("applications/<int:application_id>/", views.application_detail, name="detail"),
    path("applications/<int:application_id>/edit/", views.application_edit, name="edit"),
    path("applications/<int:application_id>/documents/", views.document_upload, name="upload"),
    path("applications/<int:application_id>/documents/<int:document_id>/", views.document_download, name="document"),
    path("applications/<int:application_id>/submit/", views.application_submit, name="submit"),
    path("cases/", views.case_list, name="cases"),
]
