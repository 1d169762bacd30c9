"""A lot's running balance: receipts add, draws, waste and transfers take, never below zero."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapcare.clinical.ledger import (
    EntryKind,
    StockForm,
    apply,
    draw_for_dose,
    mg_equivalent,
    quantity_of,
    reconcile,
    running_balances,
    totals,
)

D = Decimal
R, DR, W, TO, TI, C, ADJ, COR = (
    EntryKind.RECEIPT,
    EntryKind.DRAW,
    EntryKind.WASTE,
    EntryKind.TRANSFER_OUT,
    EntryKind.TRANSFER_IN,
    EntryKind.COUNT,
    EntryKind.ADJUSTMENT,
    EntryKind.CORRECTION,
)


@pytest.mark.parametrize(
    ("entries", "balances"),
    [
        ([(R, D(50))], [D(50)]),  # five 10 mL vials received
        ([(R, D(50)), (DR, D("5.6")), (W, D("4.4"))], [D(50), D("44.4"), D(40)]),
        ([(R, D(56)), (TO, D(28)), (TI, D(2))], [D(56), D(28), D(30)]),
        ([(R, D(10)), (C, D(10)), (DR, D(1))], [D(10), D(10), D(9)]),  # a count changes nothing
        ([(R, D(10)), (ADJ, D(-1)), (COR, D("0.5"))], [D(10), D(9), D("9.5")]),
        ([(R, D(10)), (DR, D(10))], [D(10), D(0)]),  # the last drop may be drawn
    ],
)
def test_the_running_balance_follows_each_entry(
    entries: list[tuple[EntryKind, Decimal]], balances: list[Decimal]
) -> None:
    assert running_balances(entries) == balances


@pytest.mark.parametrize("kind", [DR, W, TO])
def test_taking_more_than_is_left_is_refused_naming_the_quantity(kind: EntryKind) -> None:
    with pytest.raises(ValueError, match=r"^quantity: 10.5 is more than the 10 left in the lot"):
        apply(D(10), kind, D("10.5"))


@pytest.mark.parametrize("kind", [R, DR, W, TO, TI])
def test_a_movement_of_zero_or_less_is_refused(kind: EntryKind) -> None:
    with pytest.raises(ValueError, match=r"^quantity: must be more than 0"):
        apply(D(10), kind, D(0))


def test_a_correction_cannot_take_the_lot_below_zero() -> None:
    with pytest.raises(ValueError, match=r"^quantity:"):
        apply(D(1), COR, D(-2))


@pytest.mark.parametrize(
    ("value", "form", "parsed"),
    [
        ("4.25", StockForm.VIAL, D("4.25")),
        ("2", StockForm.DEVICE, D(2)),
        ("1.5", "tablet", D("1.5")),
    ],
)
def test_quantities_are_read_in_the_lots_unit(value: str, form: str, parsed: Decimal) -> None:
    assert quantity_of(value, StockForm(form)) == parsed


@pytest.mark.parametrize(
    ("value", "form", "message"),
    [
        ("1.5", StockForm.DEVICE, "quantity: count in whole devices"),
        ("0.005", StockForm.VIAL, "quantity: count to 0.01 mL"),
        ("0.25", StockForm.TABLET, "quantity: count in half tablets"),
        ("lots", StockForm.VIAL, "quantity: enter a number of mL"),
        ("NaN", StockForm.VIAL, "quantity: enter a number of mL"),
    ],
)
def test_a_quantity_the_unit_cannot_hold_is_refused(
    value: str, form: StockForm, message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{message}"):
        quantity_of(value, form)


@pytest.mark.parametrize(
    ("expected", "counted", "difference", "discrepant"),
    [(D(40), D(40), D(0), False), (D(40), D("38.5"), D("-1.5"), True), (D(2), D(3), D(1), True)],
)
def test_a_count_is_reconciled_against_the_book_balance(
    expected: Decimal, counted: Decimal, difference: Decimal, discrepant: bool
) -> None:
    result = reconcile(expected, counted)
    assert (result.difference, result.discrepant) == (difference, discrepant)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^counted:"):
        reconcile(D(1), D(-1))


@pytest.mark.parametrize(
    ("quantity", "strength", "mg"),
    [(D("5.6"), D(10), D("56.0")), (D(2), D(50), D("100.0")), (D(3), D(28), D("84.0"))],
)
def test_a_quantity_has_its_mg_equivalent(
    quantity: Decimal, strength: Decimal, mg: Decimal
) -> None:
    assert mg_equivalent(quantity, strength) == mg


def test_without_a_strength_there_is_no_mg_equivalent() -> None:
    assert mg_equivalent(D(1), None) is None


@pytest.mark.parametrize(
    ("form", "dose", "strength", "drawn"),
    [
        (StockForm.VIAL, D(56), D(10), D("5.6")),  # 0.7 mg/kg × 80 kg at 10 mg/mL
        (StockForm.VIAL, D("40.3"), D(50), D("0.81")),  # rounded to 0.01 mL
        (StockForm.DEVICE, D(28), D(28), D(1)),  # one device per administration row [K13b]
        (StockForm.TABLET, D(150), D(100), D("1.5")),
    ],
)
def test_an_administration_draws_its_dose_in_the_lots_unit(
    form: StockForm, dose: Decimal, strength: Decimal, drawn: Decimal
) -> None:
    assert draw_for_dose(form, dose, strength) == drawn


def test_a_tablet_dose_that_is_not_a_half_tablet_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^dose_mg:"):
        draw_for_dose(StockForm.TABLET, D(30), D(100))


# Properties -------------------------------------------------------------------

amounts = st.decimals(min_value=D("0.01"), max_value=D(500), places=2)
movements = st.lists(st.tuples(st.sampled_from([R, DR, W, TO, TI]), amounts), max_size=40)


def _accepted(entries: list[tuple[EntryKind, Decimal]]) -> list[tuple[EntryKind, Decimal]]:
    """The entries the ledger would take: a movement that overdraws the lot is refused."""
    kept: list[tuple[EntryKind, Decimal]] = []
    balance = D(0)
    for kind, quantity in entries:
        try:
            balance = apply(balance, kind, quantity)
        except ValueError:
            continue
        kept.append((kind, quantity))
    return kept


@given(movements)
def test_the_ledger_balance_always_equals_receipts_minus_draws_minus_waste(
    entries: list[tuple[EntryKind, Decimal]],
) -> None:
    kept = _accepted(entries)
    sums = totals(kept)
    expected = sums[R] + sums[TI] - sums[DR] - sums[W] - sums[TO]
    assert (running_balances(kept) or [D(0)])[-1] == expected


@given(movements)
def test_the_balance_is_never_negative(entries: list[tuple[EntryKind, Decimal]]) -> None:
    assert all(b >= 0 for b in running_balances(_accepted(entries)))


@given(movements, amounts)
def test_a_refused_entry_leaves_the_balance_as_it_was(
    entries: list[tuple[EntryKind, Decimal]], extra: Decimal
) -> None:
    balance = (running_balances(_accepted(entries)) or [D(0)])[-1]
    try:
        after = apply(balance, DR, balance + extra)
    except ValueError:
        after = balance
    assert after == balance


@given(st.decimals(min_value=0, max_value=1000, places=2), st.decimals(0, 1000, places=2))
def test_expected_plus_difference_is_the_count(expected: Decimal, counted: Decimal) -> None:
    result = reconcile(expected, counted)
    assert result.expected + result.difference == result.counted
    assert result.discrepant is (expected != counted)
