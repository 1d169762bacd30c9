"""Forms for inviting support persons and choosing what each may see."""

from __future__ import annotations

from typing import Any

from django import forms

from kapcare.support.models import Grant

GRANT_HELP = "Nothing else is ever shown to them: not your scores, journal or notes."


class GrantsForm(forms.Form):
    grants = forms.MultipleChoiceField(
        label="What they may see",
        choices=Grant.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=GRANT_HELP,
    )


class SupportInviteForm(GrantsForm):
    full_name = forms.CharField(label="Their name", max_length=200)
    relationship = forms.CharField(
        label="Who they are to you",
        max_length=60,
        help_text="For example: partner, sister, friend.",
    )
    email = forms.EmailField(label="Their email", required=False)
    phone = forms.CharField(label="Their phone", max_length=40, required=False)

    field_order = ["full_name", "relationship", "email", "phone", "grants"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error("email", "Give an email address or a phone number.")
        return data


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Your email", help_text="You sign in with it; the patient does not see it."
    )
