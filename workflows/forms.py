"""The approver's decision form. It parses input only; task_decide validates and decides."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.forms import add_service_errors
from workflows.models import Decision


class DecisionForm(forms.Form):
    # The task the page was rendered for: a form left open on a decided task must not decide another.
    task_id = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you send the case back or reject it; the applicant sees it."),
    )

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)
