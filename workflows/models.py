"""viewflow process models: one process per case, with real columns linking it to the case."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REQUEST_CHANGES = "request_changes", _("Send back for changes")
    REJECT = "reject", _("Reject")


class MobilityProcess(Process):
    """The approval process of one mobility application; it lives from the first submission to the
    final decision, through any number of send-backs and resubmissions."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="process", verbose_name=_("application")
    )
    # The decision of the step that just finished; the flow's Switch gateways route on it.
    last_decision = models.CharField(_("last decision"), max_length=20, choices=Decision.choices, blank=True)

    class Meta:
        verbose_name = _("mobility process")
        verbose_name_plural = _("mobility processes")


class AgreementProcess(Process):
    """The approval and signature process of one agreement draft (a renewal is a new agreement and process)."""

    agreement = models.OneToOneField(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="process", verbose_name=_("agreement")
    )
    last_decision = models.CharField(_("last decision"), max_length=20, choices=Decision.choices, blank=True)
    # The SHA-256 of the terms each review step last approved: an approval covers that version only.
    head_review_sha256 = models.CharField(_("version the head approved"), max_length=64, blank=True)
    prorector_review_sha256 = models.CharField(_("version the prorector approved"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("agreement process")
        verbose_name_plural = _("agreement processes")


class InboxView(models.Model):
    """The inbox filter a user last chose (its query string), so the inbox opens as they left it."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="inbox_view", verbose_name=_("user")
    )
    query = models.CharField(_("filter"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("inbox filter")
        verbose_name_plural = _("inbox filters")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.query}"


class InboxEntry(models.Model):
    """One open human step of a case of any kind, as the inbox lists, filters, counts and pages it: written when
    the step begins (workflows.nodes.step_enter) and deleted when its task ends (done or cancelled). The inbox
    reads this one table, through indexes that match its filters and its order, instead of joining every kind's
    case tables. What it copies of the case comes from the kind (`CaseKind.inbox_entry`) and holds while the
    step is open; the due date follows the task's deadline (a trigger on PostgreSQL)."""

    task = models.OneToOneField(
        "viewflow.Task",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="inbox_entry",
        verbose_name=_("task"),
    )
    kind = models.CharField(_("kind of case"), max_length=40)
    step = models.CharField(_("step"), max_length=100)
    process_id = models.BigIntegerField(_("process"))
    case_id = models.BigIntegerField(_("case"))
    department_id = models.BigIntegerField(_("department"), null=True, blank=True)
    # Who has taken the task (an applicant's revision is theirs from the start); nobody: whoever may act.
    owner_id = models.BigIntegerField(_("owner"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    created = models.DateTimeField(_("arrived"))
    who = models.CharField(_("who"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    # The kind's search fields, lower-cased, one a line (a search term matches within one of them).
    search = models.TextField(_("search text"), blank=True)
    # The users who are a party to the case, as ",12,34," (separation of duties keeps it from them).
    parties = models.CharField(_("parties"), max_length=200, blank=True)
    # Of a review step: who had decided another review step of the case when the step began, as ",12,34,"
    # (separation of duties: nobody decides two review steps of one case). The flows are sequential: nobody
    # decides another step of the case while this one is open. Text: send-backs and deputies add names, unbounded.
    decided = models.TextField(_("decided another step"), blank=True, default="")
    call_id = models.BigIntegerField(_("call"), null=True, blank=True)
    partner_id = models.BigIntegerField(_("partner"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbox entry")
        verbose_name_plural = _("inbox entries")
        indexes = [
            # A step of a kind, in a department (coordinators, heads), in the inbox's order.
            # (A b-tree's ascending order puts nulls last, as the inbox does: steps without a due date last.)
            models.Index(
                fields=["kind", "step", "department_id", "due_at", "created", "task"], name="inbox_step_dept_due"
            ),
            # A step of a kind across departments (the prorector), in the inbox's order.
            models.Index(fields=["kind", "step", "due_at", "created", "task"], name="inbox_step_due"),
            # The "waiting longest" (and "newest", read backwards) order, in a department and across departments.
            models.Index(fields=["kind", "step", "department_id", "created", "task"], name="inbox_step_dept_created"),
            models.Index(fields=["kind", "step", "created", "task"], name="inbox_step_created"),
            # The inbox's call and partner choices (one probe per call or partner: which have a row the user sees).
            models.Index(fields=["call_id", "kind", "step"], name="inbox_call"),
            models.Index(fields=["partner_id", "kind", "step"], name="inbox_partner"),
            # A case's rows (written again when the case changes while a step is open).
            models.Index(fields=["case_id", "kind"], name="inbox_case"),
            # Someone's own steps (an applicant's revision, a task they took).
            models.Index(fields=["owner_id"], name="inbox_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.step} #{self.case_id}"
