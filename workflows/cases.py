"""The two kinds of case the engine routes — mobility applications and agreements — described once:
which flow drives each, where its case hangs off the process, and who acts on which step with which
actions. Permissions, the inbox, the decision service, pages and API all read this table."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from workflows.agreement import AgreementFlow
from workflows.mobility import MobilityFlow
from workflows.models import Decision

DECISIONS = frozenset(Decision.values)
# Actions of the agreement's coordinator steps besides sending back to the draft.
MARK_SENT = "mark_sent"
RECORD_SIGNED = "record_signed"
RESUBMIT = "resubmit"


@dataclass(frozen=True)
class Step:
    role: str
    department_scoped: bool
    actions: frozenset[str]
    label: str

    @property
    def is_review(self) -> bool:
        return self.actions == DECISIONS


@dataclass(frozen=True)
class CaseKind:
    key: str
    flow: type
    process_attr: str  # reverse one-to-one from viewflow's Process to our process model
    case_attr: str  # our process model's link to the case
    steps: dict[str, Step] = field(default_factory=dict)
    # Separation of duties: paths from the case to the users who are a party to it (the applicant; who drafted
    # or last changed an agreement's terms). None of them acts on a review step of the case.
    parties: tuple[str, ...] = ()
    party_refusal: str = ""  # what a party is told when they try

    def case_of(self, task):
        return getattr(getattr(task.process, self.process_attr), self.case_attr)

    @property
    def review_steps(self) -> tuple[str, ...]:
        return tuple(name for name, step in self.steps.items() if step.is_review)

    def party_ids(self, case) -> set[int]:
        """The ids of the users who are a party to this case (see `parties`)."""
        ids = set()
        for path in self.parties:
            *hops, last = path.split("__")
            obj = case
            for hop in hops:
                obj = getattr(obj, hop, None)
            user_id = getattr(obj, f"{last}_id", None) if obj is not None else None
            if user_id is not None:
                ids.add(user_id)
        return ids


APPLICATION = CaseKind(
    key="application",
    flow=MobilityFlow,
    process_attr="mobilityprocess",
    case_attr="application",
    steps={
        "coordinator_review": Step(Role.COORDINATOR, True, DECISIONS, _("Coordinator review")),
        "head_review": Step(Role.HEAD, True, DECISIONS, _("Department head review")),
        "prorector_review": Step(Role.PRORECTOR, False, DECISIONS, _("Prorector review")),
    },
    parties=("applicant",),
    party_refusal=_("You cannot decide your own application."),
)

AGREEMENT = CaseKind(
    key="agreement",
    flow=AgreementFlow,
    process_attr="agreementprocess",
    case_attr="agreement",
    steps={
        "head_review": Step(Role.HEAD, True, DECISIONS, _("Department head review")),
        "prorector_review": Step(Role.PRORECTOR, False, DECISIONS, _("Prorector review")),
        "revise": Step(Role.COORDINATOR, True, frozenset({RESUBMIT}), _("Revise the draft")),
        "send_to_partner": Step(
            Role.COORDINATOR, True, frozenset({MARK_SENT, Decision.REQUEST_CHANGES}), _("Send to the partner")
        ),
        "upload_signed": Step(
            Role.COORDINATOR, True, frozenset({RECORD_SIGNED, Decision.REQUEST_CHANGES}), _("Upload the signed copy")
        ),
    },
    parties=("created_by", "current_version__created_by"),
    party_refusal=_("You cannot approve terms that you drafted or last changed."),
)

CASE_KINDS = (APPLICATION, AGREEMENT)


def kind_of_task(task) -> CaseKind | None:
    flow_class = task.flow_task.flow_class
    for kind in CASE_KINDS:
        if flow_class is kind.flow:
            return kind
    return None


def step_of_task(task) -> Step | None:
    kind = kind_of_task(task)
    return kind.steps.get(task.flow_task.name) if kind else None


def case_of_task(task):
    kind = kind_of_task(task)
    return kind.case_of(task) if kind else None
