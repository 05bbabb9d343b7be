"""Mobility calls, applications and their case events (the audit timeline); documents live in documents.models."""

import uuid
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from core.errors import ErrorCode, field_error
from core.models import CaseEventBase, append_only_triggers
from documents.models import DocumentKind  # noqa: F401 - re-exported: the kinds moved to documents
from partners.models import PartnerInstitution


class Programme(models.TextChoices):
    ERASMUS = "erasmus", _("Erasmus+")
    BILATERAL = "bilateral", _("Bilateral agreement")
    DOUBLE_DEGREE = "double_degree", _("Double degree")


class MobilityType(models.TextChoices):
    STUDY = "study", _("Study")
    TRAINEESHIP = "traineeship", _("Traineeship")
    TEACHING = "teaching", _("Teaching")
    TRAINING = "training", _("Training")


class Audience(models.TextChoices):
    STUDENTS = "students", _("Students")
    STAFF = "staff", _("Staff")


class Term(models.TextChoices):
    FALL = "fall", _("Fall semester")
    SPRING = "spring", _("Spring semester")
    FULL_YEAR = "full_year", _("Full academic year")
    SUMMER = "summer", _("Summer")


class CefrLevel(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"

    @classmethod
    def rank(cls, level: str) -> int:
        return cls.values.index(level)


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COORDINATOR_REVIEW = "coordinator_review", _("Coordinator review")
    HEAD_REVIEW = "head_review", _("Department head review")
    PRORECTOR_REVIEW = "prorector_review", _("Prorector review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    # A competitive call: the coordinator found the application eligible and complete; it waits for the selection.
    ELIGIBLE = "eligible", _("Eligible, awaiting selection")
    # The published selection result, then the applicant's answer (the selection app sets these).
    SELECTED = "selected", _("Selected")
    RESERVE = "reserve", _("On the reserve list")
    NOT_SELECTED = "not_selected", _("Not selected")
    ACCEPTED = "accepted", _("Place accepted")
    DECLINED = "declined", _("Place declined")
    NOMINATED = "nominated", _("Nominated to the partner")


class SelectionMode(models.TextChoices):
    # Each application goes through the whole chain and takes a place at final approval (staff mobility, small
    # bilateral calls).
    ROLLING = "rolling", _("Rolling: places taken at final approval")
    # Applications are checked until the deadline, then scored, ranked and allocated in one selection result.
    COMPETITIVE = "competitive", _("Competitive: scored and ranked after the deadline")


EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED)
IN_REVIEW_STATUSES = (
    ApplicationStatus.COORDINATOR_REVIEW,
    ApplicationStatus.HEAD_REVIEW,
    ApplicationStatus.PRORECTOR_REVIEW,
)


class CallQuerySet(models.QuerySet["Call"]):
    def open(self, *, now: datetime | None = None) -> "CallQuerySet":
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)


class Call(models.Model):
    """A mobility call, e.g. “Erasmus+ 2026/27 spring”, with its deadline, eligibility rules and places."""

    title = models.CharField(_("title"), max_length=200)
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    mobility_type = models.CharField(_("mobility type"), max_length=20, choices=MobilityType.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    academic_year = models.CharField(
        _("academic year"),
        max_length=9,
        help_text=_("For example 2026/27"),
        validators=[RegexValidator(r"^\d{4}/\d{2}$", _("Use the form 2026/27."))],
    )
    term = models.CharField(_("term"), max_length=10, choices=Term.choices)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at (deadline)"))
    min_year_of_study = models.PositiveSmallIntegerField(_("minimum year of study"), null=True, blank=True)
    min_gpa = models.DecimalField(_("minimum GPA"), max_digits=5, decimal_places=2, null=True, blank=True)
    min_language_level = models.CharField(
        _("minimum language level (CEFR)"), max_length=2, choices=CefrLevel.choices, blank=True
    )
    required_documents = models.JSONField(
        _("required document kinds"),
        default=list,
        blank=True,
        help_text=_('A list of document kinds, e.g. ["transcript", "passport_copy"]'),
    )
    partners = models.ManyToManyField(
        PartnerInstitution, through="CallPlace", related_name="calls", verbose_name=_("partners")
    )
    selection_mode = models.CharField(
        _("selection"), max_length=20, choices=SelectionMode.choices, default=SelectionMode.ROLLING
    )
    # The departments whose coordinators manage the call; none: a university-wide call, managed by the prorector's
    # office alone (applications.permissions.can_edit_call).
    departments = models.ManyToManyField(
        Department, related_name="calls", blank=True, verbose_name=_("departments managing the call")
    )
    eligibility_notes = models.TextField(
        _("other eligibility rules"),
        blank=True,
        help_text=_("Shown to applicants with the call, e.g. who may apply and what counts as a first mobility."),
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["closes_at", "pk"]
        verbose_name = _("mobility call")
        verbose_name_plural = _("mobility calls")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("applications:call", args=[self.pk])

    def is_open(self, *, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    @property
    def for_staff(self) -> bool:
        """A staff mobility call (teaching or training): its applications have their own fields and rules."""
        return self.audience == Audience.STAFF

    @property
    def is_competitive(self) -> bool:
        return self.selection_mode == SelectionMode.COMPETITIVE

    def required_document_kinds(self) -> list[str]:
        """The document kinds an application must carry: the call's list, and for staff mobility always the
        mobility agreement / programme."""
        kinds = [k for k in self.required_documents if k in DocumentKind.values]
        if self.for_staff and DocumentKind.PROGRAMME not in kinds:
            kinds.append(DocumentKind.PROGRAMME)
        return kinds


class CallPlace(models.Model):
    """Places a call offers at one partner. `places_taken` grows on final approval and can never
    exceed `places` (a database constraint, so a race cannot overbook)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="places", verbose_name=_("call"))
    partner = models.ForeignKey(
        PartnerInstitution, on_delete=models.PROTECT, related_name="call_places", verbose_name=_("partner")
    )
    places = models.PositiveIntegerField(_("places"))
    places_taken = models.PositiveIntegerField(_("places taken"), default=0)
    # The agreement quota these places come from; empty when an admin set the places by hand.
    quota = models.ForeignKey(
        "agreements.AgreementQuota",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_places",
        verbose_name=_("agreement quota"),
    )
    # Why the places were set by hand (shown on the call's page); empty for places from a quota.
    manual_reason = models.CharField(_("reason for setting by hand"), max_length=300, blank=True)

    class Meta:
        ordering = ["call", "partner__name"]
        verbose_name = _("call place")
        verbose_name_plural = _("call places")
        constraints = [
            models.UniqueConstraint(fields=["call", "partner"], name="call_place_unique_partner"),
            models.CheckConstraint(condition=Q(places_taken__lte=F("places")), name="call_place_not_overbooked"),
            models.CheckConstraint(condition=Q(places_taken__gte=0), name="call_place_taken_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.call} — {self.partner.name}"

    @property
    def places_left(self) -> int:
        left = self.places - self.places_taken
        if self.quota_id is not None:
            # The agreement's yearly quota may be shared by several calls, and ends with the agreement.
            quota = self.quota
            offering = quota.agreement.status in ("active", "expiring")
            left = min(left, quota.remaining) if offering else 0
        return max(left, 0)

    @property
    def from_agreement(self) -> bool:
        return self.quota_id is not None


class Application(models.Model):
    """A mobility application: the case a student or staff member submits to a call."""

    reference = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
        db_index=False,  # application_applicant_new leads with it
    )
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"))
    # Indexed by application_dept_status_new, whose first column it is (a key's own index would only cost writes).
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("department"),
        db_index=False,
    )
    # Indexed by application_status: a plain B-tree, without the LIKE twin `db_index` adds on PostgreSQL (nothing
    # matches a status by pattern; the case's status changes at every step, and each index is a write).
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    period_start = models.DateField(_("mobility starts"), null=True, blank=True)
    period_end = models.DateField(_("mobility ends"), null=True, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    gpa = models.DecimalField(
        _("GPA"),
        max_digits=5,  # 100.00 on the 100-point scale
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    year_of_study = models.PositiveSmallIntegerField(
        _("year of study"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    language = models.CharField(_("language of instruction"), max_length=50, blank=True)
    language_level = models.CharField(_("language level (CEFR)"), max_length=2, choices=CefrLevel.choices, blank=True)
    # Staff mobility (a call for staff: teaching or training); students' applications leave these empty.
    teaching_hours = models.PositiveSmallIntegerField(
        _("teaching hours per week"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    host_contact_name = models.CharField(_("host contact person"), max_length=200, blank=True)
    host_contact_email = models.EmailField(_("host contact email"), blank=True)
    nominated_place = models.ForeignKey(
        CallPlace,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("nominated to"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    documents = GenericRelation(
        "documents.Document",
        content_type_field="case_type",
        object_id_field="case_id",
        related_query_name="application",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mobility application")
        verbose_name_plural = _("mobility applications")
        indexes = [
            # The case list's keyset pages, newest first (core.pagination.keyset_page): every case, and a
            # department's cases narrowed by status, in the list's order.
            models.Index(fields=["-created_at", "-id"], name="application_newest"),
            models.Index(fields=["department", "status", "-created_at", "-id"], name="application_dept_status_new"),
            # An applicant's cases, newest first: their own list, and the case lists' search by name (the matching
            # people's cases read from the index alone, then the newest taken).
            models.Index(fields=["applicant", "-created_at", "-id"], name="application_applicant_new"),
            models.Index(fields=["status"], name="application_status"),
        ]
        constraints = [
            # One live application per applicant and call; a rejected one does not block a new try.
            models.UniqueConstraint(
                fields=["applicant", "call"],
                condition=~Q(status="rejected"),
                name="application_one_live_per_call",
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="application_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return _("Application #%(pk)s — %(call)s") % {"pk": self.pk, "call": self.call}

    def get_absolute_url(self) -> str:
        return reverse("applications:detail", args=[self.pk])

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise field_error("period_end", _("The mobility cannot end before it starts."), ErrorCode.PERIOD_ORDER)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class HostChoice(models.Model):
    """One of the applicant's 1–3 ranked host institutions, among the call's partners."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1), MaxValueValidator(3)])
    place = models.ForeignKey(CallPlace, on_delete=models.PROTECT, related_name="choices", verbose_name=_("host"))

    class Meta:
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="host_choice_unique_rank"),
            models.UniqueConstraint(fields=["application", "place"], name="host_choice_unique_place"),
            models.CheckConstraint(condition=Q(rank__gte=1, rank__lte=3), name="host_choice_rank_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.place.partner.name}"


def document_upload_to(instance, filename: str) -> str:  # pragma: no cover
    # Only migration 0001 refers to this (the removed applications.Document); documents.models has the keys now.
    return f"documents/applications/{instance.application_id}/{uuid.uuid4().hex}"


class CaseEvent(CaseEventBase):
    """One line of a case's audit timeline: who did what, when, at which step, with which comment.
    Append-only: the app offers no way to edit or delete one."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
        SUBMITTED = "submitted", _("Submitted")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")
        PLACE_ASSIGNED = "place_assigned", _("Place assigned")
        # The competitive selection (the selection app): the published result, then the applicant's answer.
        SELECTED = "selected", _("Selected")
        RESERVE_LISTED = "reserve_listed", _("Put on the reserve list")
        NOT_SELECTED = "not_selected", _("Not selected")
        PROMOTED = "promoted", _("Offered a place from the reserve list")
        PLACE_ACCEPTED = "place_accepted", _("Place accepted")
        PLACE_DECLINED = "place_declined", _("Place declined")
        OFFER_EXPIRED = "offer_expired", _("Offer not answered in time")
        APPEALED = "appealed", _("Appeal submitted")
        APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld")
        APPEAL_DISMISSED = "appeal_dismissed", _("Appeal dismissed")
        NOMINATED = "nominated", _("Nominated to the partner")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    status_before = models.CharField(_("status before"), max_length=20, choices=ApplicationStatus.choices, blank=True)
    status_after = models.CharField(_("status after"), max_length=20, choices=ApplicationStatus.choices, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class CallEvent(CaseEventBase):
    """One line of a call's audit trail: created, changed (which fields, from what to what), places taken from the
    agreements' quotas or set by hand (with the reason). Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("Call created")
        UPDATED = "updated", _("Call changed")
        PLACES_FROM_AGREEMENTS = "places_from_agreements", _("Places taken from the agreements")
        PLACES_SET_BY_HAND = "places_set_by_hand", _("Places set by hand")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="events", verbose_name=_("call"))
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("call event")
        verbose_name_plural = _("call events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"
