from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("audit/", views.audit_events, name="audit"),
    path("plans/", views.plan_list_page, name="plans"),
    path("plans/new/", views.plan_create_page, name="plan_create"),
    path("plans/<int:year>/", views.plan_page, name="plan"),
    path("plans/<int:year>/edit/", views.plan_edit_page, name="plan_edit"),
    path("plans/<int:year>/activities/new/", views.plan_activity_page, name="plan_activity_create"),
    path("plans/<int:year>/activities/<int:activity_id>/edit/", views.plan_activity_page, name="plan_activity_edit"),
    path("plans/<int:year>/indicators/new/", views.plan_indicator_page, name="plan_indicator_create"),
    path("plans/<int:year>/indicators/<int:indicator_id>/edit/", views.plan_indicator_page, name="plan_indicator_edit"),
    path("plans/<int:year>/indicators/<int:indicator_id>/", views.indicator_page, name="indicator"),
    path("indicators/", views.measure_list_page, name="measures"),
    path("indicators/<slug:measure>/", views.measure_page, name="measure"),
    path("register/", views.activity_list_page, name="activities"),
    path("register/new/", views.activity_create_page, name="activity_create"),
    path("register/<int:activity_id>/", views.activity_detail_page, name="activity"),
    path("register/<int:activity_id>/edit/", views.activity_edit_page, name="activity_edit"),
    # The documents of this app's records (an activity's, a report's PDF): documents.Document.get_absolute_url
    path("documents/<int:case_id>/<int:document_id>/", views.reports_document_download, name="document"),
    path("period-reports/", views.report_list_page, name="reports"),
    path("period-reports/new/", views.report_create_page, name="report_create"),
    path("period-reports/<int:report_id>/", views.report_page, name="report"),
    path("period-reports/<int:report_id>/submit/", views.report_submit_page, name="report_submit"),
    path("period-reports/<int:report_id>/report.<str:fmt>", views.report_file, name="report_file"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/<int:year>/<slug:chart>.png", views.dashboard_chart_png, name="dashboard_chart"),
    path("audit/cases/<slug:kind>/<int:case_id>/history.csv", views.case_history_csv, name="case_history_csv"),
    path("audit/cases/<slug:kind>/<int:case_id>/history.pdf", views.case_history_pdf, name="case_history_pdf"),
]
