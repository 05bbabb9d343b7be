"""Migration advice's endpoints under /api/v1/migration/ (included by config/api_urls.py)."""

from django.urls import path

from migration import api

urlpatterns = [
    path("migration/checklist/", api.StepTemplatesView.as_view(), name="api-migration-checklist"),
    path(
        "migration/checklist/<int:template_id>/",
        api.StepTemplateView.as_view(),
        name="api-migration-checklist-step",
    ),
    path("migration/cases/", api.CasesView.as_view(), name="api-migration-cases"),
    path("migration/cases/<int:case_id>/", api.CaseView.as_view(), name="api-migration-case"),
    path(
        "migration/cases/<int:case_id>/steps/<int:step_id>/done/",
        api.StepDoneView.as_view(),
        name="api-migration-step-done",
    ),
    path(
        "migration/cases/<int:case_id>/steps/<int:step_id>/reopen/",
        api.StepReopenView.as_view(),
        name="api-migration-step-reopen",
    ),
    path("migration/cases/<int:case_id>/close/", api.CloseView.as_view(), name="api-migration-close"),
    path("migration/cases/<int:case_id>/documents/", api.DocumentsView.as_view(), name="api-migration-documents"),
    path(
        "migration/cases/<int:case_id>/documents/<int:document_id>/file/",
        api.DocumentFileView.as_view(),
        name="api-migration-document-file",
    ),
    path("migration/cases/<int:case_id>/history/", api.HistoryView.as_view(), name="api-migration-history"),
    path("migration/overdue/", api.OverdueView.as_view(), name="api-migration-overdue"),
]
