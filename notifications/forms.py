"""The preferences form: one checkbox per configurable kind and channel, and the digest opt-in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import CONFIGURABLE_KINDS, Channel


def field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class PreferencesForm(forms.Form):
    digest = forms.BooleanField(
        label=_("Daily digest"),
        required=False,
        help_text=_("One email each morning listing your waiting tasks, instead of one email per task."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in CONFIGURABLE_KINDS:
            for channel in (Channel.EMAIL, Channel.IN_APP):
                self.fields[field_name(kind, channel)] = forms.BooleanField(required=False)

    @classmethod
    def initial_from(cls, preferences: dict) -> dict:
        initial = {"digest": preferences["digest"]}
        for row in preferences["rows"]:
            if not row["mandatory"]:
                initial[field_name(row["kind"], Channel.EMAIL)] = row["email"]
                initial[field_name(row["kind"], Channel.IN_APP)] = row["in_app"]
        return initial

    def enabled_pairs(self) -> set[tuple[str, str]]:
        return {
            (kind, channel)
            for kind in CONFIGURABLE_KINDS
            for channel in (Channel.EMAIL, Channel.IN_APP)
            if self.cleaned_data.get(field_name(kind, channel))
        }
