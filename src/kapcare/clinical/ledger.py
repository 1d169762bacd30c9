"""Controlled-substance stock arithmetic: one lot's running balance, draws and counts.

Racemic ketamine is Schedule III [K31b] and esketamine (Spravato) is CIII and
REMS-restricted [K14] (``shared/clinical-reference.md`` §"safety"), so every
millilitre, device or tablet is accounted for: a lot's balance is the sum of
its entries, an entry that would take it below zero is refused, and a physical
count that differs from the book balance is a discrepancy to resolve.
Quantities are exact decimals in the lot's own unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from kapcare.clinical.routes import Route

Number = int | str | Decimal

#: Volumes are kept to a 1 mL syringe graduation (0.01 mL), as the dose calculator does.
VOLUME_STEP: Final = Decimal("0.01")


class StockForm(StrEnum):
    """What a lot is made of; it decides the lot's unit."""

    VIAL = "vial"
    DEVICE = "device"
    TABLET = "tablet"


UNITS: Final[Mapping[StockForm, str]] = MappingProxyType(
    {StockForm.VIAL: "mL", StockForm.DEVICE: "device", StockForm.TABLET: "tablet"}
)
#: what the lot's strength means for each form
STRENGTH_UNITS: Final[Mapping[StockForm, str]] = MappingProxyType(
    {StockForm.VIAL: "mg/mL", StockForm.DEVICE: "mg per device", StockForm.TABLET: "mg per tablet"}
)
#: which stock a route draws from
FORM_FOR_ROUTE: Final[Mapping[Route, StockForm]] = MappingProxyType(
    {
        Route.IV_RACEMIC: StockForm.VIAL,
        Route.IM_RACEMIC: StockForm.VIAL,
        Route.SUBLINGUAL_RACEMIC: StockForm.TABLET,
        Route.INTRANASAL_ESKETAMINE: StockForm.DEVICE,
    }
)


class EntryKind(StrEnum):
    RECEIPT = "receipt"
    DRAW = "draw"
    WASTE = "waste"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    COUNT = "count"
    ADJUSTMENT = "adjustment"
    CORRECTION = "correction"


ENTRY_LABELS: Final[Mapping[EntryKind, str]] = MappingProxyType(
    {
        EntryKind.RECEIPT: "Received",
        EntryKind.DRAW: "Drawn for a patient",
        EntryKind.WASTE: "Wasted (witnessed)",
        EntryKind.TRANSFER_OUT: "Transferred out",
        EntryKind.TRANSFER_IN: "Transferred in",
        EntryKind.COUNT: "Counted (two signatures)",
        EntryKind.ADJUSTMENT: "Discrepancy resolved",
        EntryKind.CORRECTION: "Correction",
    }
)
#: kinds whose quantity adds to the balance, and kinds whose quantity takes from it
ADDS: Final = frozenset({EntryKind.RECEIPT, EntryKind.TRANSFER_IN})
TAKES: Final = frozenset({EntryKind.DRAW, EntryKind.WASTE, EntryKind.TRANSFER_OUT})
#: kinds whose quantity is the signed change itself (a count changes nothing)
SIGNED: Final = frozenset({EntryKind.ADJUSTMENT, EntryKind.CORRECTION})
#: kinds that must name a second person who saw it done
WITNESSED: Final = frozenset({EntryKind.WASTE, EntryKind.COUNT})


def quantity_of(value: Number, form: StockForm, field: str = "quantity") -> Decimal:
    """Parse a quantity in the lot's unit; devices are whole, volumes 0.01 mL, tablets 0.5."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{field}: enter a number of {UNITS[form]}, got {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"{field}: enter a number of {UNITS[form]}, got {value!r}")
    step = {StockForm.VIAL: VOLUME_STEP, StockForm.DEVICE: Decimal(1)}.get(form, Decimal("0.5"))
    if amount % step != 0:
        what = {StockForm.VIAL: "to 0.01 mL", StockForm.DEVICE: "in whole devices"}
        raise ValueError(f"{field}: count {what.get(form, 'in half tablets')}, got {amount}")
    return amount


def change_of(kind: EntryKind, quantity: Decimal) -> Decimal:
    """The signed change an entry makes to the balance."""
    if kind is EntryKind.COUNT:
        return Decimal(0)
    if kind in SIGNED:
        return quantity
    if quantity <= 0:
        raise ValueError(f"quantity: must be more than 0 for a {kind.value}, got {quantity}")
    return quantity if kind in ADDS else -quantity


def apply(balance: Decimal, kind: EntryKind, quantity: Decimal) -> Decimal:
    """The balance after one entry; refuses to go below zero, naming what is left."""
    after = balance + change_of(kind, quantity)
    if after < 0:
        raise ValueError(
            f"quantity: {abs(change_of(kind, quantity))} is more than the {balance} left in the lot"
        )
    return after


def running_balances(entries: Iterable[tuple[EntryKind, Decimal]]) -> list[Decimal]:
    """The balance after each entry, in order, starting from an empty lot."""
    balances: list[Decimal] = []
    balance = Decimal(0)
    for kind, quantity in entries:
        balance = apply(balance, kind, quantity)
        balances.append(balance)
    return balances


def totals(entries: Iterable[tuple[EntryKind, Decimal]]) -> dict[EntryKind, Decimal]:
    """The sum of quantities per kind (a report's columns)."""
    sums = dict.fromkeys(EntryKind, Decimal(0))
    for kind, quantity in entries:
        sums[kind] += quantity
    return sums


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """A physical count against the book balance."""

    expected: Decimal
    counted: Decimal
    difference: Decimal  # counted − expected: negative means stock is missing

    @property
    def discrepant(self) -> bool:
        return self.difference != 0


def reconcile(expected: Decimal, counted: Decimal) -> Reconciliation:
    if counted < 0:
        raise ValueError(f"counted: cannot be below 0, got {counted}")
    return Reconciliation(expected=expected, counted=counted, difference=counted - expected)


def mg_equivalent(quantity: Decimal, strength_mg: Decimal | None) -> Decimal | None:
    """Milligrams in a quantity: mL × mg/mL, or devices/tablets × mg each; None if unknown."""
    if strength_mg is None:
        return None
    return (quantity * strength_mg).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def draw_for_dose(form: StockForm, dose_mg: Decimal, strength_mg: Decimal) -> Decimal:
    """How much of a lot one administration uses.

    A vial gives dose ÷ concentration mL (to 0.01 mL); an esketamine row is one
    28 mg device [K13b]; tablets are dose ÷ mg per tablet and must come out in halves.
    """
    if strength_mg <= 0:
        raise ValueError(f"strength_mg: must be more than 0, got {strength_mg}")
    if dose_mg <= 0:
        raise ValueError(f"dose_mg: must be more than 0, got {dose_mg}")
    if form is StockForm.DEVICE:
        return Decimal(1)
    if form is StockForm.VIAL:
        return (dose_mg / strength_mg).quantize(VOLUME_STEP, rounding=ROUND_HALF_UP)
    tablets = dose_mg / strength_mg
    if tablets % Decimal("0.5") != 0:
        raise ValueError(
            f"dose_mg: {dose_mg} mg is not a whole or half number of {strength_mg} mg tablets"
        )
    return tablets
