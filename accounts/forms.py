from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, User


class ApiTokenForm(forms.Form):
    client = forms.CharField(
        label=_("Program or device"),
        max_length=ApiToken._meta.get_field("client").max_length,
        help_text=_("What will use the token, e.g. “Reporting script on the office PC”. Shown in the list below."),
    )


class LanguageForm(forms.Form):
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=User.Language.choices,
        help_text=_("The pages after you sign in, and every email and notification Körpü sends you."),
    )


class DeputyshipForm(forms.Form):
    """Name a deputy for a date range: the choice of people comes from accounts.selectors.deputy_candidates."""

    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=User.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Both days included. During them your deputy sees and decides your tasks on your behalf."),
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["deputy"].queryset = candidates
