"""The office's activity register: what the International Relations Office does beyond cases — events (meetings and
trainings at faculties, education fairs, international scientific events), memberships of international
organisations, grant project applications, international online trainings, ranking submissions and the procedures
adopted — each with its typed confirming documents (documents.Document) and an append-only timeline."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from core.models import CaseEventBase, append_only_triggers
from documents.models import DocumentKind
from partners.models import country_code_validator


class ActivityKind(models.TextChoices):
    EVENT = "event", _("Event")
    MEMBERSHIP = "membership", _("Membership of an international organisation")
    GRANT = "grant", _("Grant project application")
    ONLINE_TRAINING = "online_training", _("International online training")
    RANKING = "ranking", _("Ranking submission")
    PROCEDURE = "procedure", _("Procedure or regulation adopted")


class ActivityCategory(models.TextChoices):
    # events
    FACULTY_MEETING = "faculty_meeting", _("Meeting at a faculty")
    FACULTY_TRAINING = "faculty_training", _("Training at a faculty")
    FAIR_DOMESTIC = "fair_domestic", _("Education fair in the country")
    FAIR_ABROAD = "fair_abroad", _("Education fair abroad")
    CONFERENCE = "conference", _("International conference")
    CONGRESS = "congress", _("International congress")
    SYMPOSIUM = "symposium", _("International symposium")
    FORUM = "forum", _("International forum")
    # memberships
    ORGANISATION = "organisation", _("International organisation")
    # grant projects
    ERASMUS_KA1 = "erasmus_ka1", _("Erasmus+ KA1")
    ERASMUS_KA2 = "erasmus_ka2", _("Erasmus+ KA2")
    HORIZON = "horizon", _("Horizon Europe")
    OTHER_PROGRAMME = "other_programme", _("Another programme")
    # online trainings
    ONLINE_COURSE = "online_course", _("Online course or training")
    # rankings
    QS = "qs", _("QS")
    THE = "the", _("Times Higher Education")
    OTHER_RANKING = "other_ranking", _("Another ranking")
    # procedures
    EXCHANGE = "exchange", _("Exchanges")
    INTERNSHIP = "internship", _("Internships")
    DOUBLE_DEGREE = "double_degree", _("Double degrees")


CATEGORIES: dict[str, tuple[str, ...]] = {
    ActivityKind.EVENT: (
        ActivityCategory.FACULTY_MEETING,
        ActivityCategory.FACULTY_TRAINING,
        ActivityCategory.FAIR_DOMESTIC,
        ActivityCategory.FAIR_ABROAD,
        ActivityCategory.CONFERENCE,
        ActivityCategory.CONGRESS,
        ActivityCategory.SYMPOSIUM,
        ActivityCategory.FORUM,
    ),
    ActivityKind.MEMBERSHIP: (ActivityCategory.ORGANISATION,),
    ActivityKind.GRANT: (
        ActivityCategory.ERASMUS_KA1,
        ActivityCategory.ERASMUS_KA2,
        ActivityCategory.HORIZON,
        ActivityCategory.OTHER_PROGRAMME,
    ),
    ActivityKind.ONLINE_TRAINING: (ActivityCategory.ONLINE_COURSE,),
    ActivityKind.RANKING: (ActivityCategory.QS, ActivityCategory.THE, ActivityCategory.OTHER_RANKING),
    ActivityKind.PROCEDURE: (ActivityCategory.EXCHANGE, ActivityCategory.INTERNSHIP, ActivityCategory.DOUBLE_DEGREE),
}
SCIENTIFIC_EVENTS = (
    ActivityCategory.CONFERENCE,
    ActivityCategory.CONGRESS,
    ActivityCategory.SYMPOSIUM,
    ActivityCategory.FORUM,
)
FAIRS = (ActivityCategory.FAIR_DOMESTIC, ActivityCategory.FAIR_ABROAD)

# The confirming documents each kind of activity takes (documents.models.DocumentKind).
REGISTER_DOCUMENT_KINDS: dict[str, tuple[str, ...]] = {
    ActivityKind.EVENT: (
        DocumentKind.MINUTES,
        DocumentKind.PARTICIPANT_LIST,
        DocumentKind.PROGRAMME,
        DocumentKind.ORDER,
        DocumentKind.OTHER,
    ),
    ActivityKind.MEMBERSHIP: (DocumentKind.CERTIFICATE, DocumentKind.PAYMENT, DocumentKind.ORDER, DocumentKind.OTHER),
    ActivityKind.GRANT: (
        DocumentKind.GRANT_APPLICATION,
        DocumentKind.AWARD_LETTER,
        DocumentKind.SIGNED_AGREEMENT,
        DocumentKind.OTHER,
    ),
    ActivityKind.ONLINE_TRAINING: (
        DocumentKind.PARTICIPANT_LIST,
        DocumentKind.CERTIFICATE,
        DocumentKind.PROGRAMME,
        DocumentKind.OTHER,
    ),
    ActivityKind.RANKING: (DocumentKind.RANKING_SUBMISSION, DocumentKind.CERTIFICATE, DocumentKind.OTHER),
    ActivityKind.PROCEDURE: (DocumentKind.REGULATION, DocumentKind.ORDER, DocumentKind.OTHER),
}


class Outcome(models.TextChoices):
    """Where a grant application or a ranking submission stands; a membership's standing."""

    PLANNED = "planned", _("Planned")
    SUBMITTED = "submitted", _("Submitted")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Rejected")
    RANKED = "ranked", _("Ranked")
    ACTIVE = "active", _("Member")
    LEFT = "left", _("Left")
    DONE = "done", _("Done")


class ProjectRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PARTNER = "partner", _("Partner")


class Activity(models.Model):
    """One entry of the register. What a field means depends on the kind: `start_date` is the event's first day, the
    date a membership began, a grant application or a ranking was submitted, a procedure was adopted; `end_date` the
    event's last day or the day a membership ended."""

    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=ActivityCategory.choices)
    title = models.CharField(_("title"), max_length=255)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("faculty or department"),
    )
    start_date = models.DateField(_("date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, validators=[country_code_validator])
    location = models.CharField(_("place"), max_length=255, blank=True)
    organisation = models.CharField(_("organisation, programme or ranking body"), max_length=255, blank=True)
    partners = models.TextField(_("partners"), blank=True, help_text=_("Invited or partner institutions, one a line."))
    participants_count = models.PositiveIntegerField(_("participants"), default=0)
    students_count = models.PositiveIntegerField(_("students taking part"), default=0)
    staff_count = models.PositiveIntegerField(_("staff taking part"), default=0)
    participants = models.TextField(_("list of participants"), blank=True, help_text=_("One a line."))
    role = models.CharField(_("our role"), max_length=12, choices=ProjectRole.choices, blank=True)
    outcome = models.CharField(_("status"), max_length=12, choices=Outcome.choices, blank=True)
    amount = models.DecimalField(
        _("budget or fee (AZN)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    result = models.CharField(_("result"), max_length=255, blank=True, help_text=_("E.g. a ranking's place or band."))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["kind", "start_date"], name="reports_activity_kind_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="reports_activity_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:activity", args=[self.pk])

    @property
    def document_kinds(self) -> tuple[str, ...]:
        return REGISTER_DOCUMENT_KINDS.get(self.kind, (DocumentKind.OTHER,))


class ActivityEvent(CaseEventBase):
    """One line of a register entry's timeline: recorded, changed (which fields, from what to what), a confirming
    document added. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("Recorded")
        UPDATED = "updated", _("Changed")
        DOCUMENT_UPLOADED = "document_uploaded", _("Document added")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="events", verbose_name=_("activity"))
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


# --- the action plan ----------------------------------------------------------------------------------------------


class ReportingCycle(models.TextChoices):
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


class Measure(models.TextChoices):
    """What Körpü counts for an indicator (reports.indicators); empty: reported by hand in the notes."""

    FACULTIES_REACHED = "faculties_reached", _("Faculties reached by meetings and trainings")
    INTERNSHIP_STUDENTS = "internship_students", _("Students in internships abroad")
    FAIRS = "fairs", _("Education fairs attended")
    MEMBERSHIPS = "memberships", _("Memberships of international organisations")
    AGREEMENTS_NEW = "agreements_new", _("New cooperation agreements")
    RANKINGS = "rankings", _("Ranking submissions")
    PROCEDURES = "procedures", _("Procedures adopted")
    MOBILITY = "mobility", _("Students and staff in mobility")
    AGREEMENTS_ACTIVE = "agreements_active", _("Agreements in force")
    GRANTS_SUBMITTED = "grants_submitted", _("Grant projects submitted")
    ONLINE_TRAINING = "online_training", _("Participants in international online trainings")
    INTERNSHIP_PROGRAMMES = "internship_programmes", _("Internship programmes with new agreements")
    DOUBLE_DEGREES = "double_degrees", _("Double-degree programmes")
    SCIENTIFIC_EVENTS = "scientific_events", _("International scientific events organised")
    # Counted for the office beyond the 2025 plan (an edited or later plan may use them).
    AGREEMENTS_EFFECTIVE = "agreements_effective", _("Effective agreements (with a mobility in the period)")
    AGREEMENTS_IMPLEMENTATION = "agreements_implementation", _("Implementation of agreements (places used, %)")
    INCOMING_MOBILITY = "incoming_mobility", _("Incoming students and staff (nominated by partners)")


class ActionPlan(models.Model):
    """The office's action plan of one year (approved by the rector)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title_az = models.CharField(_("title (Azerbaijani)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    approved_by = models.CharField(_("approved by"), max_length=255, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.title_en

    def get_absolute_url(self) -> str:
        return reverse("reports:plan", args=[self.year])


class PlanActivity(models.Model):
    """One activity of a plan under its goal and target (e.g. "Məqsəd 3, hədəf 2-1.2")."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="activities", verbose_name=_("plan"))
    position = models.PositiveSmallIntegerField(_("number"))
    goal_code = models.CharField(_("goal and target"), max_length=60)
    name_az = models.TextField(_("activity (Azerbaijani)"))
    name_en = models.TextField(_("activity (English)"))
    timing_az = models.CharField(_("when (Azerbaijani)"), max_length=120, blank=True)
    timing_en = models.CharField(_("when (English)"), max_length=120, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("activity of the plan")
        verbose_name_plural = _("activities of the plan")
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="reports_plan_activity_position")]

    def __str__(self) -> str:
        return f"{self.goal_code}: {self.name_en}"


class PlanIndicator(models.Model):
    """A result indicator of a plan's activity: what is counted (quantitative) and what is judged (qualitative),
    from which baseline to which target, who answers for it, who controls it, how often it is reported and on
    which confirming documents."""

    activity = models.ForeignKey(
        PlanActivity, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("activity")
    )
    code = models.CharField(_("code"), max_length=20)
    quantitative_az = models.TextField(_("quantitative indicator (Azerbaijani)"))
    quantitative_en = models.TextField(_("quantitative indicator (English)"))
    qualitative_az = models.TextField(_("qualitative indicator (Azerbaijani)"), blank=True)
    qualitative_en = models.TextField(_("qualitative indicator (English)"), blank=True)
    baseline_az = models.TextField(_("baseline (Azerbaijani)"), blank=True)
    baseline_en = models.TextField(_("baseline (English)"), blank=True)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=10, decimal_places=1, null=True, blank=True)
    target_az = models.TextField(_("target (Azerbaijani)"), blank=True)
    target_en = models.TextField(_("target (English)"), blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=10, decimal_places=1, null=True, blank=True)
    responsible_az = models.CharField(_("responsible (Azerbaijani)"), max_length=255)
    responsible_en = models.CharField(_("responsible (English)"), max_length=255)
    controller_az = models.CharField(_("controller (Azerbaijani)"), max_length=255)
    controller_en = models.CharField(_("controller (English)"), max_length=255)
    documents_az = models.CharField(_("confirming documents (Azerbaijani)"), max_length=255)
    documents_en = models.CharField(_("confirming documents (English)"), max_length=255)
    reporting_cycle = models.CharField(_("reporting"), max_length=12, choices=ReportingCycle.choices)
    measure = models.CharField(_("counted as"), max_length=30, choices=Measure.choices, blank=True)
    # The kinds of confirming document (documents.models.DocumentKind values) a controller checks the number on.
    document_kinds = models.JSONField(_("kinds of confirming document"), default=list, blank=True)

    class Meta:
        ordering = ["activity__plan", "activity__position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["activity", "code"], name="reports_plan_indicator_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.quantitative_en}"

    @property
    def document_kind_labels(self) -> list[str]:
        return [str(DocumentKind(kind).label) for kind in self.document_kinds if kind in DocumentKind.values]


class PlanEvent(CaseEventBase):
    """One line of a plan's timeline: the plan, an activity or an indicator added or changed (which fields, from what
    to what). Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("Plan created")
        UPDATED = "updated", _("Plan changed")
        ACTIVITY_ADDED = "activity_added", _("Activity added")
        ACTIVITY_CHANGED = "activity_changed", _("Activity changed")
        INDICATOR_ADDED = "indicator_added", _("Indicator added")
        INDICATOR_CHANGED = "indicator_changed", _("Indicator changed")

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="events", verbose_name=_("plan"))
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


# --- period reports (a kind of case: the office prepares, the department head and the prorector approve) -------------


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    HEAD_REVIEW = "head_review", _("Department head review")
    PRORECTOR_REVIEW = "prorector_review", _("Prorector review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PeriodReport(models.Model):
    """A report on a plan for a period (a half-year, the year or any days). Its numbers are counted live while it is
    prepared; the prorector's approval freezes them (`frozen`), with the SHA-256 of the frozen content and the PDF
    kept as a document. A correction of an approved report is a new report, its next version."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="reports", verbose_name=_("plan"))
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("reporting department")
    )
    title = models.CharField(_("title"), max_length=255)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects"),
    )
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    # Set once, at the prorector's approval.
    frozen = models.JSONField(_("numbers as approved"), null=True, blank=True)
    content_sha256 = models.CharField(_("content hash"), max_length=64, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = _("period report")
        verbose_name_plural = _("period reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="reports_report_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:report", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.CHANGES_REQUESTED)


class ReportNote(models.Model):
    """The qualitative note on one indicator in one report."""

    report = models.ForeignKey(PeriodReport, on_delete=models.CASCADE, related_name="notes")
    indicator = models.ForeignKey(PlanIndicator, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="reports_note_once")]

    def __str__(self) -> str:
        return self.text[:60]


class ReportEvent(CaseEventBase):
    """One line of a report's timeline. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("Prepared")
        UPDATED = "updated", _("Changed")
        SUBMITTED = "submitted", _("Submitted")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        REJECTED = "rejected", _("Rejected")
        FROZEN = "frozen", _("Numbers frozen and PDF kept")
        DOCUMENT_UPLOADED = "document_uploaded", _("Document added")

    report = models.ForeignKey(PeriodReport, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    status_before = models.CharField(_("status before"), max_length=20, choices=ReportStatus.choices, blank=True)
    status_after = models.CharField(_("status after"), max_length=20, choices=ReportStatus.choices, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class ReportProcess(Process):
    report = models.OneToOneField(PeriodReport, on_delete=models.PROTECT, related_name="process")
    last_decision = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("report approval")
        verbose_name_plural = _("report approvals")


class DashboardSnapshot(models.Model):
    """The dashboard's numbers of one year in one language, counted ahead by the Celery beat job
    (reports.tasks.dashboard_refresh_task), so the page reads one row whatever the size of the data and says as of
    when (`computed_at`)."""

    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=10)
    data = models.JSONField(_("numbers"))
    computed_at = models.DateTimeField(_("counted"))

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        constraints = [models.UniqueConstraint(fields=["year", "language"], name="reports_dashboard_once")]

    def __str__(self) -> str:
        return f"{self.year} {self.language} {self.computed_at:%Y-%m-%d %H:%M}"
