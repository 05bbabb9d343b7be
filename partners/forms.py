"""Forms of the partner registry's pages: the list's filters, a partner with its units, its contacts.
They parse input only; partners.services validates and writes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import add_service_errors, kept_forms
from partners.models import PartnerContact, PartnerInstitution

PARTNER_FIELDS = ("name", "name_az", "country", "city", "erasmus_code", "schac_code", "website")


class PartnerFilterForm(forms.Form):
    search = forms.CharField(label=_("Name"), required=False, max_length=100)
    country = forms.CharField(
        label=_("Country"), required=False, max_length=2, widget=forms.TextInput(attrs={"size": 3, "placeholder": "DE"})
    )
    city = forms.CharField(label=_("City"), required=False, max_length=120)
    erasmus_code = forms.CharField(label=_("Erasmus code"), required=False, max_length=20)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {name: (data.get(name) or "").strip() for name in ("search", "country", "city", "erasmus_code")}


class PartnerForm(forms.ModelForm):
    """A partner's own fields plus its organisational units, one per line. Never saved by itself:
    the view hands the values to partner_create / partner_update."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    units = forms.CharField(
        label=_("Organisational units"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One faculty or department per line."),
    )

    class Meta:
        model = PartnerInstitution
        fields = PARTNER_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["units"] = "\n".join(unit.name for unit in self.instance.units.all())

    def _post_clean(self):
        # Model validation (formats, uniqueness) belongs to the service, which runs full_clean() on the row.
        pass

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").strip().upper()

    def field_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in PARTNER_FIELDS}

    def unit_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["units"].splitlines() if line.strip()]

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)


class ContactForm(forms.ModelForm):
    class Meta:
        model = PartnerContact
        fields = ["name", "role", "email", "phone"]

    def _post_clean(self):
        pass

    def contact(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class BaseContactFormSet(forms.BaseFormSet):
    def contacts(self) -> list[dict]:
        return [form.contact() for form in kept_forms(self)]


def contact_formset(data=None, *, partner: PartnerInstitution | None = None):
    formset_class = forms.formset_factory(ContactForm, formset=BaseContactFormSet, extra=1, can_delete=True)
    initial = (
        [{"name": c.name, "role": c.role, "email": c.email, "phone": c.phone} for c in partner.contacts.all()]
        if partner is not None
        else []
    )
    return formset_class(data, prefix="contacts", initial=initial)
