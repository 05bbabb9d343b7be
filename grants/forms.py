"""Forms of the rate tables page: the table's fields, and per country group its two rates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.models import CountryGroup, RateTable


class RateTableForm(forms.ModelForm):
    class Meta:
        model = RateTable
        fields = ["programme", "academic_year", "currency", "fewer_opportunities_monthly", "green_travel_amount"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {r.group_id: r for r in self.instance.rates.all()} if self.instance.pk else {}
        self.groups = list(CountryGroup.objects.order_by("code"))
        for group in self.groups:
            rate = current.get(group.pk)
            self.fields[f"monthly_{group.pk}"] = forms.DecimalField(
                label=_("%(group)s: students per month") % {"group": group.code},
                min_value=Decimal("0"),
                max_digits=9,
                decimal_places=2,
                required=False,
                initial=rate.student_monthly if rate else None,
            )
            self.fields[f"daily_{group.pk}"] = forms.DecimalField(
                label=_("%(group)s: staff per day") % {"group": group.code},
                min_value=Decimal("0"),
                max_digits=9,
                decimal_places=2,
                required=False,
                initial=rate.staff_daily if rate else None,
            )

    def validate_unique(self) -> None:
        pass  # the service checks (one table per programme and year) and answers per field

    def rates(self) -> dict[int, tuple[Decimal, Decimal]]:
        """{group id: (per month, per day)} for each group with both rates given."""
        found = {}
        for group in self.groups:
            monthly, daily = self.cleaned_data.get(f"monthly_{group.pk}"), self.cleaned_data.get(f"daily_{group.pk}")
            if monthly is not None and daily is not None:
                found[group.pk] = (monthly, daily)
        return found

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def group_rows(self) -> list[tuple[CountryGroup, Any, Any]]:
        return [(g, self[f"monthly_{g.pk}"], self[f"daily_{g.pk}"]) for g in self.groups]
