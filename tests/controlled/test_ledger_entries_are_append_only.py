"""A ledger entry or a count is never edited: saving one again is refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from kapcare.controlled.models import LedgerEntry
from tests.controlled.conftest import receive


def test_editing_a_ledger_entry_raises_and_says_to_correct_it(world: Any) -> None:
    entry = receive(world, "10").entries.get()
    entry.quantity = Decimal(1000)
    with pytest.raises(RuntimeError, match="record a correction entry"):
        entry.save()


def test_the_database_refuses_a_negative_balance_and_an_unwitnessed_waste(world: Any) -> None:
    lot = receive(world, "10")
    for kind, balance in (("receipt", Decimal(-1)), ("waste", Decimal(5))):
        with pytest.raises(IntegrityError), transaction.atomic():
            LedgerEntry.objects.create(
                lot=lot,
                seq=9,
                kind=kind,
                quantity=Decimal(5),
                balance_after=balance,
                actor=world.users["nurse"],
            )


def test_two_entries_cannot_share_a_place_in_the_lot(world: Any) -> None:
    lot = receive(world, "10")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            lot=lot,
            seq=1,
            kind="receipt",
            quantity=Decimal(1),
            balance_after=Decimal(11),
            actor=world.users["nurse"],
        )
