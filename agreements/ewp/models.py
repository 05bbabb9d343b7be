"""What the office holds of an IIA's exchange over EWP: each copy of the partner's imported (append-only, the XML
as received with its official hash) and, per agreement, the state of the exchange (our approval of their copy,
theirs of ours, whether either is outdated) with the status the agreement list filters on.

Imported by agreements.models, so these are models of the agreements app."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel, append_only_triggers


class EwpStatus(models.TextChoices):
    NOT_EXCHANGED = "not_exchanged", _("Not exchanged")
    PARTNER_COPY_RECEIVED = "partner_copy_received", _("Partner copy received")
    APPROVED_BY_US = "approved_by_us", _("Approved by us")
    APPROVED_BY_BOTH = "approved_by_both", _("Approved by both")
    APPROVAL_OUTDATED = "approval_outdated", _("Approval outdated")


class CopySource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded")
    URL = "url", _("Fetched from a URL")


class PartnerIiaCopy(AppendOnlyModel):
    """One copy of the partner's IIA as imported: the XML as received, who it says owns it, its official
    iia-hash (and the one it states), and how it compared with our copy at import. Never changed."""

    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="ewp_partner_copies", verbose_name=_("agreement")
    )
    xml = models.TextField(_("XML"))
    xml_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    source = models.CharField(_("source"), max_length=10, choices=CopySource.choices, default=CopySource.UPLOAD)
    source_url = models.URLField(_("URL"), max_length=1000, blank=True)
    owner_hei_id = models.CharField(_("owner's hei-id"), max_length=253)
    # The first partner's iia-id: the id the copy's owner gives the IIA (the one an approval names).
    owner_iia_id = models.CharField(_("owner's iia-id"), max_length=64, blank=True)
    # The partner's own iia-id and code as this copy gives them (empty if it does not).
    partner_iia_id = models.CharField(_("partner's iia-id"), max_length=64, blank=True)
    partner_iia_code = models.CharField(_("partner's iia-code"), max_length=255, blank=True)
    iia_hash = models.CharField(_("iia-hash"), max_length=64)
    stated_hash = models.CharField(_("stated iia-hash"), max_length=64, blank=True)
    valid_for_approval = models.BooleanField(_("valid for approval"), default=True)
    conditions = models.JSONField(_("cooperation conditions"), default=list)
    terminated = models.BooleanField(_("terminated as a whole"), default=False)
    differences = models.JSONField(_("differences at import"), default=list)
    our_iia_hash = models.CharField(_("our iia-hash at import"), max_length=64, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        ordering = ["agreement", "imported_at", "pk"]
        verbose_name = _("partner's IIA copy")
        verbose_name_plural = _("partner's IIA copies")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.owner_hei_id} {self.owner_iia_id} {self.iia_hash[:12]}"


class AgreementExchange(models.Model):
    """The EWP exchange of one agreement: the latest copy of the partner's, our approval of a copy (their iia-id
    and iia-hash), the partner's approval of ours, whether either is outdated, and the status derived from them."""

    agreement = models.OneToOneField(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="ewp_exchange", verbose_name=_("agreement")
    )
    status = models.CharField(
        _("EWP status"), max_length=24, choices=EwpStatus.choices, default=EwpStatus.NOT_EXCHANGED, db_index=True
    )
    # Our iia-hash when last computed (at each import, approval and new version of our terms).
    our_iia_hash = models.CharField(_("our iia-hash"), max_length=64, blank=True)
    partner_iia_id = models.CharField(_("partner's iia-id"), max_length=64, blank=True)
    partner_iia_code = models.CharField(_("partner's iia-code"), max_length=255, blank=True)
    latest_copy = models.ForeignKey(PartnerIiaCopy, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_copy = models.ForeignKey(PartnerIiaCopy, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_iia_id = models.CharField(_("approved iia-id"), max_length=64, blank=True)
    approved_iia_hash = models.CharField(_("approved iia-hash"), max_length=64, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_version = models.ForeignKey(
        "agreements.AgreementVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_outdated = models.BooleanField(_("our approval outdated"), default=False)
    partner_approval_iia_id = models.CharField(_("iia-id the partner approved"), max_length=64, blank=True)
    partner_approval_hash = models.CharField(_("iia-hash the partner approved"), max_length=64, blank=True)
    partner_approved_at = models.DateTimeField(_("partner's approval imported"), null=True, blank=True)
    partner_approval_outdated = models.BooleanField(_("partner's approval outdated"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("EWP exchange")
        verbose_name_plural = _("EWP exchanges")

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.status}"

    def derived_status(self) -> str:
        ours = bool(self.approved_iia_hash)
        theirs = bool(self.partner_approval_hash)
        if (ours and self.approval_outdated) or (theirs and self.partner_approval_outdated):
            return EwpStatus.APPROVAL_OUTDATED
        if ours and theirs:
            return EwpStatus.APPROVED_BY_BOTH
        if ours:
            return EwpStatus.APPROVED_BY_US
        if self.latest_copy_id:
            return EwpStatus.PARTNER_COPY_RECEIVED
        return EwpStatus.NOT_EXCHANGED
