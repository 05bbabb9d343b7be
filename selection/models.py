"""The competitive selection of a call: its published rules (criteria with weights, bonuses, the tie-break rule,
the committee, the answer and appeal windows), the committee's scores, the coordinator's bonus flags, the result as
one case of the kind "selection" (its timeline and process), and what follows publication: the place offered to
each selected applicant and the reserve list of each partner."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from core.models import CaseEventBase, append_only_triggers
from selection.allocation import TieBreak as TieBreakRule


class TieBreak(models.TextChoices):
    """How applicants with the same score are ordered (selection.allocation applies it; the application's id
    decides last, so the order is always total)."""

    BONUS_GPA_SUBMITTED = (
        TieBreakRule.BONUS_GPA_SUBMITTED,
        _("Bonus holders first, then the higher GPA, then the earlier submission"),
    )
    GPA_SUBMITTED = TieBreakRule.GPA_SUBMITTED, _("The higher GPA, then the earlier submission")
    SUBMITTED = TieBreakRule.SUBMITTED, _("The earlier submission")


class SelectionSettings(models.Model):
    """The selection rules of one competitive call, published to applicants with the call."""

    call = models.OneToOneField(
        "applications.Call", on_delete=models.CASCADE, related_name="selection_settings", verbose_name=_("call")
    )
    # The head of this department reviews the result (a call may be shared by departments, or university-wide).
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewing department")
    )
    tie_break = models.CharField(
        _("tie-break rule"), max_length=30, choices=TieBreak.choices, default=TieBreak.BONUS_GPA_SUBMITTED
    )
    first_mobility_points = models.DecimalField(
        _("bonus for a first mobility"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    fewer_opportunities_points = models.DecimalField(
        _("bonus for fewer opportunities"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    minimum_score = models.DecimalField(
        _("minimum score"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Applicants scoring less are not selected and not put on a reserve list."),
    )
    acceptance_days = models.PositiveSmallIntegerField(
        _("days to accept a place"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("days to appeal"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="selection_committees", blank=True, verbose_name=_("committee")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("selection rules")
        verbose_name_plural = _("selection rules")

    def __str__(self) -> str:
        return str(_("Selection rules of %(call)s") % {"call": self.call})


class Criterion(models.Model):
    """One scored criterion: a committee member gives 0..max_score; `weight` is the points it is worth in the
    total (a full mark earns the whole weight)."""

    call = models.ForeignKey(
        "applications.Call", on_delete=models.CASCADE, related_name="selection_criteria", verbose_name=_("call")
    )
    name = models.CharField(_("criterion"), max_length=100)
    description = models.CharField(_("what is scored"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("weight (points)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_score = models.DecimalField(
        _("maximum score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        constraints = [
            models.UniqueConstraint(fields=["call", "name"], name="selection_criterion_unique_name"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="selection_criterion_weight_positive"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="selection_criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    """One committee member's score of one application on one criterion."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="selection_scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["application", "criterion", "member"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion", "member"], name="selection_score_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="selection_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.criterion_id}/{self.member_id}: {self.value}"


class ApplicantBonus(models.Model):
    """The Erasmus+ priorities an applicant qualifies for, recorded by the coordinator."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="selection_bonus"
    )
    first_mobility = models.BooleanField(_("first mobility"), default=False)
    fewer_opportunities = models.BooleanField(_("fewer opportunities"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("applicant's bonus")
        verbose_name_plural = _("applicants' bonuses")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.first_mobility}/{self.fewer_opportunities}"


class SelectionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    HEAD_REVIEW = "head_review", _("Department head review")
    PRORECTOR_REVIEW = "prorector_review", _("Prorector review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


EDITABLE_SELECTION_STATUSES = (SelectionStatus.DRAFT, SelectionStatus.CHANGES_REQUESTED)


class Selection(models.Model):
    """The result of a call's selection (ranking, allocation, reserve lists): one case that goes through the
    department head and the prorector. Re-run while a draft or sent back; the prorector's approval publishes it
    and freezes it (`result` as canonical JSON and its SHA-256)."""

    call = models.ForeignKey(
        "applications.Call", on_delete=models.PROTECT, related_name="selections", verbose_name=_("call")
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SelectionStatus.choices, default=SelectionStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_sha256 = models.CharField(_("SHA-256 of the result"), max_length=64, blank=True)
    run_at = models.DateTimeField(_("allocated"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("selection result")
        verbose_name_plural = _("selection results")
        constraints = [
            # One live result per call; a rejected one makes room for a new one.
            models.UniqueConstraint(fields=["call"], condition=~Q(status="rejected"), name="selection_one_per_call"),
        ]

    def __str__(self) -> str:
        return str(_("Selection result #%(pk)s — %(call)s") % {"pk": self.pk, "call": self.call})

    def get_absolute_url(self) -> str:
        return reverse("selection:result", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_SELECTION_STATUSES


class SelectionEvent(CaseEventBase):
    """One line of a selection result's timeline. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        ALLOCATED = "allocated", _("Ranked and allocated")
        SUBMITTED = "submitted", _("Submitted for approval")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Sent back for changes")
        REJECTED = "rejected", _("Rejected")
        PUBLISHED = "published", _("Published")

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    status_before = models.CharField(_("status before"), max_length=20, choices=SelectionStatus.choices, blank=True)
    status_after = models.CharField(_("status after"), max_length=20, choices=SelectionStatus.choices, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("selection event")
        verbose_name_plural = _("selection events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class SelectionProcess(Process):
    """The approval process of one selection result."""

    selection = models.OneToOneField(
        Selection, on_delete=models.PROTECT, related_name="process", verbose_name=_("selection result")
    )
    last_decision = models.CharField(_("last decision"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("selection process")
        verbose_name_plural = _("selection processes")


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Not answered in time")


class Offer(models.Model):
    """A place offered to a selected applicant (by the published result, or from a reserve list), to accept or
    decline by `respond_by`. The place is taken (CallPlace.places_taken) while the offer is open or accepted."""

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="offers")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="offers")
    place = models.ForeignKey("applications.CallPlace", on_delete=models.PROTECT, related_name="offers")
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    from_reserve = models.BooleanField(_("from the reserve list"), default=False)
    offered_at = models.DateTimeField(_("offered"))
    respond_by = models.DateTimeField(_("answer by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["selection", "place", "offered_at", "pk"]
        verbose_name = _("offered place")
        verbose_name_plural = _("offered places")
        constraints = [
            # One live offer per application: a held place is never doubled.
            models.UniqueConstraint(
                fields=["application"], condition=Q(status__in=["open", "accepted"]), name="selection_one_live_offer"
            ),
            models.CheckConstraint(condition=Q(respond_by__gt=F("offered_at")), name="selection_offer_window"),
        ]
        indexes = [models.Index(fields=["status", "respond_by"], name="selection_offer_due_idx")]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.place_id} ({self.status})"


class ReserveEntry(models.Model):
    """An applicant's position on a partner's reserve list of a published result."""

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="reserve_entries")
    place = models.ForeignKey("applications.CallPlace", on_delete=models.PROTECT, related_name="reserve_entries")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="reserve_entries"
    )
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["selection", "place", "position"]
        verbose_name = _("reserve list entry")
        verbose_name_plural = _("reserve list entries")
        constraints = [
            models.UniqueConstraint(fields=["selection", "place", "application"], name="selection_reserve_unique"),
            models.UniqueConstraint(fields=["selection", "place", "position"], name="selection_reserve_position"),
        ]

    def __str__(self) -> str:
        return f"{self.place_id} #{self.position}: {self.application_id}"


class RulesEvent(CaseEventBase):
    """One change to a call's selection before its result: its rules or criteria (by whoever manages the call), a
    committee member's score or the coordinator's bonus flags of an application. Append-only: the audit trail of
    how a ranking came about."""

    class Action(models.TextChoices):
        RULES_CHANGED = "rules_changed", _("Selection rules changed")
        CRITERION_ADDED = "criterion_added", _("Criterion added")
        CRITERION_CHANGED = "criterion_changed", _("Criterion changed")
        CRITERION_REMOVED = "criterion_removed", _("Criterion removed")
        SCORED = "scored", _("Score entered")
        BONUS_RECORDED = "bonus_recorded", _("Bonus recorded")

    call = models.ForeignKey("applications.Call", on_delete=models.PROTECT, related_name="selection_events")
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="selection_sheet_events",
        null=True,
        blank=True,
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("selection rules event")
        verbose_name_plural = _("selection rules events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class AppealStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PRORECTOR_REVIEW = "prorector_review", _("Prorector review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Appeal(models.Model):
    """An applicant's appeal against a published selection result, within the call's appeal window: a case the
    prorector decides. Upheld, the applicant is allocated a place still free among their choices (never one
    someone holds or accepted); with none free they join the end of their choices' reserve lists."""

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="appeals")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="appeals")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(fields=["application"], name="selection_one_appeal_per_application"),
        ]

    def __str__(self) -> str:
        return str(
            _("Appeal #%(pk)s — application #%(application)s") % {"pk": self.pk, "application": self.application_id}
        )

    def get_absolute_url(self) -> str:
        return reverse("selection:appeal", args=[self.pk])


class AppealEvent(CaseEventBase):
    """One line of an appeal's timeline. Append-only."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        APPROVED = "approved", _("Upheld")
        CHANGES_REQUESTED = "changes_requested", _("Sent back for changes")
        REJECTED = "rejected", _("Dismissed")
        PLACE_OFFERED = "place_offered", _("Place offered")
        RESERVE_LISTED = "reserve_listed", _("Put on the reserve lists")

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    status_before = models.CharField(_("status before"), max_length=20, choices=AppealStatus.choices, blank=True)
    status_after = models.CharField(_("status after"), max_length=20, choices=AppealStatus.choices, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class AppealProcess(Process):
    appeal = models.OneToOneField(Appeal, on_delete=models.PROTECT, related_name="process", verbose_name=_("appeal"))
    last_decision = models.CharField(_("last decision"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("appeal process")
        verbose_name_plural = _("appeal processes")
