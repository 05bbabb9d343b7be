"""Learning agreements (Erasmus+ LA, and the staff mobility agreement): the mobility, its immutable versions (the
content as canonical JSON + SHA-256, as agreements' terms), the components of each version, the three parties'
signatures bound to a version's hash, the receiving coordinator's signing links, the results and recognition after
the mobility, a partner's course catalogue, and the timeline.

Shaped like EWP's Outgoing Mobility Learning Agreements API v1.2.0 (omobility-las), so that an export is direct."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from core.models import AppendOnlyModel, CaseEventBase, append_only_triggers


class LAKind(models.TextChoices):
    STUDENT = "student", _("Student learning agreement")
    STAFF = "staff", _("Staff mobility agreement")


class LAStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # The student signed the current version; the coordinators' signatures are awaited.
    SIGNING = "signing", _("Awaiting signatures")
    # A signer rejected the current version (with a reason): it waits for a new version.
    REJECTED = "rejected", _("Rejected by a signer")
    # The current version is signed by all three parties.
    FINAL = "final", _("Signed by all three parties")
    # After the mobility: the home coordinator recorded the recognition of every component.
    RECOGNISED = "recognised", _("Recognised")


class ComponentTable(models.TextChoices):
    # EWP: studied-mobility-components (Table A), recognized-mobility-components (Table B), virtual-components,
    # blended-mobility-components.
    STUDIED = "A", _("Table A: studied at the receiving institution")
    RECOGNISED = "B", _("Table B: recognised at the sending institution")
    VIRTUAL = "virtual", _("Virtual component")
    BLENDED = "blended", _("Blended mobility component")


class ComponentStatus(models.TextChoices):
    PLANNED = "", _("As planned")
    INSERTED = "inserted", _("Added by a change")
    DELETED = "deleted", _("Removed by a change")


class ReasonCode(models.TextChoices):
    """EWP's reason codes for a component changed during the mobility (omobility-las v1)."""

    NOT_AVAILABLE = "NOT_AVAILABLE", _("Not available at the receiving institution")
    LANGUAGE_MISMATCH = "LANGUAGE_MISMATCH", _("Taught in another language than stated in the catalogue")
    TIMETABLE_CONFLICT = "TIMETABLE_CONFLICT", _("Timetable conflict")
    SUBSTITUTING_DELETED = "SUBSTITUTING_DELETED", _("Substitutes a removed component")
    EXTENDING_MOBILITY = "EXTENDING_MOBILITY", _("The mobility period is extended")
    ADDING_VIRTUAL_COMPONENT = "ADDING_VIRTUAL_COMPONENT", _("Adds a virtual component")
    OTHER = "OTHER", _("Other (explained)")


DELETE_REASONS = (
    ReasonCode.NOT_AVAILABLE,
    ReasonCode.LANGUAGE_MISMATCH,
    ReasonCode.TIMETABLE_CONFLICT,
    ReasonCode.OTHER,
)
INSERT_REASONS = (
    ReasonCode.SUBSTITUTING_DELETED,
    ReasonCode.EXTENDING_MOBILITY,
    ReasonCode.ADDING_VIRTUAL_COMPONENT,
    ReasonCode.OTHER,
)


class Party(models.TextChoices):
    STUDENT = "student", _("Student")
    SENDING = "sending", _("Sending coordinator")
    RECEIVING = "receiving", _("Receiving coordinator")


class SignatureDecision(models.TextChoices):
    SIGNED = "signed", _("Signed")
    REJECTED = "rejected", _("Rejected")


class SignatureMethod(models.TextChoices):
    ACCOUNT = "account", _("Signed in to Körpü")
    LINK = "link", _("Through an emailed link")


class LearningAgreement(models.Model):
    """One mobility's agreement: who goes where, and its versions. What is signed is a version's content."""

    kind = models.CharField(_("kind"), max_length=10, choices=LAKind.choices, default=LAKind.STUDENT)
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="learning_agreements",
        verbose_name=_("participant"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="learning_agreements",
        verbose_name=_("department"),
    )
    # The approved mobility application it was started from (one agreement per application).
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="learning_agreement",
        verbose_name=_("application"),
    )
    receiving_partner = models.ForeignKey(
        "partners.PartnerInstitution",
        on_delete=models.PROTECT,
        related_name="learning_agreements",
        verbose_name=_("receiving institution"),
    )
    academic_year = models.CharField(_("academic year"), max_length=7)
    # Who signs for the receiving institution (through an emailed link; usually no account here).
    receiving_contact_name = models.CharField(_("receiving coordinator"), max_length=200, blank=True)
    receiving_contact_email = models.EmailField(_("receiving coordinator's email"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=LAStatus.choices, default=LAStatus.DRAFT, db_index=True
    )
    # The newest version (what is edited, signed, shown) and the newest version all three parties signed.
    current_version = models.ForeignKey(
        "LAVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    final_version = models.ForeignKey(
        "LAVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("final version")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("learning agreement")
        verbose_name_plural = _("learning agreements")

    def __str__(self) -> str:
        return f"{LAKind(self.kind).label} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("learning:detail", args=[self.pk])


class LAVersion(AppendOnlyModel):
    """The content of an agreement at one moment, frozen, with the SHA-256 of its canonical JSON. A signature is
    bound to the version (and hash) it signed; an edit makes the next version."""

    agreement = models.ForeignKey(LearningAgreement, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # A change proposed after a final version (during the mobility); its components say what changed and why.
    is_change = models.BooleanField(_("change proposal"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("learning agreement version")
        verbose_name_plural = _("learning agreement versions")
        triggers = append_only_triggers()
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="la_version_unique_number")]

    def __str__(self) -> str:
        return f"v{self.number} ({self.sha256[:12]})"


class LAComponent(AppendOnlyModel):
    """One component of a version (a row of its content, kept as a row for queries and recognition)."""

    version = models.ForeignKey(LAVersion, on_delete=models.PROTECT, related_name="components")
    position = models.PositiveSmallIntegerField(_("position"))
    table = models.CharField(_("table"), max_length=8, choices=ComponentTable.choices)
    code = models.CharField(_("code"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=255)
    ects = models.DecimalField(_("ECTS credits"), max_digits=5, decimal_places=1)
    term = models.CharField(_("term"), max_length=10, blank=True)
    status = models.CharField(_("change"), max_length=10, choices=ComponentStatus.choices, blank=True)
    reason_code = models.CharField(_("reason"), max_length=30, choices=ReasonCode.choices, blank=True)
    reason_text = models.CharField(_("reason explained"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("component")
        verbose_name_plural = _("components")
        triggers = append_only_triggers()
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="la_component_unique_position")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class LASignature(AppendOnlyModel):
    """A party's signature (or rejection, with its reason) of one version, bound to the hash it saw."""

    version = models.ForeignKey(LAVersion, on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(_("party"), max_length=10, choices=Party.choices)
    decision = models.CharField(
        _("decision"), max_length=10, choices=SignatureDecision.choices, default=SignatureDecision.SIGNED
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField(_("signed by"), max_length=200)
    signer_email = models.EmailField(_("email"), blank=True)
    signer_role = models.CharField(_("role"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("when"), default=timezone.now)
    sha256 = models.CharField(_("SHA-256 signed"), max_length=64)
    method = models.CharField(_("how"), max_length=10, choices=SignatureMethod.choices)
    link = models.ForeignKey("SigningLink", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["version", "signed_at", "pk"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        triggers = append_only_triggers()
        constraints = [
            # One answer per party and version: two signers of the same party at once, one wins.
            models.UniqueConstraint(fields=["version", "party"], name="la_signature_one_per_party"),
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.signer_name} ({self.get_decision_display()})"


class SigningLink(models.Model):
    """An expiring, single-use link that lets the receiving coordinator (who has no account) review one version
    and sign or reject it. Only the SHA-256 of its token is stored."""

    agreement = models.ForeignKey(LearningAgreement, on_delete=models.PROTECT, related_name="signing_links")
    version = models.ForeignKey(LAVersion, on_delete=models.PROTECT, related_name="signing_links")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("signing link")
        verbose_name_plural = _("signing links")

    def __str__(self) -> str:
        return f"{self.email} (v{self.version.number})"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now


class ComponentResult(models.Model):
    """After the mobility: the host's transcript for a studied component (grade, credits obtained) and the home
    coordinator's recognition of it (or of a Table B component)."""

    agreement = models.ForeignKey(LearningAgreement, on_delete=models.PROTECT, related_name="results")
    component = models.OneToOneField(LAComponent, on_delete=models.PROTECT, related_name="result")
    grade = models.CharField(_("grade at the host"), max_length=20, blank=True)
    credits_obtained = models.DecimalField(_("credits obtained"), max_digits=5, decimal_places=1, null=True, blank=True)
    recognised = models.BooleanField(_("recognised"), null=True, blank=True)
    recognised_credits = models.DecimalField(
        _("credits recognised"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    home_grade = models.CharField(_("grade at home"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    transcript_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recognised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["component__position"]
        verbose_name = _("component result")
        verbose_name_plural = _("component results")
        constraints = [
            models.CheckConstraint(
                condition=Q(credits_obtained__isnull=True) | Q(credits_obtained__gte=0), name="la_result_credits_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(recognised_credits__isnull=True) | Q(recognised_credits__gte=0),
                name="la_result_recognised_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component}: {self.grade or '—'}"


class PartnerCourse(models.Model):
    """A course of a partner's catalogue. Where a partner has one, Table A's components come from it."""

    partner = models.ForeignKey("partners.PartnerInstitution", on_delete=models.CASCADE, related_name="courses")
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=255)
    ects = models.DecimalField(_("ECTS credits"), max_digits=5, decimal_places=1)
    term = models.CharField(_("term"), max_length=10, blank=True)
    language = models.CharField(_("language"), max_length=3, blank=True)

    class Meta:
        ordering = ["partner", "code"]
        verbose_name = _("partner course")
        verbose_name_plural = _("partner courses")
        constraints = [models.UniqueConstraint(fields=["partner", "code"], name="la_partner_course_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class LAEvent(CaseEventBase):
    """One line of a learning agreement's timeline (append-only): versions, signatures, link uses, results."""

    class Action(models.TextChoices):
        CREATED = "created", _("Started")
        VERSION_CREATED = "version_created", _("New version")
        CHANGE_PROPOSED = "change_proposed", _("Change proposed")
        SIGNED = "signed", _("Signed")
        REJECTED = "rejected", _("Rejected")
        FINAL = "final", _("Signed by all three parties")
        CONTACT_SET = "contact_set", _("Receiving coordinator named")
        LINK_SENT = "link_sent", _("Signing link sent")
        LINK_OPENED = "link_opened", _("Signing link opened")
        LINK_REFUSED = "link_refused", _("Signing link refused")
        LINK_REVOKED = "link_revoked", _("Signing link revoked")
        PDF_STORED = "pdf_stored", _("Signed PDF stored")
        REMINDED = "reminded", _("Reminder sent")
        DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
        TRANSCRIPT_RECORDED = "transcript_recorded", _("Transcript of records recorded")
        RECOGNITION_RECORDED = "recognition_recorded", _("Recognition recorded")

    agreement = models.ForeignKey(LearningAgreement, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    status_before = models.CharField(_("status before"), max_length=12, choices=LAStatus.choices, blank=True)
    status_after = models.CharField(_("status after"), max_length=12, choices=LAStatus.choices, blank=True)
    version_number = models.PositiveIntegerField(_("version"), null=True, blank=True)

    class Meta(CaseEventBase.Meta):
        verbose_name = _("learning agreement event")
        verbose_name_plural = _("learning agreement events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class LearningAgreementProcess(Process):
    """The viewflow process of the kind "learning_agreement" (workflows.kinds needs one per kind; see flows.py)."""

    agreement = models.OneToOneField(LearningAgreement, on_delete=models.PROTECT, related_name="process")
    last_decision = models.CharField(max_length=20, blank=True)
