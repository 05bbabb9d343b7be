"""Forms of the selection pages. They parse input only; the services validate and write."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from accounts.roles import Role
from applications.models import Call
from selection.models import Criterion, SelectionSettings
from selection.services import COMMITTEE_ROLES, RULE_FIELDS


class SelectionRulesForm(forms.ModelForm):
    committee = forms.ModelMultipleChoiceField(
        label=_("Committee"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The members who enter scores on the score sheet."),
    )

    class Meta:
        model = SelectionSettings
        fields = [*RULE_FIELDS]

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        departments = list(call.departments.all())
        self.fields["department"].queryset = (
            Department.objects.filter(pk__in=[d.pk for d in departments]) if departments else Department.objects.all()
        )
        self.fields["committee"].queryset = (
            User.objects.filter(is_active=True, groups__name__in=[str(r) for r in COMMITTEE_ROLES])
            .filter(~Q(groups__name=Role.STUDENT) | Q(groups__name=Role.STAFF))
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["committee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        if self.instance.pk:
            self.initial.setdefault("committee", list(self.instance.committee.all()))

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in RULE_FIELDS}


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "max_score", "position"]
