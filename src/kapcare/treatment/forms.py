"""Forms for plans and appointments; each message names the field and what is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from kapcare.accounts.models import Membership
from kapcare.treatment.models import Room


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class PlanForm(forms.Form):
    indication = forms.CharField(max_length=200)
    goals = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One goal a line, in the patient's own words.",
    )
    induction_sessions = forms.IntegerField(label="Dosing sessions in induction", min_value=1)
    min_spacing_days = forms.IntegerField(label="Minimum days between doses", min_value=1)
    max_spacing_days = forms.IntegerField(
        label="Maximum days between doses", min_value=1, required=False
    )
    dose_starting = forms.DecimalField(label="Starting dose", min_value=Decimal("0"))
    titration_step = forms.DecimalField(
        label="Titration step", min_value=Decimal("0"), help_text="0 means no titration."
    )
    per_session_cap = forms.DecimalField(label="Per-session cap", min_value=Decimal("0"))
    course_cap = forms.DecimalField(label="Course cap", min_value=Decimal("0"), required=False)
    preparation_sessions = forms.IntegerField(label="Preparation sessions", min_value=0)
    integration_every_n_doses = forms.IntegerField(
        label="Integration after every N doses", min_value=1, required=False
    )
    reassessment_after_sessions = forms.IntegerField(
        label="Reassess after dosing session", min_value=1
    )
    stop_criteria = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, help_text="One criterion a line."
    )

    def __init__(self, *args: Any, unit: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("dose_starting", "titration_step", "per_session_cap", "course_cap"):
            self.fields[name].help_text = (
                f"In {unit.replace('_per_', '/')}. " + str(self.fields[name].help_text or "")
            ).strip()

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["goals"] = _lines(data["goals"])
        data["stop_criteria"] = _lines(data["stop_criteria"])
        return data


def _staff_label(member: Any) -> str:
    return f"{member.user.full_name} ({member.get_role_display()})"


class GenerateForm(forms.Form):
    start = forms.DateField(
        label="First appointment on or after",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    staff = forms.ModelChoiceField(queryset=Membership.objects.none(), label="Clinician")
    room = forms.ModelChoiceField(queryset=Room.objects.none(), label="Room for dosing sessions")

    def __init__(self, *args: Any, clinic: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = self.fields["staff"]
        assert isinstance(staff, forms.ModelChoiceField)
        staff.queryset = (
            Membership.objects.filter(clinic=clinic, is_active=True)
            .exclude(role="admin")
            .select_related("user")
            .order_by("user__full_name")
        )
        staff.label_from_instance = _staff_label  # type: ignore[method-assign,assignment]
        room = self.fields["room"]
        assert isinstance(room, forms.ModelChoiceField)
        room.queryset = Room.objects.filter(clinic=clinic, is_active=True)


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Reason")
    no_show = forms.BooleanField(required=False, label="The patient did not come (no-show)")


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class ScheduleForm(forms.Form):
    open_weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple, label="Open weekdays"
    )
    closed_dates = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Closed dates",
        help_text="One date a line, as YYYY-MM-DD (holidays, training days).",
    )
    preferred_time = forms.TimeField(
        label="Usual start time", widget=forms.TimeInput(attrs={"type": "time"})
    )
    reminder_hours = forms.CharField(
        label="Reminders, hours before",
        help_text="Comma-separated, for example 48, 24.",
    )
    fasting_hours = forms.IntegerField(
        label="No food for this many hours before dosing", min_value=0, max_value=24
    )

    def clean_closed_dates(self) -> list[Any]:
        import datetime as dt

        days = []
        for line in _lines(self.cleaned_data["closed_dates"]):
            try:
                days.append(dt.date.fromisoformat(line))
            except ValueError:
                raise forms.ValidationError(
                    f"{line!r} is not a date; write dates as YYYY-MM-DD."
                ) from None
        return days

    def clean_reminder_hours(self) -> list[int]:
        hours = []
        for part in self.cleaned_data["reminder_hours"].split(","):
            part = part.strip()
            if not part.isdigit() or not 1 <= int(part) <= 168:
                raise forms.ValidationError(
                    f"{part!r} is not allowed; use whole hours from 1 to 168, comma-separated."
                )
            hours.append(int(part))
        return hours


class RoomForm(forms.Form):
    name = forms.CharField(max_length=100)
    capacity = forms.IntegerField(min_value=1, max_value=20, initial=1)
    equipment_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Equipment"
    )


class ChecklistForm(forms.Form):
    """The patient's checklist: one tick per item, plus escort and intention."""

    escort_name = forms.CharField(max_length=200, required=False, label="Who takes you home")
    escort_phone = forms.CharField(max_length=40, required=False, label="Their phone number")
    intention = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Your intention for the session",
        help_text="In your own words: what you hope to explore or let go of.",
    )

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_keys = [key for key, _ in items]
        for key, label in items:
            self.fields[f"item_{key}"] = forms.BooleanField(required=False, label=label)

    def ticked(self) -> set[str]:
        return {k for k in self.item_keys if self.cleaned_data.get(f"item_{k}")}


class PreparationNoteForm(forms.Form):
    expectations = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    fears = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    intention = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    practice_taught = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Mindfulness or breathing practice taught",
    )
    safety_plan = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Safety plan")


class ReassessmentForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("continue", "Continue the course"),
            ("maintenance", "Move to maintenance"),
            ("complete", "Complete the course"),
            ("stop", "Stop treatment"),
        ],
        widget=forms.RadioSelect,
    )
    maintenance_spacing_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=90,
        label="Days between maintenance sessions",
        help_text="Only for maintenance.",
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why")


class SlotForm(forms.Form):
    """One appointment in clinic-local date and time; the kind only when booking."""

    kind = forms.ChoiceField(
        choices=[
            ("dosing", "Dosing"),
            ("preparation", "Preparation"),
            ("integration", "Integration"),
            ("consultation", "Consultation"),
            ("follow_up", "Follow-up"),
        ]
    )
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label="Start time", widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=5,
        max_value=720,
        required=False,
        help_text="Empty: the usual length (dosing covers the observation period).",
    )
    staff = forms.ModelChoiceField(
        queryset=Membership.objects.none(), label="Clinician", required=False
    )
    room = forms.ModelChoiceField(queryset=Room.objects.none(), label="Room", required=False)

    def __init__(self, *args: Any, clinic: Any, moving: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if moving:
            del self.fields["kind"]
        staff = self.fields["staff"]
        assert isinstance(staff, forms.ModelChoiceField)
        staff.queryset = (
            Membership.objects.filter(clinic=clinic, is_active=True)
            .exclude(role="admin")
            .select_related("user")
            .order_by("user__full_name")
        )
        staff.label_from_instance = _staff_label  # type: ignore[method-assign,assignment]
        room = self.fields["room"]
        assert isinstance(room, forms.ModelChoiceField)
        room.queryset = Room.objects.filter(clinic=clinic, is_active=True)
