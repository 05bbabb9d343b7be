"""Forms of the applicant's pages. They parse input only; the services validate and write."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from applications.models import Application, ApplicationStatus, Call, DocumentKind
from applications.services import EDITABLE_FIELDS, application_fields_for, application_number_ranges
from core.forms import add_service_errors
from core.numbers import apply_form_ranges
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
        # A staff call's form has no GPA or year of study; a student call's no teaching hours or host contact.
        self.call = call
        self.teaching_min_hours = settings.STAFF_TEACHING_MIN_HOURS_PER_WEEK
        for name in set(EDITABLE_FIELDS) - set(application_fields_for(call)):
            del self.fields[name]
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
        # Numbers out of range get the office's message ("GPA must be between 0 and 100"); the GPA's scale is shown.
        apply_form_ranges(self.fields, application_number_ranges())
        if "gpa" in self.fields:
            self.fields["gpa"].help_text = _("On the %(scale)s-point scale (0–%(scale)s).") % {
                "scale": settings.GPA_SCALE
            }

    def _post_clean(self):
        # Model validation belongs to the service, which runs full_clean() on the real row.
        pass

    def field_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in application_fields_for(self.call)}

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


class CaseFilterForm(StatusFilterForm):
    """The case list's filters (page and CSV export); applications.selectors.application_list_filtered applies them."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, help_text=_("Applicant or case number"))
    call = forms.TypedChoiceField(label=_("Call"), required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)
    partner = forms.TypedChoiceField(label=_("Partner"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, calls=(), departments=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [("", _("All calls"))] + [(c.pk, c.title) for c in calls]
        self.fields["department"].choices = [("", _("All departments"))] + [(d.pk, d.name) for d in departments]
        self.fields["partner"].choices = [("", _("All partners"))] + [(p.pk, p.name) for p in partners]

    def case_filter(self):
        from applications.selectors import CaseFilter

        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return CaseFilter(
            status=data.get("status") or "",
            call=data.get("call"),
            department=data.get("department"),
            partner=data.get("partner"),
            q=data.get("q") or "",
        )
