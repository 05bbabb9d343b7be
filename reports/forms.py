"""The filter of the audit events export (GET), shared by the page and the API; the activity register's forms."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from applications.forms import DateInput
from core.forms import add_service_errors
from documents.models import DocumentKind
from documents.validation import accept_attribute
from reports.indicators import Period
from reports.models import ActionPlan, Activity, ActivityKind, PlanActivity, PlanIndicator
from reports.selectors import AuditFilter, audit_sources
from reports.services import ACTIVITY_FIELDS, PLAN_ACTIVITY_FIELDS, PLAN_FIELDS, PLAN_INDICATOR_FIELDS


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind of case"), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.order_by("name"), empty_label=_("All")
    )
    actor = forms.ModelChoiceField(
        label=_("Actor"),
        required=False,
        queryset=get_user_model().objects.order_by("username"),
        empty_label=_("Anyone"),
        to_field_name="username",
        help_text=_("The user name of whoever acted."),
        widget=forms.TextInput(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {}
        for source in audit_sources():
            labels.setdefault(source.key, source.label)
        self.fields["kind"].choices = [("", _("All")), *sorted(labels.items())]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError({"date_to": ValidationError(_("The end is before the start."), code="invalid")})
        return data

    def filters(self) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            kind=data.get("kind") or "",
            department_id=data["department"].pk if data.get("department") else None,
            actor_id=data["actor"].pk if data.get("actor") else None,
        )


class ActivityForm(forms.ModelForm):
    """An entry of the register; the kind is fixed once recorded (a new kind is a new entry)."""

    class Meta:
        model = Activity
        fields = list(ACTIVITY_FIELDS)
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "partners": forms.Textarea(attrs={"rows": 3}),
            "participants": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")
        if self.instance.pk:
            del self.fields["kind"]
        for name in ("participants_count", "students_count", "staff_count"):
            self.fields[name].widget.attrs["min"] = 0

    def _post_clean(self):
        # The service validates the model (reports.services._check); the form only parses the input.
        pass

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)


class ActivityDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document kind"))
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}))

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, DocumentKind(kind).label) for kind in activity.document_kinds]
        self.fields["file"].help_text = _("PDF, JPEG or PNG, up to %(size)s.") % {
            "size": filesizeformat(settings.DOCUMENT_MAX_SIZE)
        }


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *ActivityKind.choices])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    department = forms.ModelChoiceField(
        label=_("Faculty or department"),
        required=False,
        queryset=Department.objects.order_by("name"),
        empty_label=_("All"),
    )


class PeriodForm(forms.Form):
    """A report's period: a preset of the plan's year (first half, second half, the year) or any days."""

    PRESETS = (
        ("year", _("The year")),
        ("h1", _("First half-year")),
        ("h2", _("Second half-year")),
        ("custom", _("Other days")),
    )

    preset = forms.ChoiceField(label=_("Period"), choices=PRESETS, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean(self):
        data = super().clean()
        if data.get("preset") == "custom":
            start, end = data.get("date_from"), data.get("date_to")
            if not start or not end:
                raise ValidationError(
                    {"date_to": ValidationError(_("Give the first and the last day."), code="required")}
                )
            if start > end:
                raise ValidationError({"date_to": ValidationError(_("The end is before the start."), code="invalid")})
        return data

    def period(self) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        preset = data.get("preset") or "year"
        if preset == "h1":
            return Period.half(self.year, 1)
        if preset == "h2":
            return Period.half(self.year, 2)
        if preset == "custom":
            return Period(data["date_from"], data["date_to"])
        return Period.year(self.year)


class ReportForm(forms.Form):
    """A new period report: the plan, the reporting department, the period."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=ActionPlan.objects.order_by("-year"), empty_label=None)
    department = forms.ModelChoiceField(label=_("Reporting department"), queryset=Department.objects.none())
    preset = forms.ChoiceField(label=_("Period"), choices=PeriodForm.PRESETS, initial="h1")
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    title = forms.CharField(
        label=_("Title"), max_length=255, required=False, help_text=_("Empty: the plan and period.")
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def clean(self):
        data = super().clean()
        plan = data.get("plan")
        if plan is not None:
            period = PeriodForm(
                {"preset": data.get("preset"), "date_from": data.get("date_from"), "date_to": data.get("date_to")},
                year=plan.year,
            )
            if not period.is_valid():
                for field, errors in period.errors.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                data["period"] = period.period()
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, aliases={"period_end": "date_to", "period_start": "date_from"})


class ReportNotesForm(forms.Form):
    """The summary and one note per indicator (fields `note_<indicator id>`)."""

    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, indicators, notes: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_fields = []
        for indicator in indicators:
            name = f"note_{indicator.pk}"
            self.fields[name] = forms.CharField(
                label=_("Note on %(code)s") % {"code": indicator.code},
                required=False,
                initial=notes.get(indicator.pk, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.indicator_fields.append((indicator, name))

    def notes(self) -> dict[int, str]:
        return {indicator.pk: self.cleaned_data.get(name, "") for indicator, name in self.indicator_fields}


class _ServiceValidated(forms.ModelForm):
    """A plan form parses the input; the service validates the model (reports.services)."""

    def _post_clean(self):
        pass

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)


class PlanForm(_ServiceValidated):
    class Meta:
        model = ActionPlan
        fields = list(PLAN_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["year"]


class PlanActivityForm(_ServiceValidated):
    class Meta:
        model = PlanActivity
        fields = list(PLAN_ACTIVITY_FIELDS)
        widgets = {"name_az": forms.Textarea(attrs={"rows": 2}), "name_en": forms.Textarea(attrs={"rows": 2})}


class PlanIndicatorForm(_ServiceValidated):
    document_kinds = forms.MultipleChoiceField(
        label=_("Kinds of confirming document"),
        choices=DocumentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PlanIndicator
        fields = list(PLAN_INDICATOR_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in PLAN_INDICATOR_FIELDS
            if name.endswith(("_az", "_en")) and not name.startswith(("responsible", "controller", "documents"))
        }

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = PlanActivity.objects.filter(plan=plan).order_by("position")
        if self.instance.pk:
            self.initial["document_kinds"] = self.instance.document_kinds
