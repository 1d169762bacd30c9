"""Receipts, waste, transfers, counts and corrections: each an entry with the balance after it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kapcare.audit.models import AuditEvent
from kapcare.controlled import services
from kapcare.controlled.models import LedgerEntry, StockLot
from tests.controlled.conftest import receive, witnessed
from tests.dosing.conftest import actor_of


def test_a_receipt_opens_the_lot_and_a_second_adds_to_it(world: Any) -> None:
    lot = receive(world, "50")
    again = receive(world, "30")
    assert again.pk == lot.pk
    assert list(lot.entries.values_list("kind", "balance_after")) == [
        ("receipt", Decimal(50)),
        ("receipt", Decimal(80)),
    ]
    assert AuditEvent.objects.filter(object_type="controlled.ledgerentry").count() == 2


def test_a_receipt_that_contradicts_the_lot_is_refused(world: Any) -> None:
    receive(world, "50")
    with pytest.raises(ValidationError) as caught:
        receive(world, "10", strength_mg="50")
    assert "lot_number" in caught.value.message_dict


def test_waste_needs_a_witness_who_types_their_own_password(world: Any) -> None:
    lot = receive(world, "20")
    nurse = actor_of(world, "nurse")
    with pytest.raises(ValidationError) as caught:
        services.waste_record(
            actor=nurse,
            lot=lot,
            quantity="4.4",
            reason="Rest of vial",
            **witnessed(world, password="nope"),
        )
    assert "witness_password" in caught.value.message_dict
    assert "Priya Raman" in caught.value.message_dict["witness_password"][0]
    denied = AuditEvent.objects.get(action="denied", object_type="controlled.witness")
    assert "nope" not in str(denied.detail)
    with pytest.raises(ValidationError) as own:
        services.waste_record(
            actor=nurse, lot=lot, quantity="1", reason="x", **witnessed(world, "nurse")
        )
    assert "witness" in own.value.message_dict
    with pytest.raises(ValidationError) as therapist:
        services.waste_record(
            actor=nurse, lot=lot, quantity="1", reason="x", **witnessed(world, "therapist")
        )
    assert "witness" in therapist.value.message_dict
    entry = services.waste_record(
        actor=nurse, lot=lot, quantity="4.4", reason="Rest of vial", **witnessed(world)
    )
    assert (entry.balance_after, entry.witness) == (Decimal("15.6"), world.users["prescriber"])


def test_wasting_more_than_the_balance_is_refused_naming_the_quantity(world: Any) -> None:
    lot = receive(world, "2")
    with pytest.raises(ValidationError) as caught:
        services.waste_record(
            actor=actor_of(world, "nurse"), lot=lot, quantity="3", reason="x", **witnessed(world)
        )
    assert "more than the 2" in caught.value.message_dict["quantity"][0]
    assert lot.entries.count() == 1


def test_a_therapist_may_not_handle_stock(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.stock_receive(
            actor=actor_of(world, "therapist"),
            product="Ketamine",
            form="vial",
            strength_mg="10",
            lot_number="X",
            expiry=__import__("datetime").date(2099, 1, 1),
            location="Safe",
            quantity="1",
        )


def test_a_move_between_safes_books_out_here_and_in_there(world: Any) -> None:
    lot = receive(world, "50")
    out = services.transfer_record(
        actor=actor_of(world, "nurse"),
        lot=lot,
        quantity="20",
        to_location="Procedure room safe",
        **witnessed(world),
    )
    arrived = LedgerEntry.objects.get(counterpart=out)
    assert (out.balance_after, arrived.balance_after) == (Decimal(30), Decimal(20))
    assert arrived.lot.location == "Procedure room safe"
    assert arrived.lot.lot_number == lot.lot_number
    leaving = services.transfer_record(
        actor=actor_of(world, "nurse"),
        lot=lot,
        quantity="30",
        destination="Reverse distributor for destruction",
        **witnessed(world),
    )
    assert leaving.balance_after == 0
    assert StockLot.objects.count() == 2


def test_a_count_that_differs_is_flagged_until_resolved_with_a_note(world: Any) -> None:
    from kapcare.controlled.selectors import has_open_discrepancy

    lot = receive(world, "40")
    count = services.count_record(
        actor=actor_of(world, "nurse"),
        lot=lot,
        counted="38.5",
        counter_confirms=True,
        witness_confirms=True,
        **witnessed(world),
    )
    assert (count.expected, count.difference) == (Decimal(40), Decimal("-1.5"))
    assert has_open_discrepancy(lot)
    with pytest.raises(PermissionDenied):
        services.discrepancy_resolve(
            actor=actor_of(world, "nurse"), count=count, note="Found it", adjust=False
        )
    entry = services.discrepancy_resolve(
        actor=actor_of(world, "prescriber"), count=count, note="Spill not recorded", adjust=True
    )
    assert entry.balance_after == Decimal("38.5")
    assert not has_open_discrepancy(lot)
    with pytest.raises(ValidationError, match="already resolved"):
        services.discrepancy_resolve(
            actor=actor_of(world, "admin"), count=count, note="again", adjust=False
        )


def test_a_count_needs_both_signatures(world: Any) -> None:
    lot = receive(world, "40")
    with pytest.raises(ValidationError) as caught:
        services.count_record(
            actor=actor_of(world, "nurse"),
            lot=lot,
            counted="40",
            counter_confirms=False,
            witness_confirms=False,
            **witnessed(world),
        )
    assert set(caught.value.message_dict) == {"counter_confirms", "witness_confirms"}


def test_a_correction_is_a_new_entry_naming_the_one_it_corrects(world: Any) -> None:
    lot = receive(world, "50")
    wrong = lot.entries.get()
    fixed = services.correction_record(
        actor=actor_of(world, "nurse"),
        entry=wrong,
        change="-10",
        reason="Delivery was four vials, not five",
        **witnessed(world),
    )
    assert (fixed.correction_of, fixed.balance_after) == (wrong, Decimal(40))
    wrong.refresh_from_db()
    assert wrong.quantity == Decimal(50)
