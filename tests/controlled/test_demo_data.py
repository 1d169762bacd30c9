"""The demo clinic has a stock ledger with receipts, administrations and one witnessed waste."""

from __future__ import annotations

import pytest

from kapcare.controlled.models import LedgerEntry, StockLot


@pytest.mark.django_db
def test_the_demo_ledger_has_receipts_draws_and_a_witnessed_waste() -> None:
    from kapcare.controlled.demo import seed
    from kapcare.demo.seed import seed_demo

    seed_demo()
    kinds = set(LedgerEntry.objects.values_list("kind", flat=True))
    assert {"receipt", "draw", "waste", "count"} <= kinds
    waste = LedgerEntry.objects.get(kind="waste")
    assert waste.witness is not None and waste.witness != waste.actor
    assert LedgerEntry.objects.filter(kind="draw", administration__isnull=False).exists()
    lots = StockLot.objects.count()
    seed()
    assert StockLot.objects.count() == lots == 3
