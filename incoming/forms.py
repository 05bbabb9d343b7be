"""Forms of incoming mobility's pages: they parse input only; the services check and write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from agreements.models import PLACE_OFFERING_STATUSES, Agreement, MobilityCategory
from documents.models import DocumentKind
from documents.validation import accept_attribute
from incoming.models import IncomingApplication, IncomingTerm, Level
from incoming.services import APPLICATION_FIELDS, UPLOAD_KINDS


class DateInput(forms.DateInput):
    input_type = "date"


class InvitationForm(forms.Form):
    agreement = forms.ModelChoiceField(label=_("Agreement"), queryset=Agreement.objects.none())
    academic_year = forms.RegexField(
        label=_("Academic year"), regex=r"^\d{4}/\d{2}$", help_text=_("Use the form 2026/27."), max_length=7
    )
    coordinator_name = forms.CharField(label=_("Partner coordinator's name"), max_length=200, required=False)
    coordinator_email = forms.EmailField(label=_("Partner coordinator's email"))
    expires_on = forms.DateField(label=_("The link works until"), widget=DateInput)
    fall_deadline = forms.DateField(label=_("Application deadline, fall semester or full year"), widget=DateInput)
    spring_deadline = forms.DateField(
        label=_("Application deadline, spring semester"),
        widget=DateInput,
        required=False,
        help_text=_("Empty: the fall deadline applies."),
    )

    def __init__(self, *args, agreements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = (
            agreements
            if agreements is not None
            else Agreement.objects.filter(status__in=PLACE_OFFERING_STATUSES).select_related("partner")
        )


class NominationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    category = forms.ChoiceField(label=_("Category"), choices=MobilityCategory.choices)
    term = forms.ChoiceField(label=_("Term"), choices=IncomingTerm.choices)

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if categories:
            self.fields["category"].choices = [(c, MobilityCategory(c).label) for c in categories]


class IncomingApplicationForm(forms.ModelForm):
    class Meta:
        model = IncomingApplication
        fields = list(APPLICATION_FIELDS)
        widgets = {
            "date_of_birth": DateInput,
            "passport_expires_on": DateInput,
            "period_start": DateInput,
            "period_end": DateInput,
            "arrival_date": DateInput,
            "departure_date": DateInput,
            "intended_courses": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, personal: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        if not personal:
            for name in ("date_of_birth", "passport_number", "passport_expires_on"):
                del self.fields[name]


class IncomingUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document kind"), choices=[(k, DocumentKind(k).label) for k in UPLOAD_KINDS])
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPEG or PNG, up to %(size)s.") % {
            "size": filesizeformat(settings.DOCUMENT_MAX_SIZE)
        }


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
