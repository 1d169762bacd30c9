"""Forms for measures: assigning, acknowledging, settings, and reading a questionnaire.

A questionnaire is not a Django form class: its items come from the versioned
definition, and checking the answers is the pure core's job. ``read_answers``
only turns posted strings into values and names every unanswered item, so that a
patient sees all missing questions at once rather than one per try.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.http import QueryDict

from kapcare.clinical.instruments import DEFINITIONS, InstrumentDefinition
from kapcare.clinical.instruments.model import Item, ItemKind
from kapcare.measures.models import RECURRING, SESSION_LINKED, MeasuresSettings, ScheduleKind

MISSING = "Please answer this question."


def field_name(item: Item) -> str:
    return f"item-{item.key}"


def item_title(item: Item) -> str:
    """How an error names an item for a person: "Question 3", "The difficulty question"."""
    return f"Question {item.key}" if item.number is not None else "The last question"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class ItemView:
    """One question as the template draws it."""

    item: Item
    name: str
    title: str
    kind: str
    choices: list[Choice]
    value: str
    error: str
    optional: bool


def read_answers(
    definition: InstrumentDefinition, data: QueryDict
) -> tuple[dict[str, Any], dict[str, str]]:
    """Posted strings to answer values, and an error for every required item left blank.

    Values that are not numbers are passed on as given, so the pure validator names
    the item and its allowed values.
    """
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in definition.items:
        name = field_name(item)
        if item.kind == ItemKind.CHECKLIST:
            answers[item.key] = data.getlist(name)  # nothing ticked means "none of these"
            continue
        raw = (data.get(name) or "").strip()
        if not raw:
            if item.required:
                errors[item.key] = MISSING
            continue
        answers[item.key] = _value(item, raw)
    return answers, errors


def _value(item: Item, raw: str) -> Any:
    if item.kind == ItemKind.TEXT:
        return raw
    try:
        return int(raw) if item.kind == ItemKind.CHOICE else float(raw)
    except ValueError:
        return raw


def draft_values(data: QueryDict, definition: InstrumentDefinition) -> dict[str, Any]:
    """What a draft keeps: the posted strings of this instrument's items."""
    values: dict[str, Any] = {}
    for item in definition.items:
        name = field_name(item)
        if item.kind == ItemKind.CHECKLIST:
            values[item.key] = data.getlist(name)
        elif data.get(name):
            values[item.key] = data.get(name)
    return values


def item_views(
    definition: InstrumentDefinition, values: dict[str, Any], errors: dict[str, str]
) -> list[ItemView]:
    views = []
    for item in definition.items:
        value = values.get(item.key)
        if item.kind == ItemKind.CHECKLIST:
            ticked = {str(v) for v in (value or [])}
            choices = [Choice(o.code, o.label, o.code in ticked) for o in item.checklist]
        else:
            choices = [
                Choice(str(o.value), o.label, value is not None and str(value) == str(o.value))
                for o in item.options
            ]
        views.append(
            ItemView(
                item=item,
                name=field_name(item),
                title=item_title(item),
                kind=item.kind.value,
                choices=choices,
                value="" if value is None or isinstance(value, list) else str(value),
                error=errors.get(item.key, ""),
                optional=not item.required,
            )
        )
    return views


def error_summary(
    definition: InstrumentDefinition, errors: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(field id, item title, message) in item order, for the list at the top of the form."""
    rows = [
        (field_name(item), item_title(item), errors[item.key])
        for item in definition.items
        if item.key in errors
    ]
    return rows + [("", "", m) for key, m in errors.items() if key not in definition.item_keys]


# Staff forms ---------------------------------------------------------------------


class AssignmentForm(forms.Form):
    instrument = forms.ChoiceField(
        label="Questionnaire",
        choices=[(key, f"{d.abbreviation} — {d.title}") for key, d in DEFINITIONS.items()],
    )
    schedule = forms.ChoiceField(label="When", choices=ScheduleKind.choices)
    interval = forms.IntegerField(
        label="Every how many (days or weeks)",
        required=False,
        min_value=1,
        max_value=365,
        help_text="Only for “every N days” or “every N weeks”.",
    )
    due_date = forms.DateField(
        label="Due by (first due date for repeats)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Not needed for questionnaires given around dosing sessions.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("schedule")
        if kind in RECURRING and not data.get("interval"):
            self.add_error("interval", "Enter how often it repeats, for example 2.")
        if kind and kind not in SESSION_LINKED and not data.get("due_date"):
            self.add_error("due_date", "Enter the date it is due.")
        return data

    def due_at(self, zone: ZoneInfo) -> dt.datetime | None:
        """The end of the chosen day in the clinic's time zone: "due 3 March" means that night."""
        day = self.cleaned_data.get("due_date")
        if day is None or self.cleaned_data.get("schedule") in SESSION_LINKED:
            return None
        return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=zone)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="What was done",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: called the patient, safety plan reviewed, follow-up booked.",
        error_messages={"required": "Write what was done before acknowledging the alert."},
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Why the answers are corrected",
        max_length=1000,
        error_messages={"required": "Say why the answers are being corrected."},
    )


class PaperEntryForm(forms.Form):
    answered_on = forms.DateField(
        label="Date the patient filled in the paper form",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def answered_at(self, zone: ZoneInfo) -> dt.datetime:
        return dt.datetime.combine(self.cleaned_data["answered_on"], dt.time(12, 0), tzinfo=zone)


class MeasuresSettingsForm(forms.ModelForm):
    class Meta:
        model = MeasuresSettings
        fields = [
            "escalate_after_minutes",
            "patients_see_progress",
            "off_track_after_sessions",
            "pcl5_cutoff",
        ]
        labels = {
            "escalate_after_minutes": "Escalate an unacknowledged item-9 alert after (minutes)",
            "patients_see_progress": "Patients see their own progress in the portal",
            "off_track_after_sessions": "Off track after this many dosing sessions",
        }
        widgets = {
            "escalate_after_minutes": forms.NumberInput(attrs={"min": 5, "max": 1440}),
            "off_track_after_sessions": forms.NumberInput(attrs={"min": 1, "max": 50}),
            "pcl5_cutoff": forms.NumberInput(attrs={"min": 1, "max": 80}),
        }
