"""The registry of kinds of case. Each kind (a mobility application, an agreement, ...) registers itself from its
flow module: which flow drives it, where its case hangs off the process, its steps (who acts on each, with which
actions, in which scope), its parties (separation of duties) and the adapters the shared machinery calls — how to
see a case, submit it, record a line of its timeline, what an approval binds, what follows a decision. The shared
inbox, task pages, decision service, notifications of steps and task API ask the kind and never switch on its type.

This module imports nothing of the flows or the domain apps: the flows import it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.db import Statement, update_statement, write_together
from workflows.models import Decision

if TYPE_CHECKING:
    from viewflow.workflow.flow import Flow
    from viewflow.workflow.models import Task

DECISIONS = frozenset(Decision.values)
# Complete an applicant's or a drafter's "revise" step by submitting the case again.
RESUBMIT = "resubmit"


@dataclass(frozen=True)
class Step:
    """One human step of a flow. `role` None: only the task's owner acts on it (e.g. the applicant's own
    revision, assigned to them by the flow); such steps are not in anyone's inbox."""

    role: str | None
    department_scoped: bool
    actions: frozenset[str]
    label: Any
    # The step an overdue task of this one is reported to (escalation), if any.
    escalate_to: str | None = None
    # The status the case is in while it waits at this step: the step's node sets it when the step begins
    # (workflows.nodes.CaseStep), and a decision's timeline line names it as where the case goes.
    status: str = ""

    @property
    def is_review(self) -> bool:
        return self.actions == DECISIONS


def review(
    role: str, label: Any, *, status: str, department_scoped: bool = True, escalate_to: str | None = None
) -> Step:
    """A step that approves, sends back or rejects."""
    return Step(role, department_scoped, DECISIONS, label, escalate_to, status)


def revision(label: Any, *, status: str, role: str | None = None, department_scoped: bool = True) -> Step:
    """The step a sent-back case waits in until it is submitted again."""
    return Step(role, department_scoped, frozenset({RESUBMIT}), label, None, status)


@dataclass(frozen=True)
class CaseDocuments:
    """What a kind of case says about its documents; the shared upload service, pages and API ask it.
    (workflows.services.case_document_attach, workflows.selectors.case_documents / access_case_document.)"""

    # The document kinds people may upload to a case of this kind (others come from its steps, e.g. a signed copy).
    upload_kinds: tuple[str, ...]
    # May this user add a document to this case now? (actor, case) -> None, or raises PermissionDenied or a
    # core.errors.Conflict with the reason. Called with the case's row locked.
    attach_check: Callable[[Any, Any], None]
    # The timeline action of an upload.
    uploaded_event: str = "document_uploaded"


def _noop(**kwargs: Any) -> None:
    return None


def case_enter_status(*, case: Any, status: str) -> None:
    """Put a case in a status (the default `enter_status` of a kind): runs inside the flow's transaction."""
    write_together(case_status_statement(case=case, status=status))


def case_status_statement(*, case: Any, status: str) -> Statement:
    """The case in `status` (and its `updated_at` now, when it has one), as the statement the default
    `enter_status` writes: a step's start writes it with the step's other rows (workflows.nodes.step_enter).
    Nothing listens to this column's saves (the inbox's refresh ignores bookkeeping columns)."""
    case.status = status
    fields = ["status"]
    if any(field.name == "updated_at" for field in case._meta.concrete_fields):
        fields.append("updated_at")
    return update_statement(case, fields=fields)


@dataclass(frozen=True)
class CaseKind:
    """A kind of case. The adapters take keyword arguments and run inside the caller's transaction."""

    key: str
    label: Any  # "Application", "Agreement": a column of the inbox
    flow: type[Flow]
    process_attr: str  # the reverse one-to-one from viewflow's Process to the kind's process model
    case_attr: str  # the process model's link to the case
    steps: dict[str, Step]
    # Who may see a case of this kind: can_view(user, case).
    can_view: Callable[[Any, Any], bool]
    # The domain part of submitting a case: checks it and marks it submitted; (case, actor) -> the case.
    # The shared submit service then starts the flow, or completes its revision step.
    submit: Callable[..., Any]
    # The timeline line of a submission, once the flow has taken the case: (case, actor, status_before,
    # resubmitted) -> event.
    submitted: Callable[..., Any]
    # One line of the case's timeline: (case, action, actor, step, comment, status_before, status_after, data)
    # -> event; status_after None means the case's status now.
    record_event: Callable[..., Any]
    # The timeline action each decision records.
    decision_events: dict[str, str]
    # The case's title where notifications and lists name it (str(case) by default).
    title: Callable[[Any], str] = str
    # Who the case is about and what about, for the inbox: (case) -> (who, subject).
    inbox_columns: Callable[[Any], tuple[str, str]] = lambda case: ("", str(case))
    # select_related paths from the case, for lists of its tasks (the inbox).
    related: tuple[str, ...] = ()
    # Paths from the case to the text the inbox search looks in (names, titles, numbers).
    search_fields: tuple[str, ...] = ()
    # Separation of duties: paths from the case to the users who are a party to it; none of them acts on a review
    # step of the case, and `party_refusal` is what they are told.
    parties: tuple[str, ...] = ()
    party_refusal: Any = ""
    # What the decision adds to its timeline line: (case, step, decision) -> data dict.
    decision_data: Callable[..., dict[str, Any]] = lambda **kwargs: {}
    # What an approval binds on the process before the flow moves on: (process, case, step) -> fields changed.
    on_approve: Callable[..., list[str]] = lambda **kwargs: []
    # What follows a decision once the flow has moved on: (case, step, decision, event) -> None.
    after_decision: Callable[..., None] = _noop
    # Put the case in the status of the step it reaches: (case, status) -> None.
    enter_status: Callable[..., None] = case_enter_status
    # The case's timeline, oldest first: (case) -> QuerySet of its events.
    events: Callable[[Any], Any] | None = None
    # Its documents (None: a kind without uploads).
    documents: CaseDocuments | None = None
    # What the inbox table copies of the case while one of its steps is open (workflows.models.InboxEntry):
    # (case) -> {who, subject, search, department_id, call_id, partner_id}, any of them; the rest come from
    # `inbox_fields`' defaults (the inbox columns, the search fields, the case's department, call and partner).
    inbox_entry: Callable[[Any], dict[str, Any]] | None = None
    # The steps this installation runs (a kind whose chain is configurable): () -> their names; None: all `steps`.
    # What a case's progress shows next follows it (workflows.selectors.case_progress).
    steps_in_use: Callable[[], Any] | None = None

    @property
    def case_model(self) -> Any:
        return self.flow.process_class._meta.get_field(self.case_attr).related_model

    def case_of(self, task: Task) -> Any:
        process = task.process
        if not isinstance(process, self.flow.process_class):
            # viewflow's Process row: the kind's own process hangs off it (a task the flow just created holds the
            # kind's process itself).
            process = getattr(process, self.process_attr)
        return getattr(process, self.case_attr)

    @property
    def review_steps(self) -> tuple[str, ...]:
        return tuple(name for name, step in self.steps.items() if step.is_review)

    def party_ids(self, case: Any) -> set[int]:
        """The ids of the users who are a party to this case (see `parties`)."""
        ids: set[int] = set()
        for path in self.parties:
            *hops, last = path.split("__")
            obj = case
            for hop in hops:
                obj = getattr(obj, hop, None)
            user_id = getattr(obj, f"{last}_id", None) if obj is not None else None
            if user_id is not None:
                ids.add(user_id)
        return ids

    def inbox_fields(self, case: Any) -> dict[str, Any]:
        """What the inbox table holds of this case: the kind's `inbox_entry` over defaults taken from the kind's
        other adapters, so that a kind which says nothing of it is still listed, filtered and searched."""
        who, subject = self.inbox_columns(case)
        texts = []
        for path in self.search_fields:
            value: Any = case
            for hop in path.split("__"):
                value = getattr(value, hop, None) if value is not None else None
            if value not in (None, ""):
                texts.append(str(value))
        fields = {
            "who": str(who)[:300],
            "subject": str(subject)[:300],
            # One value a line: a search term matches within one of them, as a search of each field would.
            "search": "\n".join(texts),
            "department_id": getattr(case, "department_id", None),
            "call_id": getattr(case, "call_id", None),
            "partner_id": getattr(case, "partner_id", None),
        }
        if self.inbox_entry is not None:
            fields.update(self.inbox_entry(case))
        return fields

    def case_path(self, path: str = "") -> str:
        """A lookup path from viewflow's Task to this kind's case (and on, to `path` from the case)."""
        base = f"process__{self.process_attr}__{self.case_attr}"
        return f"{base}__{path}" if path else base


_KINDS: dict[str, CaseKind] = {}
_BY_FLOW: dict[type, CaseKind] = {}
_GENERATION = 0


def register(kind: CaseKind) -> CaseKind:
    """Add a kind of case (called once, by its flow module; registering the same key again replaces it)."""
    global _GENERATION
    _KINDS[kind.key] = kind
    _BY_FLOW[kind.flow] = kind
    _GENERATION += 1
    return kind


def kinds_generation() -> int:
    """A number that changes whenever a kind is registered: part of the key of a statement compiled once
    (core.compiled) from the kinds' definitions."""
    return _GENERATION


def case_kinds() -> Iterator[CaseKind]:
    return iter(tuple(_KINDS.values()))


def kind_by_key(key: str) -> CaseKind:
    return _KINDS[key]


def kind_of_case(case: Any) -> CaseKind | None:
    """The kind whose process links to this case's model."""
    for kind in _KINDS.values():
        if isinstance(case, kind.case_model):
            return kind
    return None


def kind_by_flow(flow_class: type) -> CaseKind | None:
    return _BY_FLOW.get(flow_class)


def kind_of_task(task: Task) -> CaseKind | None:
    return _BY_FLOW.get(task.flow_task.flow_class)


def step_of_task(task: Task) -> Step | None:
    kind = kind_of_task(task)
    return kind.steps.get(task.flow_task.name) if kind else None


def case_of_task(task: Task) -> Any:
    kind = kind_of_task(task)
    return kind.case_of(task) if kind else None
