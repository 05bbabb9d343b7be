"""Forms of the office's call pages. They parse input only; applications.call_services validates and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from accounts.roles import has_role, user_department_ids
from applications.call_services import CALL_FIELDS, CALL_FIELDS_LOCKED_ONCE_APPLIED
from applications.models import Call
from applications.permissions import CALL_OFFICE_ROLES
from core.forms import add_service_errors
from documents.models import APPLICATION_UPLOAD_KINDS, DocumentKind
from partners.models import PartnerInstitution


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CallForm(forms.ModelForm):
    """A call's fields; its required documents are ticked from the kinds an applicant may upload, its departments
    from those the user may manage calls for (the prorector's office: any, or none for a university-wide call)."""

    required_documents = forms.MultipleChoiceField(
        label=_("Required documents"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(kind, DocumentKind(kind).label) for kind in APPLICATION_UPLOAD_KINDS],
        help_text=_("What every application must carry before it can be submitted."),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments managing the call"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Call
        fields = [name for name in CALL_FIELDS if name != "required_documents"]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "eligibility_notes": forms.Textarea(attrs={"rows": 3}),
            "selection_mode": forms.RadioSelect,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        office = has_role(user, *CALL_OFFICE_ROLES)
        departments = Department.objects.order_by("name")
        if not office:
            departments = departments.filter(pk__in=user_department_ids(user))
        self.fields["departments"].queryset = departments
        self.fields["departments"].help_text = (
            _("Their coordinators manage the call. None: a university-wide call, managed by the prorector's office.")
            if office
            else _("You manage calls of your own departments.")
        )
        if self.instance.pk and self.instance.applications.exists():
            # What the call's applications were made under is locked (call_services refuses it too).
            for name in CALL_FIELDS_LOCKED_ONCE_APPLIED:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Locked: someone has applied to the call.")
        if self.instance.pk and not self.is_bound:
            self.initial["required_documents"] = list(self.instance.required_documents)
            self.initial["departments"] = list(self.instance.departments.all())
        elif not self.instance.pk and not self.is_bound and not office and departments.count() == 1:
            self.initial["departments"] = list(departments)

    def _post_clean(self):
        # Model validation belongs to the service, which runs full_clean() on the real row.
        pass

    def call_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in CALL_FIELDS}

    def add_service_errors(self, error) -> None:
        add_service_errors(self, error)


class PlacesByHandForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=PartnerInstitution.objects.order_by("name"))
    places = forms.IntegerField(label=_("Places"), min_value=0, max_value=999)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Shown on the call's page, e.g. “bilateral agreement renewed by email; 2 places confirmed”."),
    )

    def add_service_errors(self, error) -> None:
        add_service_errors(self, error)
