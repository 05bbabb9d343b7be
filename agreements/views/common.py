"""What the agreement pages share: labels of terms and conditions, the agreement page's context, small helpers."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.forms import (
    AgreementDocumentForm,
)
from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementStatus,
    Direction,
    MobilityCategory,
)
from agreements.permissions import (
    can_draft_agreement,
    can_edit_info,
    can_edit_terms,
    can_terminate,
)
from agreements.selectors import (
    agreement_documents,
    agreement_events,
    agreement_quota_rows,
    agreement_versions,
)
from core.changes import change_rows
from documents.models import DocumentKind
from partners.permissions import can_read_partners

AGREEMENTS_PER_PAGE = 50

TERM_LABELS = {
    "title": gettext_lazy("Title"),
    "type": gettext_lazy("Type"),
    "partner": gettext_lazy("Partner institution"),
    "partner_unit": gettext_lazy("Unit of the partner"),
    "start_date": gettext_lazy("Start date"),
    "end_date": gettext_lazy("End date"),
    "text": gettext_lazy("Text of the agreement"),
}

CSV_COLUMNS = (
    gettext_lazy("ID"),
    gettext_lazy("Number"),
    gettext_lazy("Title"),
    gettext_lazy("Type"),
    gettext_lazy("Status"),
    gettext_lazy("Partner"),
    gettext_lazy("Country"),
    gettext_lazy("City"),
    gettext_lazy("Erasmus code"),
    gettext_lazy("Department"),
    gettext_lazy("Start date"),
    gettext_lazy("End date"),
    gettext_lazy("Version"),
    gettext_lazy("Version SHA-256"),
    gettext_lazy("Renewal of"),
)


def step_label(step: str) -> str:
    """What the timeline calls a step: a flow step of the agreement, or the status the agreement was in."""
    from workflows.agreement import AGREEMENT

    if step in AGREEMENT.steps:
        return str(AGREEMENT.steps[step].label)
    if step in AgreementStatus.values:
        return str(AgreementStatus(step).label)
    return step


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def condition_row(condition: dict) -> dict:
    """One cooperation condition as the pages show it."""
    students = MobilityCategory.for_students(condition.get("category") or "")
    first, last = condition.get("first_academic_year"), condition.get("last_academic_year")
    return {
        "direction": condition.get("direction"),
        "direction_label": _label(Direction, condition.get("direction")),
        "category_label": _label(MobilityCategory, condition.get("category")),
        "years": first if first == last else f"{first} – {last}",
        "mobilities": condition.get("mobilities_per_year"),
        "duration": (
            _("%(n)s months") % {"n": condition.get("total_months_per_year")}
            if students and condition.get("total_months_per_year") is not None
            else _("%(n)s days") % {"n": condition.get("total_days_per_year")}
            if condition.get("total_days_per_year") is not None
            else ""
        ),
        "subject_areas": ", ".join(condition.get("subject_areas") or []),
        "eqf_levels": ", ".join(str(level) for level in condition.get("eqf_levels") or []),
        "languages": ", ".join(f"{lang['language']} {lang['cefr']}" for lang in condition.get("languages") or []),
    }


def condition_order(condition: dict) -> tuple:
    """Outgoing before incoming, students before staff: the order the office reads an IIA in."""
    directions, categories = Direction.values, MobilityCategory.values
    return (
        directions.index(condition["direction"]) if condition.get("direction") in directions else 99,
        categories.index(condition["category"]) if condition.get("category") in categories else 99,
    )


def quota_order(quota) -> tuple:
    return (quota.academic_year, *condition_order({"direction": quota.direction, "category": quota.category}))


def condition_summary(condition: dict | None) -> str:
    if not condition:
        return ""
    row = condition_row(condition)
    parts = [
        _("%(years)s: %(n)s per year") % {"years": row["years"], "n": row["mobilities"]},
        row["duration"],
        _("subject areas %(areas)s") % {"areas": row["subject_areas"]} if row["subject_areas"] else "",
        _("EQF %(levels)s") % {"levels": row["eqf_levels"]} if row["eqf_levels"] else "",
        _("languages %(languages)s") % {"languages": row["languages"]} if row["languages"] else "",
    ]
    return "; ".join(part for part in parts if part)


def documents_by_kind(agreement: Agreement) -> list[dict]:
    history: dict[str, list] = {}
    for document in agreement_documents(agreement=agreement):
        history.setdefault(document.kind, []).append(document)
    order = [DocumentKind.SIGNED_AGREEMENT, DocumentKind.AGREEMENT_DRAFT, DocumentKind.OTHER]
    kinds = [k for k in order if k in history] + [k for k in history if k not in order]
    return [
        {"kind": kind, "label": _label(DocumentKind, kind), "document": history[kind][0], "older": history[kind][1:]}
        for kind in kinds
    ]


def agreement_context(*, user, agreement: Agreement, upload_form=None, open_task=None) -> dict:
    """Everything the agreement page shows; shared with the task page of the agreement's steps. `open_task`: the
    agreement's open task when the caller has read it (the task page), so it is not read again."""
    from agreements.ewp.selectors import ewp_view
    from workflows.kinds import step_of_task
    from workflows.permissions import can_act
    from workflows.selectors import case_progress, open_task_for_agreement

    terms = agreement.current_version.terms if agreement.current_version else {"conditions": []}
    versions = list(agreement_versions(agreement=agreement))
    events = list(agreement_events(agreement=agreement))
    for event in events:
        event.step_label = step_label(event.step)
        event.changes = change_rows(Agreement, event.data)
    task = open_task if open_task is not None else open_task_for_agreement(agreement=agreement)
    step = step_of_task(task) if task is not None else None
    my_task = task if step is not None and any(can_act(user, task, action) for action in step.actions) else None
    sent_back = None
    if agreement.status == AgreementStatus.DRAFT and task is not None and task.flow_task.name == "revise":
        sent_back = next((e for e in reversed(events) if e.action == AgreementEvent.Action.CHANGES_REQUESTED), None)
    try:
        renewal = agreement.renewal
    except Agreement.DoesNotExist:
        renewal = None
    info_editable = can_edit_info(user, agreement)
    if info_editable and upload_form is None:
        upload_form = AgreementDocumentForm()
    return {
        "agreement": agreement,
        "terms": terms,
        "conditions": [condition_row(c) for c in sorted(terms.get("conditions", []), key=condition_order)],
        "versions": versions,
        "events": events,
        "progress": case_progress(agreement, open_task=task) if task is not None else None,
        "quotas": sorted(agreement_quota_rows(agreement=agreement), key=quota_order),
        "documents": documents_by_kind(agreement),
        "open_task": task,
        "open_step": step,
        "my_task": my_task,
        "sent_back": sent_back,
        "renewal": renewal,
        "can_edit": can_edit_terms(user, agreement) or info_editable,
        "can_submit": agreement.status == AgreementStatus.DRAFT and can_draft_agreement(user, agreement.department_id),
        "resubmission": hasattr(agreement, "process"),
        "upload_form": upload_form if info_editable else None,
        "can_terminate": can_terminate(user, agreement),
        "ewp": ewp_view(user=user, agreement=agreement, with_differences=False),
    }


def _require_staff(user) -> None:
    """Agreements and partners are the office's: students get the same 404 as for a missing page."""
    if not can_read_partners(user):
        raise Http404(_("No such page."))


def _page_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
