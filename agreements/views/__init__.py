"""Server-rendered pages of agreements and a partner's page with its agreements and mobilities (the rest of
the partner registry's pages are partners.views): lists with filters and CSV export,
the agreement page (terms, versions and their diff, quotas, documents, timeline), drafting and editing,
and the task page of an agreement's flow steps (workflows.views.task_detail hands agreement tasks here)."""

from agreements.views.common import agreement_context, step_label
from agreements.views.pages import (
    agreement_create,
    agreement_detail,
    agreement_document_upload,
    agreement_edit,
    agreement_export,
    agreement_list,
    agreement_submit,
    agreement_terminate,
    agreement_versions_page,
)
from agreements.views.partner import partner_detail
from agreements.views.task import agreement_task

__all__ = [
    "agreement_context",
    "agreement_create",
    "agreement_detail",
    "agreement_document_upload",
    "agreement_edit",
    "agreement_export",
    "agreement_list",
    "agreement_submit",
    "agreement_task",
    "agreement_terminate",
    "agreement_versions_page",
    "partner_detail",
    "step_label",
]
