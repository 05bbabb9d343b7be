"""Forms of the agreement's EWP page: a partner's XML file (their copy of the IIA or their approval of ours), a
URL for the worker to fetch one from (when enabled), the approval of the partner's copy."""

from django import forms
from django.utils.translation import gettext_lazy as _


class EwpFileForm(forms.Form):
    file = forms.FileField(
        label=_("XML file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )


class EwpFetchForm(forms.Form):
    url = forms.URLField(label=_("URL (https)"), max_length=1000, assume_scheme="https")
    kind = forms.ChoiceField(
        label=_("What it serves"),
        choices=[("copy", _("The partner's IIA (get response)")), ("approval", _("The partner's approval"))],
    )


class EwpApproveForm(forms.Form):
    iia_hash = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
