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
