"""The approver's decision form. It parses input only; task_decide validates and decides."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.forms import add_service_errors
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


# The inbox's orders, on the inbox table (workflows.models.InboxEntry); each matches one of its indexes.
SORTS = {
    "due": (F("due_at").asc(nulls_last=True), "created", "task_id"),  # the default (overdue first): INBOX_ORDER
    "oldest": ("created", "task_id"),
    "newest": ("-created", "-task_id"),
}


class InboxFilterForm(forms.Form):
    """The inbox's filters (GET). Parses input only; workflows.selectors.inbox_filtered applies them."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, help_text=_("Name, title or case number"))
    kind = forms.ChoiceField(label=_("Kind of case"), required=False)
    step = forms.ChoiceField(label=_("Step"), required=False)
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)
    call = forms.TypedChoiceField(label=_("Call"), required=False, coerce=int, empty_value=None)
    partner = forms.TypedChoiceField(label=_("Partner"), required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due_before = forms.DateField(
        label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("due", _("Due date")), ("oldest", _("Waiting longest")), ("newest", _("Newest"))],
    )

    def __init__(self, *args, kinds=(), departments=(), calls=(), partners=(), **kwargs):
        """`calls` and `partners`: (id, name) of those the user's inbox holds (workflows.selectors.
        inbox_filter_choices)."""
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [("", _("All calls")), *self._with_chosen("call", calls)]
        self.fields["partner"].choices = [("", _("All partners")), *self._with_chosen("partner", partners)]
        self.fields["kind"].choices = [("", _("All kinds"))] + [(kind.key, kind.label) for kind in kinds]
        self.fields["step"].choices = [("", _("All steps"))] + [
            (f"{kind.key}:{name}", f"{kind.label} · {step.label}")
            for kind in kinds
            for name, step in kind.steps.items()
            if step.role is not None
        ]
        self.fields["department"].choices = [("", _("All departments"))] + [(d.pk, d.name) for d in departments]

    def _with_chosen(self, name: str, choices) -> list[tuple[int, str]]:
        """The choices, and the one asked for even when the inbox no longer holds it (a remembered filter whose
        cases were all decided): it then matches nothing instead of failing the whole filter. It is shown by its
        number only, so that the field names nothing the inbox does not hold."""
        choices = list(choices)
        value = str(self.data.get(name) or "").strip() if self.is_bound else ""
        if value.isdigit() and int(value) not in {pk for pk, _label in choices}:
            choices.append((int(value), f"#{value}"))
        return choices


class TaskIdsField(forms.Field):
    """The ids of the chosen tasks (checkboxes named "tasks"); each is checked by the service, one by one."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Choose at least one task."),
        "invalid": _("A chosen task is not a task number."),
    }

    def to_python(self, value):
        try:
            return [int(item) for item in value or ()]
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid")


class BulkDecisionForm(forms.Form):
    """Many tasks, one decision and one comment (POST)."""

    tasks = TaskIdsField(label=_("Tasks"))
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment for every chosen case"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to send back or reject; each applicant sees it."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
