"""The bladder checklist form and the clinic's exposure settings form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from kapcare.clinical import bladder_check as checklist
from kapcare.exposure.services import NOTES_MAX

YES_NO = [("yes", "Yes"), ("no", "No")]


class BladderCheckForm(forms.Form):
    """One yes/no question per symptom; every question must be answered."""

    notes = forms.CharField(
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Notes",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, question in checklist.ITEMS:
            self.fields[key] = forms.ChoiceField(
                label=question,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": "Answer yes or no."},
            )
        self.order_fields([*checklist.KEYS, "notes"])

    def answers(self) -> dict[str, bool]:
        return {key: self.cleaned_data[key] == "yes" for key in checklist.KEYS}

    def questions(self) -> list[forms.BoundField]:
        return [self[key] for key in checklist.KEYS]


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="What was decided",
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write what was decided (for example, tests ordered)."},
    )


class ExposureSettingsForm(forms.Form):
    """Every limit may be left empty: no warning until the clinic sets a number."""

    week_mg_limit = forms.DecimalField(
        label="Warn when the last 7 days total more than (mg)",
        required=False,
        min_value=1,
        max_value=99999,
        decimal_places=1,
    )
    month_mg_limit = forms.DecimalField(
        label="Warn when the last 30 days total more than (mg)",
        required=False,
        min_value=1,
        max_value=99999,
        decimal_places=1,
    )
    course_mg_limit = forms.DecimalField(
        label="Warn when the course totals more than (mg)",
        required=False,
        min_value=1,
        max_value=999999,
        decimal_places=1,
    )
    session_mg_per_kg_notice = forms.DecimalField(
        label="Flag a session above (mg/kg)",
        required=False,
        min_value=Decimal("0.01"),
        max_value=50,
        decimal_places=2,
    )
    bladder_check_every_weeks = forms.IntegerField(
        label="Bladder check every (weeks of a course)",
        required=False,
        min_value=1,
        max_value=52,
    )
    bladder_check_every_sessions = forms.IntegerField(
        label="Bladder check every (dosing sessions)",
        required=False,
        min_value=1,
        max_value=100,
    )
    reason = forms.CharField(
        label="Why the settings change",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when a value changes; kept in the audit trail.",
    )
