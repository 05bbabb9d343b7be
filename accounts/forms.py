from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken


class ApiTokenForm(forms.Form):
    client = forms.CharField(
        label=_("Program or device"),
        max_length=ApiToken._meta.get_field("client").max_length,
        help_text=_("What will use the token, e.g. “Reporting script on the office PC”. Shown in the list below."),
    )
