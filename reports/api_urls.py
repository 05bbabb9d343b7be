from django.urls import path

from reports import api

urlpatterns = [
    path("period-reports/", api.PeriodReportListView.as_view(), name="api-report-list"),
    path("period-reports/<int:report_id>/", api.PeriodReportDetailView.as_view(), name="api-report-detail"),
    path("period-reports/<int:report_id>/submit/", api.PeriodReportSubmitView.as_view(), name="api-report-submit"),
    path("period-reports/<int:report_id>/history/", api.PeriodReportHistoryView.as_view(), name="api-report-history"),
    path("plans/", api.PlanListView.as_view(), name="api-plan-list"),
    path("plans/<int:year>/", api.PlanDetailView.as_view(), name="api-plan-detail"),
    path("plans/<int:year>/history/", api.PlanHistoryView.as_view(), name="api-plan-history"),
    path("plans/<int:year>/activities/", api.PlanActivityListView.as_view(), name="api-plan-activity-list"),
    path(
        "plans/<int:year>/activities/<int:activity_id>/",
        api.PlanActivityDetailView.as_view(),
        name="api-plan-activity-detail",
    ),
    path("plans/<int:year>/indicators/", api.PlanIndicatorListView.as_view(), name="api-plan-indicator-list"),
    path(
        "plans/<int:year>/indicators/<int:indicator_id>/",
        api.PlanIndicatorDetailView.as_view(),
        name="api-plan-indicator-detail",
    ),
    path("indicators/", api.IndicatorListView.as_view(), name="api-indicator-list"),
    path("indicators/<slug:measure>/records/", api.IndicatorRecordsView.as_view(), name="api-indicator-records"),
    path("register/", api.ActivityListView.as_view(), name="api-activity-list"),
    path("register/<int:activity_id>/", api.ActivityDetailView.as_view(), name="api-activity-detail"),
    path("register/<int:activity_id>/history/", api.ActivityHistoryView.as_view(), name="api-activity-history"),
    path("register/<int:activity_id>/documents/", api.ActivityDocumentsView.as_view(), name="api-activity-documents"),
    path(
        "register/<int:activity_id>/documents/<int:document_id>/file/",
        api.ActivityDocumentFileView.as_view(),
        name="api-activity-document-file",
    ),
    path("audit/events/", api.AuditEventsView.as_view(), name="api-audit-events"),
    path(
        "audit/cases/<slug:kind>/<int:case_id>/history.csv",
        api.CaseHistoryCsvView.as_view(),
        name="api-audit-case-history-csv",
    ),
    path(
        "audit/cases/<slug:kind>/<int:case_id>/history.pdf",
        api.CaseHistoryPdfView.as_view(),
        name="api-audit-case-history-pdf",
    ),
]
