"""The learning agreement as a kind of case of the kernel (workflows.kinds), for what every kind shares: who sees a
case (`can_view`), its timeline (the audit history, its CSV/PDF export, the history API), its documents (upload
service, pages and API: the host's transcript of records) and search.

Its three signatures are not kernel steps. They are parallel (student, sending coordinator, receiving coordinator),
one of them by someone without an account (the emailed link), and every new version starts them over while the
old version keeps its signatures; a kernel task is a step of one role that one user completes. So signing is
the domain services' (learning.services.la_sign / la_sign_by_link, serialised by the agreement's row lock), and
the flow below has no human step: the kernel needs a flow per kind (its process model links the case), and it is
never started. See docs/ARCHITECTURE.md "How a learning agreement flows"."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from learning import services
from learning.models import LearningAgreement, LearningAgreementProcess
from learning.permissions import can_view_la
from workflows import kinds, locks
from workflows.nodes import CaseEnd


class LearningAgreementFlow(flow.Flow):
    process_class = LearningAgreementProcess
    lock_impl = locks.select_for_update_lock

    start = flow.StartHandle(this.start_case).Next(this.end)
    end = CaseEnd()

    def start_case(self, activation, *, agreement):
        activation.process.agreement = agreement
        return activation.process


def _not_submitted(*, case, actor):
    raise NotImplementedError("A learning agreement is not submitted to a flow: its parties sign it.")


def _inbox_columns(case: LearningAgreement) -> tuple[str, str]:
    participant = case.participant
    return (participant.get_full_name() or participant.get_username(), f"{case} — {case.receiving_partner.name}")


LEARNING_AGREEMENT = kinds.register(
    kinds.CaseKind(
        key="learning_agreement",
        label=_("Learning agreement"),
        flow=LearningAgreementFlow,
        process_attr="learningagreementprocess",
        case_attr="agreement",
        steps={},
        can_view=can_view_la,
        submit=_not_submitted,
        submitted=_not_submitted,
        record_event=services.la_event_record,
        decision_events={},
        inbox_columns=_inbox_columns,
        related=("participant", "department", "receiving_partner"),
        search_fields=("participant__first_name", "participant__last_name", "receiving_partner__name"),
        parties=("participant",),
        party_refusal=_("You cannot sign for the sending institution on your own learning agreement."),
        events=lambda case: case.events.select_related("actor").order_by("created_at", "pk"),
        documents=kinds.CaseDocuments(upload_kinds=("transcript", "other"), attach_check=services.la_attach_check),
    )
)
