"""The forms of learning agreements' pages. They only parse input: the services check it (learning.content), and
their per-field errors (`mobility.start_date`, `components.2.ects`) are put back on these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.terms import CEFR_LEVELS
from learning.content import STAFF_ACTIVITIES, TERMS
from learning.models import DELETE_REASONS, INSERT_REASONS, ComponentTable, ReasonCode

TERM_CHOICES = [
    ("", "—"),
    ("fall", _("Fall semester")),
    ("spring", _("Spring semester")),
    ("full_year", _("Full academic year")),
    ("summer", _("Summer")),
]
assert [t for t, _label in TERM_CHOICES[1:]] == list(TERMS)


class MobilityForm(forms.Form):
    start_date = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    eqf_level = forms.TypedChoiceField(
        label=_("EQF level"),
        coerce=int,
        choices=[(5, "5"), (6, _("6 (bachelor)")), (7, _("7 (master)")), (8, _("8 (doctorate)"))],
    )
    isced_code = forms.CharField(label=_("ISCED-F code"), max_length=4, help_text=_("Four digits, e.g. 0613."))
    isced_clarification = forms.CharField(label=_("Field of study (clarification)"), required=False, max_length=255)
    language = forms.CharField(
        label=_("Language of instruction"), max_length=3, help_text=_("ISO 639 code, e.g. en, de.")
    )
    language_level = forms.ChoiceField(label=_("Your level in it (CEFR)"), choices=[(c, c) for c in CEFR_LEVELS])
    receiving_unit = forms.CharField(label=_("Receiving faculty or department"), required=False, max_length=255)


class ComponentForm(forms.Form):
    table = forms.ChoiceField(label=_("Table"), choices=ComponentTable.choices)
    code = forms.CharField(label=_("Code"), required=False, max_length=40)
    title = forms.CharField(label=_("Title"), required=False, max_length=255)
    ects = forms.CharField(label=_("ECTS"), required=False, max_length=6)
    term = forms.ChoiceField(label=_("Term"), choices=TERM_CHOICES, required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("title") or data.get("code") or data.get("ects"))


ComponentFormSet = forms.formset_factory(ComponentForm, extra=4, max_num=60)


class StaffForm(forms.Form):
    activity = forms.ChoiceField(label=_("Activity"), choices=[(a, a) for a in STAFF_ACTIVITIES])
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=200)
    programme = forms.CharField(label=_("Programme"), widget=forms.Textarea(attrs={"rows": 5}))
    outcomes = forms.CharField(label=_("Expected outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("What changed (for the other signers)"), required=False, max_length=1000)


class ContactForm(forms.Form):
    receiving_contact_name = forms.CharField(label=_("Receiving coordinator's name"), max_length=200)
    receiving_contact_email = forms.EmailField(label=_("Receiving coordinator's email"))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the rejection"), widget=forms.Textarea(attrs={"rows": 3}))


class LinkSignForm(forms.Form):
    signer_name = forms.CharField(label=_("Your name"), max_length=200)
    signer_role = forms.CharField(label=_("Your position"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("Reason, if you reject it"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RemovedForm(forms.Form):
    remove = forms.BooleanField(label=_("Remove"), required=False)
    reason_code = forms.ChoiceField(
        label=_("Reason"), required=False, choices=[("", "—")] + [(r.value, r.label) for r in DELETE_REASONS]
    )
    reason_text = forms.CharField(label=_("Reason explained"), required=False, max_length=500)


class AddedForm(ComponentForm):
    reason_code = forms.ChoiceField(
        label=_("Reason"), required=False, choices=[("", "—")] + [(r.value, r.label) for r in INSERT_REASONS]
    )
    reason_text = forms.CharField(label=_("Reason explained"), required=False, max_length=500)


AddedFormSet = forms.formset_factory(AddedForm, extra=3, max_num=20)


class ResultForm(forms.Form):
    grade = forms.CharField(label=_("Grade at the host"), required=False, max_length=20)
    credits_obtained = forms.DecimalField(
        label=_("Credits obtained"), required=False, max_digits=4, decimal_places=1, min_value=0
    )
    recognised = forms.NullBooleanField(label=_("Recognised"), required=False)
    recognised_credits = forms.DecimalField(
        label=_("Credits recognised"), required=False, max_digits=4, decimal_places=1, min_value=0
    )
    home_grade = forms.CharField(label=_("Grade at home"), required=False, max_length=20)


def errors_onto(
    error_dict: dict[str, list[Any]], *, mobility: forms.Form, components: Any = None, staff: forms.Form | None = None
) -> list[str]:
    """Put a service's errors keyed by path onto the forms' fields; returns the messages no field took."""
    leftover = []
    for path, messages in error_dict.items():
        parts = path.split(".")
        target, field = None, None
        if parts[0] == "mobility" and len(parts) == 2 and parts[1] in mobility.fields:
            target, field = mobility, parts[1]
        elif parts[0] == "staff" and staff is not None and len(parts) == 2 and parts[1] in staff.fields:
            target, field = staff, parts[1]
        elif parts[0] in ("components", "added") and components is not None and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            forms_ = list(components)
            if index < len(forms_) and parts[2] in forms_[index].fields:
                target, field = forms_[index], parts[2]
        for message in messages:
            text = (
                message.message % message.params
                if getattr(message, "params", None)
                else getattr(message, "message", str(message))
            )
            if target is not None:
                target.add_error(field, text)
            else:
                leftover.append(str(text))
    return leftover


__all__ = ["ReasonCode"]
