"""Nominations of selected participants to their partners, and the grants they receive.

A `Nomination` is one partner's list of one call's participants: its letter (a stored document of the one letter
pipeline), the emails to the partner's contacts (`NominationEmail`, one per contact, ever) and its timeline
(`NominationEvent`, append-only). A `Grant` is one nominated participant's grant as computed at nomination from the
`RateTable` in force; it keeps the rate values it used, so changing a table later never changes it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Programme
from core.models import CaseEventBase, append_only_triggers
from partners.models import country_code_validator


class CountryGroup(models.Model):
    """A group of countries sharing a rate (Erasmus+: group 1 high, 2 medium, 3 lower cost of living)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name (English)"), max_length=120)
    name_az = models.CharField(_("name (Azerbaijani)"), max_length=120, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("country group")
        verbose_name_plural = _("country groups")

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class CountryGroupMember(models.Model):
    """Which group a partner's country is in: one group per country."""

    country = models.CharField(_("country"), max_length=2, unique=True, validators=[country_code_validator])
    group = models.ForeignKey(CountryGroup, on_delete=models.PROTECT, related_name="members", verbose_name=_("group"))

    class Meta:
        ordering = ["country"]
        verbose_name = _("country of a group")
        verbose_name_plural = _("countries of the groups")

    def __str__(self) -> str:
        return f"{self.country} → {self.group.code}"


class RateTable(models.Model):
    """The grant rates of one programme in one academic year, with its top-ups."""

    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    academic_year = models.CharField(
        _("academic year"), max_length=9, validators=[RegexValidator(r"^\d{4}/\d{2}$", _("Use the form 2026/27."))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    # Top-ups: students with fewer opportunities get this much more per month (prorated like the grant); anyone
    # travelling green (train, bus, car-sharing) gets this once.
    fewer_opportunities_monthly = models.DecimalField(
        _("fewer opportunities top-up per month (students)"),
        max_digits=9,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    green_travel_amount = models.DecimalField(
        _("green travel top-up (once)"), max_digits=9, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-academic_year", "programme"]
        verbose_name = _("grant rate table")
        verbose_name_plural = _("grant rate tables")
        constraints = [
            models.UniqueConstraint(fields=["programme", "academic_year"], name="grants_one_table_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} {self.academic_year}"


class Rate(models.Model):
    """One country group's rates in a table: per month for students, per day for staff."""

    table = models.ForeignKey(RateTable, on_delete=models.PROTECT, related_name="rates", verbose_name=_("table"))
    group = models.ForeignKey(CountryGroup, on_delete=models.PROTECT, related_name="rates", verbose_name=_("group"))
    student_monthly = models.DecimalField(
        _("students: per month"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    staff_daily = models.DecimalField(
        _("staff: per day"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["table", "group__code"]
        verbose_name = _("grant rate")
        verbose_name_plural = _("grant rates")
        constraints = [models.UniqueConstraint(fields=["table", "group"], name="grants_one_rate_per_group")]

    def __str__(self) -> str:
        return f"{self.table} · {self.group.code}"


class Nomination(models.Model):
    """Participants of one call nominated to one partner at once; its letter is a document of this row. Usually one
    per call and partner; one who accepts a place later (from a reserve list) is nominated in another."""

    call = models.ForeignKey(
        "applications.Call", on_delete=models.PROTECT, related_name="nominations", verbose_name=_("call")
    )
    partner = models.ForeignKey(
        "partners.PartnerInstitution", on_delete=models.PROTECT, related_name="nominations", verbose_name=_("partner")
    )
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("nominated"), default=timezone.now)
    documents = GenericRelation(
        "documents.Document", content_type_field="case_type", object_id_field="case_id", related_query_name="nomination"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        indexes = [models.Index(fields=["call", "partner"], name="grants_nomination_call_partner")]

    def __str__(self) -> str:
        return f"{self.call} → {self.partner.name}"


class NominationEmail(models.Model):
    """The nomination letter sent to one contact of the partner: the row is taken before sending, so a contact gets
    one email per nomination however often the task runs."""

    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="emails")
    contact = models.ForeignKey("partners.PartnerContact", on_delete=models.SET_NULL, null=True, related_name="+")
    email = models.EmailField(_("email"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["nomination", "pk"]
        verbose_name = _("nomination email")
        verbose_name_plural = _("nomination emails")
        constraints = [models.UniqueConstraint(fields=["nomination", "email"], name="grants_one_email_per_contact")]

    def __str__(self) -> str:
        return f"{self.nomination_id} → {self.email}"


class NominationEvent(CaseEventBase):
    """One line of a nomination's timeline. Append-only."""

    class Action(models.TextChoices):
        NOMINATED = "nominated", _("Participants nominated")
        LETTER_ISSUED = "letter_issued", _("Nomination letter issued")
        EMAILED = "emailed", _("Nomination letter emailed")

    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("nomination event")
        verbose_name_plural = _("nomination events")
        triggers = append_only_triggers()

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class GrantUnit(models.TextChoices):
    MONTH = "month", _("per month")
    DAY = "day", _("per day")


class Grant(models.Model):
    """A nominated participant's grant, computed once at nomination and never recomputed: the rate values used are
    stored with it."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="grant", verbose_name=_("application")
    )
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="grants")
    rate_table = models.ForeignKey(RateTable, on_delete=models.SET_NULL, null=True, related_name="+")
    currency = models.CharField(_("currency"), max_length=3)
    country_group = models.CharField(_("country group"), max_length=20)
    unit = models.CharField(_("unit"), max_length=5, choices=GrantUnit.choices)
    rate = models.DecimalField(_("rate"), max_digits=9, decimal_places=2)
    months = models.PositiveSmallIntegerField(_("whole months"), default=0)
    days = models.PositiveSmallIntegerField(_("days"), help_text=_("Staff: days; students: days beyond whole months"))
    base_amount = models.DecimalField(_("grant"), max_digits=11, decimal_places=2)
    fewer_opportunities = models.BooleanField(_("fewer opportunities"), default=False)
    fewer_opportunities_amount = models.DecimalField(_("fewer opportunities top-up"), max_digits=11, decimal_places=2)
    green_travel = models.BooleanField(_("green travel"), default=False)
    green_travel_amount = models.DecimalField(_("green travel top-up"), max_digits=11, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=11, decimal_places=2)
    # The rate row and top-ups as they were when the grant was computed.
    rates_used = models.JSONField(_("rates used"), default=dict)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        ordering = ["nomination", "application"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [models.CheckConstraint(condition=models.Q(total__gte=0), name="grants_total_not_negative")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.total} {self.currency}"


class RateTableEvent(CaseEventBase):
    """One line of a rate table's audit trail: created or changed (the values before and after). Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")

    table = models.ForeignKey(RateTable, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("rate table event")
        verbose_name_plural = _("rate table events")
        triggers = append_only_triggers()
