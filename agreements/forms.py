"""Forms of the agreement pages and of the agreement's coordinator steps (the partner registry's are
partners.forms). They parse input only (text into numbers, lists and dates); the services validate the
terms and write."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from agreements.models import (
    Agreement,
    AgreementStatus,
    AgreementType,
    Direction,
    EwpStatus,
    MobilityCategory,
)
from agreements.services import AGREEMENT_UPLOAD_KINDS, INFO_FIELDS
from agreements.terms import CONDITION_NUMBER_RANGES
from applications.forms import DateInput, add_service_errors
from core.errors import ErrorCode
from core.forms import kept_forms
from core.numbers import apply_form_ranges
from documents.models import DocumentKind
from documents.validation import accept_attribute
from partners.models import OrganisationalUnit, PartnerInstitution

TERM_FORM_FIELDS = ("title", "type", "partner", "partner_unit", "start_date", "end_date", "text")
LIST_SPLIT = re.compile(r"[,;\s]+")
LANGUAGE_ITEM = re.compile(r"^([A-Za-z]{2,3})\s*[:\- ]\s*([A-Ca-c][12])$")


def _split(value: str) -> list[str]:
    return [item for item in LIST_SPLIT.split(value or "") if item]


# --- filters -----------------------------------------------------------------------------------


class AgreementFilterForm(forms.Form):
    """The agreements list's filters (GET); also used by the CSV export."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *AgreementStatus.choices]
    )
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *AgreementType.choices])
    partner = forms.ModelChoiceField(
        label=_("Partner"), required=False, queryset=PartnerInstitution.objects.order_by("name"), empty_label=_("All")
    )
    country = forms.CharField(
        label=_("Country"), required=False, max_length=2, widget=forms.TextInput(attrs={"size": 3, "placeholder": "DE"})
    )
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.order_by("name"), empty_label=_("All")
    )
    expiring_within_days = forms.IntegerField(
        label=_("Ending within (days)"),
        required=False,
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"size": 5}),
    )
    ewp_status = forms.ChoiceField(label=_("EWP status"), required=False, choices=[("", _("All")), *EwpStatus.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_form_ranges(self.fields, {"expiring_within_days": (0, 3650)})

    def filters(self) -> dict:
        """Keyword arguments for agreements.selectors.agreement_list; invalid filters are left out."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {
            "status": data.get("status") or "",
            "type": data.get("type") or "",
            "partner_id": data["partner"].pk if data.get("partner") else None,
            "country": (data.get("country") or "").strip(),
            "department_id": data["department"].pk if data.get("department") else None,
            "expiring_within_days": data.get("expiring_within_days"),
            "ewp_status": data.get("ewp_status") or "",
        }


# --- agreement drafts ----------------------------------------------------------------------------


class PartnerUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrganisationalUnit) -> str:
        return f"{obj.partner.name} — {obj.name}"


class AgreementForm(forms.Form):
    """The terms (unless `terms_editable` is False: then only general information) and general
    information of an agreement; on a new draft also the department that owns it."""

    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=255)
    type = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *AgreementType.choices])
    partner = forms.ModelChoiceField(
        label=_("Partner institution"), queryset=PartnerInstitution.objects.order_by("name"), empty_label="—"
    )
    partner_unit = PartnerUnitChoiceField(
        label=_("Unit of the partner"),
        required=False,
        queryset=OrganisationalUnit.objects.select_related("partner").order_by("partner__name", "name"),
        empty_label="—",
        help_text=_("Optional: the faculty or department of the partner the agreement is with."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    text = forms.CharField(label=_("Text of the agreement"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    number = forms.CharField(label=_("Agreement number"), required=False, max_length=40)
    our_signatory_name = forms.CharField(label=_("Our signatory"), required=False, max_length=200)
    our_signatory_position = forms.CharField(label=_("Our signatory's position"), required=False, max_length=200)
    partner_signatory_name = forms.CharField(label=_("Partner's signatory"), required=False, max_length=200)
    partner_signatory_position = forms.CharField(
        label=_("Partner signatory's position"), required=False, max_length=200
    )
    partner_signatory_email = forms.EmailField(label=_("Partner signatory's email"), required=False)

    def __init__(self, *args, departments=None, terms_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms_editable = terms_editable
        if departments is None:
            del self.fields["department"]
        else:
            self.fields["department"].queryset = departments
        if not terms_editable:
            for name in TERM_FORM_FIELDS:
                del self.fields[name]

    @staticmethod
    def initial_from(agreement: Agreement) -> dict:
        terms = agreement.current_version.terms if agreement.current_version else {}
        initial = {name: getattr(agreement, name) or "" for name in INFO_FIELDS}
        initial.update(
            title=terms.get("title", agreement.title),
            type=terms.get("type", agreement.type),
            partner=terms.get("partner", agreement.partner_id),
            partner_unit=terms.get("partner_unit", agreement.partner_unit_id),
            start_date=terms.get("start_date", agreement.start_date),
            end_date=terms.get("end_date", agreement.end_date),
            text=terms.get("text", ""),
        )
        return initial

    def term_values(self) -> dict:
        if not self.terms_editable:
            return {}
        data = self.cleaned_data
        return {
            "title": data["title"],
            "type": data["type"],
            "partner": data["partner"].pk,
            "partner_unit": data["partner_unit"].pk if data.get("partner_unit") else None,
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "text": data["text"],
        }

    def info_values(self, agreement: Agreement | None = None) -> dict:
        """General information; with `agreement`, only what differs from it (so an unchanged save records nothing)."""
        values = {name: self.cleaned_data[name] for name in INFO_FIELDS}
        if agreement is None:
            return values
        return {name: value for name, value in values.items() if (getattr(agreement, name) or "") != value}

    def add_service_errors(self, error: ValidationError) -> list[str]:
        """Field errors go on their fields; the conditions' errors are returned for the conditions' section."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return []
        conditions = error.message_dict.get("conditions", [])
        rest = {field: messages for field, messages in error.message_dict.items() if field != "conditions"}
        if rest:
            add_service_errors(self, ValidationError(rest))
        return conditions


class ConditionForm(forms.Form):
    """One cooperation condition (direction + category), EWP IIA-shaped. Lists are typed as text."""

    direction = forms.ChoiceField(label=_("Direction"), choices=[("", "—"), *Direction.choices])
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *MobilityCategory.choices])
    first_academic_year = forms.CharField(
        label=_("First academic year"), max_length=7, widget=forms.TextInput(attrs={"placeholder": "2026/27"})
    )
    last_academic_year = forms.CharField(
        label=_("Last academic year"), max_length=7, widget=forms.TextInput(attrs={"placeholder": "2027/28"})
    )
    mobilities_per_year = forms.IntegerField(label=_("Mobilities per year"), min_value=0)
    total_months_per_year = forms.DecimalField(
        label=_("Total months per year"),
        required=False,
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=1,
        help_text=_("Student mobility."),
    )
    total_days_per_year = forms.IntegerField(
        label=_("Total days per year"), required=False, min_value=0, help_text=_("Staff mobility.")
    )
    subject_areas = forms.CharField(
        label=_("Subject areas (ISCED-F)"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "0613, 0714"}),
    )
    eqf_levels = forms.CharField(
        label=_("EQF levels"), required=False, widget=forms.TextInput(attrs={"placeholder": "6, 7"})
    )
    languages = forms.CharField(
        label=_("Recommended languages"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "en:B2, de:B1"}),
        help_text=_("Language code and CEFR level, e.g. “en:B2, de:B1”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The same range messages as the terms' own check ("Mobilities per year must be between 0 and 999").
        apply_form_ranges(self.fields, CONDITION_NUMBER_RANGES)

    def clean_subject_areas(self) -> list[str]:
        return _split(self.cleaned_data["subject_areas"])

    def clean_eqf_levels(self) -> list[int]:
        items = _split(self.cleaned_data["eqf_levels"])
        if not all(item.isdigit() for item in items):
            raise ValidationError(_("Give EQF levels as numbers, e.g. “6, 7”."), code=ErrorCode.INVALID)
        return [int(item) for item in items]

    def clean_languages(self) -> list[dict]:
        languages = []
        for item in (part.strip() for part in (self.cleaned_data["languages"] or "").split(",")):
            if not item:
                continue
            match = LANGUAGE_ITEM.match(item)
            if not match:
                raise ValidationError(_("Write each language as code:level, e.g. “en:B2”."), code=ErrorCode.INVALID)
            languages.append({"language": match.group(1).lower(), "cefr": match.group(2).upper()})
        return languages

    def condition(self) -> dict:
        data = self.cleaned_data
        return {
            "direction": data["direction"],
            "category": data["category"],
            "first_academic_year": data["first_academic_year"].strip(),
            "last_academic_year": data["last_academic_year"].strip(),
            "mobilities_per_year": data["mobilities_per_year"],
            "total_months_per_year": data.get("total_months_per_year"),
            "total_days_per_year": data.get("total_days_per_year"),
            "subject_areas": data["subject_areas"],
            "eqf_levels": data["eqf_levels"],
            "languages": data["languages"],
        }

    @staticmethod
    def initial_from(condition: dict) -> dict:
        return {
            "direction": condition.get("direction"),
            "category": condition.get("category"),
            "first_academic_year": condition.get("first_academic_year"),
            "last_academic_year": condition.get("last_academic_year"),
            "mobilities_per_year": condition.get("mobilities_per_year"),
            "total_months_per_year": condition.get("total_months_per_year"),
            "total_days_per_year": condition.get("total_days_per_year"),
            "subject_areas": ", ".join(condition.get("subject_areas") or []),
            "eqf_levels": ", ".join(str(level) for level in condition.get("eqf_levels") or []),
            "languages": ", ".join(f"{lang['language']}:{lang['cefr']}" for lang in condition.get("languages") or []),
        }


class BaseConditionFormSet(forms.BaseFormSet):
    def conditions(self) -> list[dict]:
        return [form.condition() for form in kept_forms(self)]


def condition_formset(data=None, *, conditions: list[dict] | None = None, extra: int = 1):
    formset_class = forms.formset_factory(ConditionForm, formset=BaseConditionFormSet, extra=extra, can_delete=True)
    initial = [ConditionForm.initial_from(c) for c in conditions or []]
    return formset_class(data, prefix="conditions", initial=initial)


# --- documents and the coordinator's steps -----------------------------------------------------


class AgreementDocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Document kind"), choices=[(k, DocumentKind(k).label) for k in AGREEMENT_UPLOAD_KINDS]
    )
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPEG or PNG, up to %(size)s.") % {
            "size": filesizeformat(settings.DOCUMENT_MAX_SIZE)
        }


class TaskActionForm(forms.Form):
    # The task the page was rendered for: a form left open on a finished task must not act on another.
    task_id = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)


class MarkSentForm(TaskActionForm):
    pass


class SendBackForm(TaskActionForm):
    comment = forms.CharField(
        label=_("What to change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The draft returns to its coordinators; approvals of terms you change will be needed again."),
    )


class SignedCopyForm(TaskActionForm):
    our_signed_on = forms.DateField(label=_("Signed by us on"), required=False, widget=DateInput())
    partner_signed_on = forms.DateField(label=_("Signed by the partner on"), required=False, widget=DateInput())
    file = forms.FileField(
        label=_("Copy signed by both sides"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}),
    )
