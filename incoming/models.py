"""Incoming students and staff: the partner's invitation link (per agreement and academic year), the nominations
the partner's coordinator makes against the agreement's incoming quota, each nominee's incoming application (a
kind of case, "incoming": receiving department's coordinator → department head → the IRO's decision), its
timeline, its process, and the send-once rows of the emails it causes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from agreements.models import MobilityCategory, academic_year_validator
from core.models import CaseEventBase, append_only_triggers
from partners.models import country_code_validator

# The purposes of the letters issued on acceptance (incoming/letters.py registers their builders).
ACCEPTANCE_LETTER = "incoming_acceptance"
VISA_INVITATION_LETTER = "incoming_visa_invitation"


class Level(models.TextChoices):
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTORAL = "doctoral", _("Doctoral")
    STAFF = "staff", _("Staff")


class IncomingTerm(models.TextChoices):
    # The same values as applications.models.Term, so reports group both directions alike.
    FALL = "fall", _("Fall semester")
    SPRING = "spring", _("Spring semester")
    FULL_YEAR = "full_year", _("Full academic year")


class CefrLevel(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class IncomingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (the nominee completes it)")
    COORDINATOR_REVIEW = "coordinator_review", _("Coordinator review")
    HEAD_REVIEW = "head_review", _("Department head review")
    OFFICE_REVIEW = "office_review", _("IRO decision")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


EDITABLE_STATUSES = (IncomingStatus.DRAFT, IncomingStatus.CHANGES_REQUESTED)
# A nomination that still holds a claim on the quota (the partner may not nominate past its places).
LIVE_STATUSES = tuple(s for s in IncomingStatus.values if s not in (IncomingStatus.REJECTED, IncomingStatus.WITHDRAWN))


class PartnerInvitation(models.Model):
    """The link through which a partner's coordinator, who has no account, nominates for one agreement and academic
    year. Only the SHA-256 of the link's token is stored; each email makes a new token (the old link stops
    working). It works until `expires_at`, unless revoked."""

    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        related_name="incoming_invitations",
        verbose_name=_("agreement"),
    )
    academic_year = models.CharField(_("academic year"), max_length=7, validators=[academic_year_validator])
    coordinator_name = models.CharField(_("partner coordinator"), max_length=200, blank=True)
    coordinator_email = models.EmailField(_("partner coordinator's email"))
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField(_("link works until"))
    # The nominees' applications close on these days (the partner's deadline per term); spring falls back to fall.
    fall_deadline = models.DateField(_("application deadline, fall / full year"))
    spring_deadline = models.DateField(_("application deadline, spring"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("partner invitation")
        verbose_name_plural = _("partner invitations")

    def __str__(self) -> str:
        return f"{self.agreement} {self.academic_year} → {self.coordinator_email}"

    def get_absolute_url(self) -> str:
        return reverse("incoming:invitation", args=[self.pk])

    def deadline_for(self, term: str):
        if term == IncomingTerm.SPRING and self.spring_deadline:
            return self.spring_deadline
        return self.fall_deadline

    @property
    def is_usable(self) -> bool:
        return bool(self.token_hash) and self.revoked_at is None and self.expires_at > timezone.now()


class PartnerInvitationEvent(CaseEventBase):
    """Every use of an invitation: made, emailed, opened, a nomination through it, revoked. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("Invitation created")
        EMAILED = "emailed", _("Link emailed")
        OPENED = "opened", _("Link opened")
        NOMINATED = "nominated", _("Nominee added")
        REFUSED = "refused", _("Nomination refused")
        REVOKED = "revoked", _("Link revoked")

    invitation = models.ForeignKey(PartnerInvitation, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("partner invitation event")
        verbose_name_plural = _("partner invitation events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class Nomination(models.Model):
    """A nominee as the partner's coordinator named them, against the agreement's incoming quota of the year and
    category. The nominee's account and application are made with it; the nominee signs in through the link of
    their own invitation email (only its hash is stored)."""

    invitation = models.ForeignKey(PartnerInvitation, on_delete=models.PROTECT, related_name="nominations")
    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.PROTECT, related_name="+")
    academic_year = models.CharField(_("academic year"), max_length=7, validators=[academic_year_validator])
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("email"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    category = models.CharField(_("category"), max_length=20, choices=MobilityCategory.choices)
    term = models.CharField(_("term"), max_length=10, choices=IncomingTerm.choices)
    nominee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nominations")
    invite_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    invite_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("nominated"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "academic_year", "email"], name="incoming_nomination_one_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.academic_year})"

    @property
    def is_student(self) -> bool:
        return MobilityCategory.for_students(self.category)


class IncomingApplication(models.Model):
    """A nominee's application to come: identity and passport data, home programme, period, intended courses,
    language level, accommodation, arrival and visa. The passport number and scans are personal data: only
    `incoming.permissions.can_see_personal_data` shows them, and retention erases them after departure."""

    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="application")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incoming_applications"
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving department")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IncomingStatus.choices, default=IncomingStatus.DRAFT, db_index=True
    )
    # identity and passport (personal data)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    nationality = models.CharField(
        _("nationality"),
        max_length=2,
        blank=True,
        validators=[country_code_validator],
        help_text=_("ISO code, e.g. DE"),
    )
    passport_number = models.CharField(_("passport number"), max_length=30, blank=True)
    passport_expires_on = models.DateField(_("passport valid until"), null=True, blank=True)
    # the mobility
    home_programme = models.CharField(_("home study programme or position"), max_length=200, blank=True)
    period_start = models.DateField(_("mobility starts"), null=True, blank=True)
    period_end = models.DateField(_("mobility ends"), null=True, blank=True)
    intended_courses = models.TextField(_("courses you intend to take (or teaching plan)"), blank=True)
    language_level = models.CharField(_("language level (CEFR)"), max_length=2, choices=CefrLevel.choices, blank=True)
    accommodation_needed = models.BooleanField(_("needs accommodation"), default=False)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    departure_date = models.DateField(_("departure date"), null=True, blank=True)
    needs_visa = models.BooleanField(_("needs a visa"), default=False)
    # what the case became
    quota = models.ForeignKey(
        "agreements.AgreementQuota", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    documents = GenericRelation(
        "documents.Document",
        content_type_field="case_type",
        object_id_field="case_id",
        related_query_name="incoming_application",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("incoming application")
        verbose_name_plural = _("incoming applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="incoming_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(departure_date__isnull=True)
                | Q(arrival_date__isnull=True)
                | Q(departure_date__gte=F("arrival_date")),
                name="incoming_departure_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Incoming application #%(pk)s — %(name)s") % {"pk": self.pk, "name": self.full_name})

    def get_absolute_url(self) -> str:
        return reverse("incoming:detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.nomination.first_name} {self.nomination.last_name}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class IncomingEvent(CaseEventBase):
    """One line of an incoming application's timeline. Append-only."""

    class Action(models.TextChoices):
        NOMINATED = "nominated", _("Nominated by the partner")
        INVITED = "invited", _("Invitation emailed to the nominee")
        ACCOUNT_ACTIVATED = "account_activated", _("The nominee set a password")
        UPDATED = "updated", _("Updated")
        DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
        SUBMITTED = "submitted", _("Submitted")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Sent back for changes")
        REJECTED = "rejected", _("Rejected")
        PLACE_TAKEN = "place_taken", _("Place of the incoming quota taken")
        LETTER_ISSUED = "letter_issued", _("Letter issued")
        LETTERS_EMAILED = "letters_emailed", _("Letters emailed")
        MIGRATION_OPENED = "migration_opened", _("Migration advice opened")
        PERSONAL_DATA_ERASED = "personal_data_erased", _("Personal data erased (retention)")
        WITHDRAWN = "withdrawn", _("Nomination withdrawn")

    application = models.ForeignKey(IncomingApplication, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    status_before = models.CharField(_("status before"), max_length=20, choices=IncomingStatus.choices, blank=True)
    status_after = models.CharField(_("status after"), max_length=20, choices=IncomingStatus.choices, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("incoming application event")
        verbose_name_plural = _("incoming application events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class IncomingProcess(Process):
    application = models.OneToOneField(IncomingApplication, on_delete=models.PROTECT, related_name="process")
    last_decision = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("incoming application process")
        verbose_name_plural = _("incoming application processes")


class IncomingEmail(models.Model):
    """One email of a purpose to one address: the send-once guard (the row is locked and marked sent in the
    transaction that sends). `round` lets the office send an invitation again (a new link)."""

    class Purpose(models.TextChoices):
        PARTNER_INVITATION = "partner_invitation", _("Invitation link to the partner's coordinator")
        NOMINEE_INVITATION = "nominee_invitation", _("Invitation to the nominee")
        LETTERS = "letters", _("Acceptance letters")

    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    invitation = models.ForeignKey(PartnerInvitation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # "invitation:<id>" or "nomination:<id>": what the email is about, for the unique guard.
    subject_key = models.CharField(max_length=40)
    email = models.EmailField()
    round = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(100)])
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "subject_key", "email", "round"], name="incoming_email_once"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.email} ({self.round})"
