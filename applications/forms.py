"""Forms of the applicant's pages. They parse input only; the services validate and write."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from applications.models import Application, ApplicationStatus, Call, DocumentKind
from applications.services import EDITABLE_FIELDS
from core.forms import add_service_errors
from documents.models import APPLICATION_UPLOAD_KINDS
from documents.validation import accept_attribute

MAX_CHOICES = 3


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ApplicationForm(forms.ModelForm):
    """The editable fields of an application plus 1–3 ranked host choices among the call's partners.
    Used only to parse and show input: the view hands `cleaned_data` to a service (never `save()`)."""

    class Meta:
        model = Application
        fields = EDITABLE_FIELDS
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "motivation": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        partners = [
            (
                place.partner_id,
                ngettext(
                    "%(name)s (%(city)s, %(country)s) — %(left)s place left",
                    "%(name)s (%(city)s, %(country)s) — %(left)s places left",
                    place.places_left,
                )
                % {
                    "name": place.partner.name,
                    "city": place.partner.city,
                    "country": place.partner.country,
                    "left": place.places_left,
                },
            )
            for place in call.places.select_related("partner", "quota__agreement").order_by("partner__name")
        ]
        labels = [_("First choice"), _("Second choice (optional)"), _("Third choice (optional)")]
        for rank in range(1, MAX_CHOICES + 1):
            self.fields[f"choice_{rank}"] = forms.TypedChoiceField(
                label=labels[rank - 1],
                choices=[("", "—"), *partners],
                coerce=int,
                empty_value=None,
                required=rank == 1,
            )
        if self.instance.pk and not self.is_bound:
            for choice in self.instance.choices.all():
                self.initial[f"choice_{choice.rank}"] = choice.place.partner_id

    def _post_clean(self):
        # Model validation belongs to the service, which runs full_clean() on the real row.
        pass

    def field_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}

    def choices(self) -> list[int]:
        ranked = [self.cleaned_data.get(f"choice_{rank}") for rank in range(1, MAX_CHOICES + 1)]
        return [partner_id for partner_id in ranked if partner_id is not None]

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, aliases={"choices": "choice_1"})


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document kind"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": accept_attribute()}),
    )

    def __init__(self, *args, required_kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, not at import, so it follows the request's language and the current limit.
        self.fields["file"].help_text = _("PDF, JPEG or PNG, up to %(size)s.") % {
            "size": filesizeformat(settings.DOCUMENT_MAX_SIZE)
        }
        # The call's required kinds first: they are what the applicant is most likely uploading.
        kinds = {k: DocumentKind(k).label for k in APPLICATION_UPLOAD_KINDS}
        ordered = [k for k in required_kinds if k in kinds] + [k for k in kinds if k not in required_kinds]
        self.fields["kind"].choices = [(k, kinds[k]) for k in ordered]


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ApplicationStatus.choices]
    )
