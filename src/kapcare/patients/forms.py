"""Forms for the patient record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from kapcare.patients.models import NoteVisibility, Patient, Status, TeamRole
from kapcare.patients.services import EDITABLE_FIELDS


class PatientForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Patient
        fields = EDITABLE_FIELDS
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "emergency_contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "mrn": "Unique within this clinic; letters, digits and dashes.",
            "pronouns": "As the patient states them, e.g. she/her, they/them.",
            "date_of_birth": "Format YYYY-MM-DD.",
        }
        error_messages = {
            "date_of_birth": {"invalid": "Enter the date as YYYY-MM-DD, e.g. 1984-03-27."},
        }

    def clean_mrn(self) -> str:
        mrn = str(self.cleaned_data["mrn"]).strip().upper()
        if not mrn.replace("-", "").isalnum():
            raise forms.ValidationError(
                "Use only letters, digits and dashes (for example KC-1042)."
            )
        return mrn

    def clean_date_of_birth(self) -> dt.date:
        born: dt.date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born.year < today.year - 120:
            raise forms.ValidationError(f"Enter a date after {today.year - 120}.")
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("emergency_contact_phone") and not data.get("emergency_contact_name"):
            self.add_error("emergency_contact_name", "Add the name of the person at this number.")
        return data

    def validate_unique(self) -> None:
        """Uniqueness (MRN per clinic) is checked by the service, which knows the clinic."""


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name or MRN",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. Rivera or KC-1001"}),
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "All statuses"), *Status.choices]
    )
    mine = forms.BooleanField(label="Only my patients", required=False)


class TransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CareTeamForm(forms.Form):
    member = forms.ChoiceField(label="Staff member")
    team_role = forms.ChoiceField(label="Care-team role", choices=TeamRole.choices)

    def __init__(self, *args: Any, memberships: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member_field = self.fields["member"]
        assert isinstance(member_field, forms.ChoiceField)
        member_field.choices = [
            (m.pk, f"{m.user.full_name} ({m.get_role_display()})") for m in memberships
        ]


class NoteForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 8}))
    visibility = forms.ChoiceField(
        label="Who may read it",
        choices=NoteVisibility.choices,
        initial=NoteVisibility.CLINIC,
        help_text="Care-team notes are hidden from clinical staff outside the patient's care team.",
    )
