"""Two tablets waste from the same lot at once: the lock lets one through (PostgreSQL)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kapcare.controlled import services
from kapcare.controlled.models import LedgerEntry
from tests.conftest import build_world
from tests.controlled.conftest import receive, witnessed
from tests.dosing.conftest import actor_of


@pytest.mark.django_db(transaction=True)
def test_two_tablets_cannot_both_spend_the_last_millilitres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with concurrent writers")
    world = build_world()
    lot = receive(world, "6")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def tablet(persona: str, witness: str) -> None:
        from django.db import connections

        try:
            barrier.wait()
            services.waste_record(
                actor=actor_of(world, persona),
                lot=lot,
                quantity="4",
                reason="Rest of vial",
                **witnessed(world, witness),
            )
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=tablet, args=args)
        for args in (("nurse", "prescriber"), ("prescriber", "nurse"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("done") == 1
    assert "more than the 2" in next(o for o in outcomes if o != "done")
    balances = list(LedgerEntry.objects.filter(lot=lot).values_list("balance_after", flat=True))
    assert balances == [Decimal(6), Decimal(2)]
