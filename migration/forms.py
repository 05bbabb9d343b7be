"""The forms of migration advice's pages: parse input only; the services check and save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from documents.models import DocumentKind
from documents.validation import accept_attribute
from migration.models import AdviceStatus, Anchor, StepTemplate
from migration.services import UPLOAD_KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KIND_CHOICES = [(kind, DocumentKind(kind).label) for kind in UPLOAD_KINDS]


class CaseOpenForm(forms.Form):
    email = forms.EmailField(label=_("Email"), help_text=_("An account with this email is linked; else one is made."))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    preferred_language = forms.ChoiceField(
        label=_("Language of their messages"), choices=User.Language.choices, initial=User.Language.ENGLISH
    )
    nationality = forms.CharField(label=_("Nationality"), max_length=100, required=False)
    passport_number = forms.CharField(label=_("Passport number"), max_length=40, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name"), required=False
    )
    arrival_date = forms.DateField(label=_("Arrival date"), required=False, widget=DATE)
    permit_expiry_date = forms.DateField(label=_("Residence permit expires"), required=False, widget=DATE)


class CaseDatesForm(forms.Form):
    nationality = forms.CharField(label=_("Nationality"), max_length=100, required=False)
    arrival_date = forms.DateField(label=_("Arrival date"), required=False, widget=DATE)
    permit_expiry_date = forms.DateField(label=_("Residence permit expires"), required=False, widget=DATE)
    departure_date = forms.DateField(label=_("Departure date"), required=False, widget=DATE)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name"), required=False
    )


class PassportForm(forms.Form):
    passport_number = forms.CharField(label=_("Passport number"), max_length=40, required=False)


class StepDoneForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document_kind = forms.ChoiceField(label=_("Kind of document"), choices=KIND_CHOICES, required=False)
    file = forms.FileField(
        label=_("Document it produced"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}),
    )


class StepReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is it open again?"), max_length=1000)


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=KIND_CHOICES)
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}))


class CloseForm(forms.Form):
    departure_date = forms.DateField(
        label=_("Departure date"), required=False, widget=DATE, help_text=_("Empty: today.")
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any"))] + list(AdviceStatus.choices), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class OverdueFilterForm(forms.Form):
    step = forms.ModelChoiceField(
        label=_("Step"), queryset=StepTemplate.objects.order_by("order", "pk"), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name"), required=False
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class StepTemplateForm(forms.ModelForm):
    document_kinds = forms.MultipleChoiceField(
        label=_("Documents it needs"), choices=KIND_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    anchor = forms.ChoiceField(label=_("Counted from"), choices=Anchor.choices)

    class Meta:
        model = StepTemplate
        fields = [
            "code",
            "label_en",
            "label_az",
            "help_en",
            "help_az",
            "anchor",
            "offset_days",
            "document_kinds",
            "order",
            "active",
        ]
        widgets = {"help_en": forms.Textarea(attrs={"rows": 2}), "help_az": forms.Textarea(attrs={"rows": 2})}

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
