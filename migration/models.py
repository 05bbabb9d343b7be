"""Migration advice for foreign students and staff: the office's configurable checklist (`StepTemplate`, each step
anchored on a date of the stay with an offset in days), one case per foreigner's stay (`AdviceCase`, a kind of case
"migration") with its steps (`AdviceStep`: due date, who did it when, the document it produced), its timeline
(`AdviceEvent`, append-only) and its process (`AdviceProcess`: one office step "advise" open until the case is
closed)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from core.models import CaseEventBase, append_only_triggers


class Anchor(models.TextChoices):
    """The date of a stay a step's deadline counts from."""

    ARRIVAL = "arrival", _("Arrival")
    EXPIRY = "expiry", _("Expiry of the residence permit")
    DEPARTURE = "departure", _("Departure")
    OPENING = "opening", _("Opening of the case")


class StepTemplate(models.Model):
    """One step of the checklist every new case copies: what it is (in both languages), when it is due (`offset_days`
    from its `anchor`: +3 is three days after arrival, -30 thirty days before the permit expires) and which documents
    it needs. The office edits them when the rules change; a change moves the due dates of steps not yet done."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_az = models.CharField(_("label (Azerbaijani)"), max_length=200)
    help_en = models.TextField(_("what to do (English)"), blank=True)
    help_az = models.TextField(_("what to do (Azerbaijani)"), blank=True)
    anchor = models.CharField(_("counted from"), max_length=10, choices=Anchor.choices)
    offset_days = models.IntegerField(
        _("days after (negative: before)"),
        help_text=_("Days after the anchor date; a negative number is days before it."),
    )
    document_kinds = models.JSONField(_("documents it needs"), default=list, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True, help_text=_("Only active steps go into new cases."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("checklist step")
        verbose_name_plural = _("checklist steps")
        constraints = [
            models.CheckConstraint(
                condition=Q(offset_days__gte=-3650) & Q(offset_days__lte=3650), name="migration_template_offset_range"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_az if (get_language() or "").startswith("az") else self.label_en

    @property
    def days_before(self) -> int:
        return -self.offset_days

    @property
    def help_text(self) -> str:
        return self.help_az if (get_language() or "").startswith("az") else self.help_en


class StepTemplateEvent(CaseEventBase):
    """One change of the checklist (created, changed), old → new in `data`. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Changed")

    template = models.ForeignKey(StepTemplate, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("checklist change")
        verbose_name_plural = _("checklist changes")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class AdviceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AdviceSource(models.TextChoices):
    INCOMING = "incoming", _("Accepted incoming application")
    MANUAL = "manual", _("Opened by the office")


class AdviceCase(models.Model):
    """The migration advice of one foreigner's stay: the dates its steps count from, where it came from, and its
    status. Its steps, documents and timeline hang off it; personal documents are deleted after the retention
    period (`personal_data_deleted_at`), the case and its steps stay."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="advice_cases", verbose_name=_("person")
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("department"),
    )
    nationality = models.CharField(_("nationality"), max_length=100, blank=True)
    passport_number = models.CharField(_("passport number"), max_length=40, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    permit_expiry_date = models.DateField(_("residence permit expires"), null=True, blank=True)
    departure_date = models.DateField(_("departure date"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=AdviceSource.choices, default=AdviceSource.MANUAL)
    # What it came from (e.g. "incoming-application:12"): one case per source, so a retried acceptance opens one.
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AdviceStatus.choices, default=AdviceStatus.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    personal_data_deleted_at = models.DateTimeField(_("personal documents deleted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("migration-advice case")
        verbose_name_plural = _("migration-advice cases")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"], condition=~Q(source_ref=""), name="migration_case_one_per_source"
            ),
            models.CheckConstraint(
                condition=Q(departure_date__isnull=True)
                | Q(arrival_date__isnull=True)
                | Q(departure_date__gte=models.F("arrival_date")),
                name="migration_case_departure_after_arrival",
            ),
        ]
        indexes = [models.Index(fields=["departure_date"], name="migration_case_departure")]

    def __str__(self) -> str:
        return str(_("Migration advice #%(id)s: %(person)s") % {"id": self.pk, "person": self.person})

    def get_absolute_url(self) -> str:
        return reverse("migration:case", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == AdviceStatus.OPEN

    def anchor_dates(self) -> dict[str, date | None]:
        """The date each anchor stands for in this case (None while unknown)."""
        return {
            Anchor.ARRIVAL: self.arrival_date,
            Anchor.EXPIRY: self.permit_expiry_date,
            Anchor.DEPARTURE: self.departure_date,
            Anchor.OPENING: timezone.localdate(self.created_at) if self.created_at else None,
        }


class AdviceStep(models.Model):
    """One step of one case's checklist, copied from its template when the case opened: its due date (from the
    case's dates; none while the anchor date is unknown) and, once done, who did it, when and the document it
    produced."""

    case = models.ForeignKey(AdviceCase, on_delete=models.PROTECT, related_name="steps", verbose_name=_("case"))
    template = models.ForeignKey(
        StepTemplate, on_delete=models.PROTECT, related_name="case_steps", verbose_name=_("step")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    due_date = models.DateField(_("due"), null=True, blank=True, db_index=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("done by"),
    )
    # Deleted with the other personal documents after the retention period (the step stays done).
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("document"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        constraints = [models.UniqueConstraint(fields=["case", "template"], name="migration_step_once_per_case")]

    def __str__(self) -> str:
        return self.template.label

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.is_done and self.due_date is not None and self.due_date < today


class AdviceEvent(CaseEventBase):
    """One line of a migration-advice case's timeline. Append-only."""

    class Action(models.TextChoices):
        OPENED = "opened", _("Opened")
        SUBMITTED = "submitted", _("Checklist started")
        DATES_CHANGED = "dates_changed", _("Dates changed")
        STEP_DONE = "step_done", _("Step done")
        STEP_REOPENED = "step_reopened", _("Step reopened")
        DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
        CLOSED = "closed", _("Closed")
        PERSONAL_DOCUMENTS_DELETED = "personal_documents_deleted", _("Personal documents deleted")

    case = models.ForeignKey(AdviceCase, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    status_before = models.CharField(_("status before"), max_length=10, choices=AdviceStatus.choices, blank=True)
    status_after = models.CharField(_("status after"), max_length=10, choices=AdviceStatus.choices, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("migration-advice event")
        verbose_name_plural = _("migration-advice events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class AdviceProcess(Process):
    """The process of one migration-advice case: the office's "advise" step stays open until the case closes."""

    case = models.OneToOneField(
        AdviceCase, on_delete=models.PROTECT, related_name="process", verbose_name=_("migration-advice case")
    )
    last_decision = models.CharField(_("last decision"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("migration-advice process")
        verbose_name_plural = _("migration-advice processes")
