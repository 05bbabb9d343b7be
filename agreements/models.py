"""The agreements (MOUs, bilateral, Erasmus+ IIAs, double-degree, internship) the office holds with
partner institutions (partners.models): their versioned terms, quotas and timeline."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from core.models import AppendOnlyModel, CaseEventBase, append_only_triggers
from partners.models import OrganisationalUnit, PartnerInstitution

academic_year_validator = RegexValidator(r"^\d{4}/\d{2}$", _("Use the form 2026/27."))


class AgreementType(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    BILATERAL = "bilateral", _("Bilateral exchange agreement")
    ERASMUS_IIA = "erasmus_iia", _("Erasmus+ inter-institutional agreement")
    DOUBLE_DEGREE = "double_degree", _("Double-degree agreement")
    INTERNSHIP = "internship", _("Internship agreement")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_APPROVAL = "in_approval", _("In approval")
    AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting partner signature")
    ACTIVE = "active", _("Active")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")
    SUPERSEDED = "superseded", _("Superseded by renewal")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Agreements that offer places (an expiring agreement still runs until its end date).
PLACE_OFFERING_STATUSES = (AgreementStatus.ACTIVE, AgreementStatus.EXPIRING)


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing")
    INCOMING = "incoming", _("Incoming")


class MobilityCategory(models.TextChoices):
    STUDENT_STUDIES = "student_studies", _("Student mobility for studies")
    STUDENT_TRAINEESHIP = "student_traineeship", _("Student mobility for traineeships")
    STAFF_TEACHING = "staff_teaching", _("Staff mobility for teaching")
    STAFF_TRAINING = "staff_training", _("Staff mobility for training")

    @classmethod
    def for_students(cls, category: str) -> bool:
        return category.startswith("student_")


class Agreement(models.Model):
    """An agreement with one partner. The terms live in immutable AgreementVersions; the columns
    `type`, `partner`, `start_date`, `end_date` mirror the current version for filtering."""

    number = models.CharField(_("agreement number"), max_length=40, unique=True, blank=True, null=True)
    title = models.CharField(_("title"), max_length=255)
    type = models.CharField(_("type"), max_length=20, choices=AgreementType.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("department")
    )
    partner = models.ForeignKey(
        PartnerInstitution, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("partner")
    )
    partner_unit = models.ForeignKey(
        OrganisationalUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT, db_index=True
    )
    # General information: may change without a new approval.
    our_signatory_name = models.CharField(_("our signatory"), max_length=200, blank=True)
    our_signatory_position = models.CharField(_("our signatory's position"), max_length=200, blank=True)
    partner_signatory_name = models.CharField(_("partner's signatory"), max_length=200, blank=True)
    partner_signatory_position = models.CharField(_("partner signatory's position"), max_length=200, blank=True)
    partner_signatory_email = models.EmailField(_("partner signatory's email"), blank=True)
    current_version = models.ForeignKey(
        "AgreementVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    renewal_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewal", verbose_name=_("renewal of")
    )
    sent_to_partner_at = models.DateTimeField(_("sent to partner"), null=True, blank=True)
    our_signed_on = models.DateField(_("signed by us on"), null=True, blank=True)
    partner_signed_on = models.DateField(_("signed by the partner on"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="agreement_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.pk])


class AgreementVersion(AppendOnlyModel):
    """The terms of an agreement at one moment, frozen, with the SHA-256 of their canonical JSON form.
    An approval is bound to the version (and hash) it approved."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    terms = models.JSONField(_("terms"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        triggers = append_only_triggers()
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} ({self.sha256[:12]})"


class AgreementQuota(models.Model):
    """Places per academic year, direction and category of an active agreement; `used` grows when a
    mobility under it is approved and can never exceed `places` (database constraint)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="quotas")
    academic_year = models.CharField(_("academic year"), max_length=7, validators=[academic_year_validator])
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    category = models.CharField(_("category"), max_length=20, choices=MobilityCategory.choices)
    places = models.PositiveIntegerField(_("mobilities per year"), validators=[MinValueValidator(0)])
    used = models.PositiveIntegerField(_("approved"), default=0)

    class Meta:
        ordering = ["agreement", "academic_year", "direction", "category"]
        verbose_name = _("agreement quota")
        verbose_name_plural = _("agreement quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "academic_year", "direction", "category"], name="agreement_quota_unique"
            ),
            models.CheckConstraint(condition=Q(used__lte=F("places")), name="agreement_quota_not_overused"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} {self.academic_year} {self.direction} {self.category}"

    @property
    def remaining(self) -> int:
        return self.places - self.used


class AgreementEvent(CaseEventBase):
    """One line of an agreement's timeline, with the version it concerned. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        TERMS_CHANGED = "terms_changed", _("Terms changed")
        INFO_CHANGED = "info_changed", _("General information changed")
        SUBMITTED = "submitted", _("Submitted for approval")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Sent back to the draft")
        REJECTED = "rejected", _("Rejected (withdrawn)")
        SENT_TO_PARTNER = "sent_to_partner", _("Sent to the partner")
        SIGNED = "signed", _("Signed copy uploaded")
        ACTIVATED = "activated", _("Activated")
        EXPIRING = "expiring", _("Expiring")
        EXPIRED = "expired", _("Expired")
        SUPERSEDED = "superseded", _("Superseded by renewal")
        RENEWAL_STARTED = "renewal_started", _("Renewal started")
        TERMINATED = "terminated", _("Terminated")
        DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
        EWP_COPY_IMPORTED = "ewp_copy_imported", _("Partner's EWP copy imported")
        EWP_APPROVED = "ewp_approved", _("Partner's EWP copy approved")
        EWP_PARTNER_APPROVED = "ewp_partner_approved", _("Partner's EWP approval of our copy imported")
        EWP_APPROVAL_OUTDATED = "ewp_approval_outdated", _("EWP approval outdated")
        EWP_FETCH_FAILED = "ewp_fetch_failed", _("EWP document could not be fetched")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version_sha256 = models.CharField(_("version hash"), max_length=64, blank=True)
    status_before = models.CharField(_("status before"), max_length=20, choices=AgreementStatus.choices, blank=True)
    status_after = models.CharField(_("status after"), max_length=20, choices=AgreementStatus.choices, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


# The EWP exchange's models live with the rest of EWP (agreements/ewp/) and belong to this app.
from agreements.ewp.models import AgreementExchange, EwpStatus, PartnerIiaCopy  # noqa: E402,F401
