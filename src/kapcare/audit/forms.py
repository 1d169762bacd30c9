from __future__ import annotations

from typing import Any

from django import forms

from kapcare.audit.models import Action


class TrailFilterForm(forms.Form):
    mrn = forms.CharField(label="Patient MRN", required=False, max_length=32)
    actor = forms.ChoiceField(label="Person", required=False)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "All actions"), *Action.choices]
    )
    since = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD."},
    )
    until = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD."},
    )

    def __init__(self, *args: Any, people: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor_field = self.fields["actor"]
        assert isinstance(actor_field, forms.ChoiceField)
        actor_field.choices = [("", "Everyone"), *[(u.pk, u.full_name) for u in people]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date must be on or after the start date.")
        return data
