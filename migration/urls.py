from django.urls import path

from migration import views

app_name = "migration"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.case_new, name="new"),
    path("overdue/", views.overdue, name="overdue"),
    path("checklist/", views.templates, name="templates"),
    path("checklist/new/", views.template_edit, name="template_new"),
    path("checklist/<int:template_id>/", views.template_edit, name="template_edit"),
    path("<int:case_id>/", views.case_detail, name="case"),
    path("<int:case_id>/dates/", views.case_dates, name="dates"),
    path("<int:case_id>/passport/", views.case_passport, name="passport"),
    path("<int:case_id>/steps/<int:step_id>/done/", views.step_done, name="step_done"),
    path("<int:case_id>/steps/<int:step_id>/reopen/", views.step_reopen, name="step_reopen"),
    path("<int:case_id>/documents/", views.document_upload, name="upload"),
    path("<int:case_id>/documents/<int:document_id>/", views.document_download, name="document"),
    path(
        "<int:case_id>/documents/<int:document_id>/preview/<int:page>/",
        views.document_preview,
        name="document_preview",
    ),
    path("<int:case_id>/close/", views.case_close, name="close"),
]
