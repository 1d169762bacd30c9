"""The ledger and a lot's page cost the same number of queries with few or many entries."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kapcare.controlled import services
from kapcare.controlled.selectors import USED_UP_PAGE_SIZE
from tests.controlled.conftest import receive, witnessed
from tests.dosing.conftest import actor_of


def _grow(world: Any, n: int) -> Any:
    lot = None
    for i in range(n):
        lot = receive(world, "10", lot_number=f"KX-{i}")
        services.waste_record(
            actor=actor_of(world, "nurse"), lot=lot, quantity="1", reason="x", **witnessed(world)
        )
        services.count_record(
            actor=actor_of(world, "nurse"),
            lot=lot,
            counted="8",
            counter_confirms=True,
            witness_confirms=True,
            **witnessed(world),
        )
    return lot


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_ledger_and_lot_pages_cost_constant_queries(client_for: Any, world: Any) -> None:
    nurse = client_for("nurse")
    nurse.get(reverse("controlled:ledger"))  # the first request of a sign-in does more
    lot = _grow(world, 1)
    small = (
        _queries(nurse, reverse("controlled:ledger")),
        _queries(nurse, reverse("controlled:lot", args=[lot.pk])),
    )
    lot = _grow(world, 4)
    for _ in range(3):
        receive(world, "5", lot_number="KX-3")
    for i in range(USED_UP_PAGE_SIZE + 2):  # more used-up lots than a page shows
        used = receive(world, "2", lot_number=f"KX-E{i}")
        services.waste_record(
            actor=actor_of(world, "nurse"), lot=used, quantity="2", reason="x", **witnessed(world)
        )
    large = (
        _queries(nurse, reverse("controlled:ledger")),
        _queries(nurse, reverse("controlled:lot", args=[lot.pk])),
    )
    assert small == large
