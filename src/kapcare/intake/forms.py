"""The intake, one form per section; every refusal names the field and what is allowed.

A section form turns its cleaned data into the JSON stored on the intake
(``to_data``) and back (``initial_from``), so the stored shape is decided here
and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from kapcare.intake import vocabulary as v

_NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}
_DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}


def _range_messages(low: Any, high: Any, unit: str) -> dict[str, str]:
    allowed = f"Enter a number from {low} to {high} {unit}."
    return {"min_value": allowed, "max_value": allowed, "invalid": allowed}


class SectionForm(forms.Form):
    """A section of the intake. ``fields_stored`` are copied to and from the JSON as they are."""

    slug: ClassVar[str]
    title: ClassVar[str]

    def to_data(self) -> dict[str, Any]:
        return {name: _jsonable(value) for name, value in self.cleaned_data.items()}

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        return dict(data)


def plain_decimal(value: Decimal) -> str:
    """A decimal as people write it: 170, 0.5, never 1.7E+2 or 170.0."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


class ConcernsForm(SectionForm):
    slug = "concerns"
    title = "Why you are here"

    referral_reason = forms.CharField(
        label="In your own words, what brings you to the clinic?",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    primary_concerns = forms.MultipleChoiceField(
        label="What would you most like help with?",
        choices=v.CONCERNS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the list: %(value)s is not one of them."},
    )
    other_concern = forms.CharField(
        label="If something else, what?", max_length=200, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "other" in data.get("primary_concerns", []) and not data.get("other_concern"):
            self.add_error("other_concern", "Tell us briefly what else you would like help with.")
        return data


class PriorTreatmentsForm(SectionForm):
    slug = "prior_treatments"
    title = "Treatments you have tried"

    antidepressant_trials = forms.IntegerField(
        label="How many antidepressants have you tried?",
        min_value=0,
        max_value=30,
        required=False,
        widget=forms.NumberInput(attrs=_NUMERIC),
        error_messages=_range_messages(0, 30, "medicines"),
    )
    antidepressant_names = forms.CharField(
        label="Which ones, if you remember", max_length=500, required=False
    )
    psychotherapy = forms.BooleanField(label="Talking therapy (psychotherapy)", required=False)
    ect = forms.BooleanField(label="Electroconvulsive therapy (ECT)", required=False)
    tms = forms.BooleanField(label="Transcranial magnetic stimulation (TMS)", required=False)
    prior_ketamine = forms.BooleanField(label="Ketamine or esketamine treatment", required=False)
    prior_ketamine_details = forms.CharField(
        label="If ketamine: where, when, and how it went",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _parse_dates(text: str) -> list[dt.date]:
    today = timezone.localdate()
    dates = []
    for line in text.replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            day = dt.date.fromisoformat(line)
        except ValueError:
            raise forms.ValidationError(
                f"{line!r} is not a date: write one date per line as YYYY-MM-DD, e.g. 2019-06-30."
            ) from None
        if not dt.date(1900, 1, 1) <= day <= today:
            raise forms.ValidationError(f"{line} must be between 1900-01-01 and today.")
        dates.append(day)
    return sorted(dates)


class PsychiatricForm(SectionForm):
    slug = "psychiatric"
    title = "Mental health history"

    psychosis = forms.ChoiceField(
        label="Have you ever had psychosis (seeing or hearing things others did not)?",
        choices=v.YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    mania = forms.ChoiceField(
        label="Have you ever had mania, or been told you have bipolar disorder?",
        choices=v.YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    suicide_attempt_dates = forms.CharField(
        label="If you have ever attempted suicide, when? One date per line (YYYY-MM-DD)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Leave empty if never. An approximate date is fine.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in v.SUBSTANCES:
            self.fields[f"substance_{key}"] = forms.ChoiceField(
                label=f"{label}: do you use it?",
                choices=v.SUBSTANCE_USE,
                required=False,
                error_messages={
                    "invalid_choice": "Choose one of: "
                    + ", ".join(label for _, label in v.SUBSTANCE_USE)
                    + "."
                },
            )
        self.fields["substance_notes"] = forms.CharField(
            label="Anything you want us to know about alcohol or drug use",
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def clean_suicide_attempt_dates(self) -> list[dt.date]:
        return _parse_dates(self.cleaned_data.get("suicide_attempt_dates") or "")

    @classmethod
    def initial_from(cls, data: dict[str, Any]) -> dict[str, Any]:
        initial = dict(data)
        initial["suicide_attempt_dates"] = "\n".join(data.get("suicide_attempt_dates") or [])
        return initial


class MedicalForm(SectionForm):
    slug = "medical"
    title = "Medical history"

    conditions = forms.MultipleChoiceField(
        label="Have you ever had any of these?",
        choices=list(v.CONDITION_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the list: %(value)s is not one of them."},
    )
    other_conditions = forms.CharField(
        label="Other illnesses or operations",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    allergies = forms.CharField(
        label="Allergies (medicines, foods, latex) and what happens",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    no_known_allergies = forms.BooleanField(label="I have no known allergies", required=False)
    pregnant = forms.ChoiceField(
        label="Are you pregnant, or could you be?",
        choices=v.PREGNANCY_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    breastfeeding = forms.ChoiceField(
        label="Are you breastfeeding?",
        choices=v.PREGNANCY_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("no_known_allergies") and data.get("allergies"):
            self.add_error("allergies", "You ticked 'no known allergies': clear one of the two.")
        return data


class VitalsForm(SectionForm):
    slug = "vitals"
    title = "Blood pressure, pulse, weight and height"

    systolic_bp = forms.IntegerField(
        label="Blood pressure, top number (systolic, mmHg)",
        min_value=v.SYSTOLIC_RANGE[0],
        max_value=v.SYSTOLIC_RANGE[1],
        required=False,
        widget=forms.NumberInput(attrs=_NUMERIC),
        error_messages=_range_messages(*v.SYSTOLIC_RANGE, "mmHg"),
    )
    diastolic_bp = forms.IntegerField(
        label="Blood pressure, bottom number (diastolic, mmHg)",
        min_value=v.DIASTOLIC_RANGE[0],
        max_value=v.DIASTOLIC_RANGE[1],
        required=False,
        widget=forms.NumberInput(attrs=_NUMERIC),
        error_messages=_range_messages(*v.DIASTOLIC_RANGE, "mmHg"),
    )
    heart_rate = forms.IntegerField(
        label="Resting pulse (beats per minute)",
        min_value=v.HEART_RATE_RANGE[0],
        max_value=v.HEART_RATE_RANGE[1],
        required=False,
        widget=forms.NumberInput(attrs=_NUMERIC),
        error_messages=_range_messages(*v.HEART_RATE_RANGE, "bpm"),
    )
    weight = forms.DecimalField(
        label="Weight",
        max_digits=6,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={**_DECIMAL, "step": "0.1"}),
    )
    weight_unit = forms.ChoiceField(
        label="Weight unit", choices=(("kg", "kg"), ("lb", "lb")), initial="kg"
    )
    height = forms.DecimalField(
        label="Height",
        max_digits=5,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={**_DECIMAL, "step": "0.1"}),
    )
    height_unit = forms.ChoiceField(
        label="Height unit", choices=(("cm", "cm"), ("in", "inches")), initial="cm"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        systolic, diastolic = data.get("systolic_bp"), data.get("diastolic_bp")
        if systolic is not None and diastolic is not None and diastolic >= systolic:
            self.add_error(
                "diastolic_bp",
                f"The bottom number must be lower than the top number ({systolic}): "
                f"allowed {v.DIASTOLIC_RANGE[0]} to {systolic - 1} mmHg.",
            )
        self._check_measure(
            data, "weight", "weight_unit", {"kg": Decimal(1), "lb": v.KG_PER_LB}, v.WEIGHT_RANGE_KG
        )
        self._check_measure(
            data, "height", "height_unit", {"cm": Decimal(1), "in": v.CM_PER_IN}, v.HEIGHT_RANGE_CM
        )
        return data

    def _check_measure(
        self,
        data: dict[str, Any],
        name: str,
        unit_field: str,
        factors: dict[str, Decimal],
        bounds: tuple[Decimal, Decimal],
    ) -> None:
        value, unit = data.get(name), data.get(unit_field)
        if value is None or unit not in factors:
            return
        low, high = (b / factors[unit] for b in bounds)
        if not bounds[0] <= value * factors[unit] <= bounds[1]:
            self.add_error(name, f"Allowed: {low:.0f} to {high:.0f} {unit}.")

    def to_data(self) -> dict[str, Any]:
        data = super().to_data()
        cleaned = self.cleaned_data
        if cleaned.get("weight") is not None:
            factor = v.KG_PER_LB if cleaned["weight_unit"] == "lb" else Decimal(1)
            data["weight_kg"] = str((cleaned["weight"] * factor).quantize(Decimal("0.1")))
        if cleaned.get("height") is not None:
            factor = v.CM_PER_IN if cleaned["height_unit"] == "in" else Decimal(1)
            data["height_cm"] = str((cleaned["height"] * factor).quantize(Decimal("0.1")))
        return data


class MedicationForm(forms.Form):
    """One current medication; the intake keeps a list of them."""

    name = forms.CharField(label="Medicine name", max_length=120)
    dose = forms.DecimalField(
        label="Dose per time taken",
        min_value=v.DOSE_RANGE[0],
        max_value=v.DOSE_RANGE[1],
        max_digits=10,
        decimal_places=3,
        widget=forms.NumberInput(attrs={**_DECIMAL, "step": "any"}),
        error_messages=_range_messages(*v.DOSE_RANGE, "(in the unit you choose)"),
    )
    unit = forms.ChoiceField(
        label="Unit",
        choices=[(u, u) for u in v.DOSE_UNITS],
        error_messages={"invalid_choice": f"Choose one of: {', '.join(v.DOSE_UNITS)}."},
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=[(k, label) for k, (label, _) in v.FREQUENCIES.items()],
        error_messages={
            "invalid_choice": "Choose one of: "
            + ", ".join(label for label, _ in v.FREQUENCIES.values())
            + "."
        },
    )
    drug_class = forms.ChoiceField(
        label="Kind of medicine",
        choices=list(v.MEDICATION_CLASS_LABELS.items()),
        error_messages={
            "invalid_choice": "Unknown medication class %(value)s. Allowed values: "
            + ", ".join(v.MEDICATION_CLASS_LABELS)
            + "."
        },
        help_text="Not sure? Choose 'Something else / not sure'; the clinic will check.",
    )


class EmergencyContactForm(SectionForm):
    slug = "emergency_contact"
    title = "Emergency contact"

    name = forms.CharField(label="Name", max_length=200, required=False)
    relationship = forms.CharField(label="Relationship to you", max_length=60, required=False)
    phone = forms.CharField(
        label="Phone",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("phone") and not data.get("name"):
            self.add_error("name", "Add the name of the person at this number.")
        return data


SECTIONS: dict[str, type[SectionForm]] = {
    form.slug: form
    for form in (
        ConcernsForm,
        PriorTreatmentsForm,
        PsychiatricForm,
        MedicalForm,
        VitalsForm,
        EmergencyContactForm,
    )
}
MEDICATIONS = "medications"
SECTION_TITLES = {
    **{slug: form.title for slug, form in SECTIONS.items()},
    MEDICATIONS: "Current medicines",
}


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label="The answers above are true and complete as far as I know",
        error_messages={"required": "Tick the box to confirm your answers before sending them."},
    )
