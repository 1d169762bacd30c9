"""The ledger's forms: what a nurse types; the services decide what is allowed.

Quantities are text fields so that the services' own messages (in the lot's unit)
are the ones shown. The witness types their own password on the same tablet;
the field is never redisplayed and the browser is asked not to remember it.
"""

from __future__ import annotations

from typing import Any

from django import forms

from kapcare.controlled.models import FORM_CHOICES

DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}


class ReceiveForm(forms.Form):
    product = forms.CharField(max_length=120, help_text="For example: Ketamine HCl 10 mg/mL")
    form = forms.ChoiceField(choices=FORM_CHOICES, label="Form")
    strength_mg = forms.CharField(
        label="Strength (mg per mL, per device or per tablet)", widget=forms.TextInput(DECIMAL)
    )
    lot_number = forms.CharField(max_length=60, label="Lot number")
    expiry = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Expiry")
    location = forms.CharField(max_length=80, label="Safe or cabinet", initial="Main safe")
    quantity = forms.CharField(
        label="Quantity received (mL for vials, else devices or tablets)",
        widget=forms.TextInput(DECIMAL),
    )
    supplier = forms.CharField(max_length=120, required=False)
    reason = forms.CharField(
        label="Invoice or order reference", required=False, widget=forms.TextInput()
    )


class WitnessedForm(forms.Form):
    """A form a second person confirms by choosing their name and typing their password."""

    witness = forms.ChoiceField(label="Witness")
    witness_password = forms.CharField(
        label="Witness's password (typed by the witness)",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        strip=False,
    )

    def __init__(self, *args: Any, witnesses: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        witness_field = self.fields["witness"]
        assert isinstance(witness_field, forms.ChoiceField)
        witness_field.choices = [("", "Choose…")] + [
            (str(m.user_id), f"{m.user.full_name} ({m.get_role_display()})") for m in witnesses
        ]


class WasteForm(WitnessedForm):
    quantity = forms.CharField(label="Quantity wasted", widget=forms.TextInput(DECIMAL))
    reason = forms.CharField(
        label="Why", help_text="For example: rest of an opened single-dose vial", max_length=500
    )
    field_order = ("quantity", "reason", "witness", "witness_password")


class TransferForm(WitnessedForm):
    quantity = forms.CharField(label="Quantity moved", widget=forms.TextInput(DECIMAL))
    to_location = forms.CharField(
        label="To another safe of this clinic", required=False, max_length=80
    )
    destination = forms.CharField(
        label="Or out of the clinic to",
        required=False,
        max_length=200,
        help_text="For example: reverse distributor for destruction, return to supplier",
    )
    reason = forms.CharField(label="Reference or note", required=False, max_length=500)
    field_order = ("quantity", "to_location", "destination", "reason", "witness")


class CountForm(WitnessedForm):
    counted = forms.CharField(label="Counted on the shelf", widget=forms.TextInput(DECIMAL))
    note = forms.CharField(label="Note", required=False, max_length=500)
    counter_confirms = forms.BooleanField(
        label="I counted this stock and sign this count", required=False
    )
    witness_confirms = forms.BooleanField(
        label="Witness: I saw this count and sign it", required=False
    )
    field_order = ("counted", "note", "counter_confirms", "witness", "witness_password")


class CorrectionForm(WitnessedForm):
    entry = forms.ChoiceField(label="Entry to correct")
    change = forms.CharField(
        label="Change to the balance",
        help_text="Negative takes from the balance, positive adds; 0 for a note only",
        widget=forms.TextInput({"autocomplete": "off"}),
    )
    reason = forms.CharField(label="What was wrong", max_length=500)
    field_order = ("entry", "change", "reason", "witness", "witness_password")

    def __init__(self, *args: Any, entries: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entry_field = self.fields["entry"]
        assert isinstance(entry_field, forms.ChoiceField)
        entry_field.choices = [("", "Choose…")] + [
            (str(e.pk), f"#{e.seq} {e.get_kind_display()} {e.quantity} ({e.created_at:%d %b %Y})")
            for e in entries
        ]


class ResolveForm(forms.Form):
    note = forms.CharField(
        label="What was found and done", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    adjust = forms.BooleanField(
        label="Book the counted difference: set the balance to what was counted", required=False
    )
