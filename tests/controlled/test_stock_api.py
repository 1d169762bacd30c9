"""The stock ledger in the API: lots with balances, a lot's entries, problem+json refusals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from tests.controlled.conftest import receive


def test_a_nurse_reads_lots_and_a_lots_entries_paginated(client_for: Any, world: Any) -> None:
    lot = receive(world, "50")
    receive(world, "20")
    nurse = client_for("nurse")
    lots = nurse.get(reverse("api:stock_lots")).json()
    assert lots["count"] == 1
    assert Decimal(lots["items"][0]["balance"]) == 70
    assert Decimal(lots["items"][0]["balance_mg"]) == 700
    page = nurse.get(reverse("api:stock_lot_entries", args=[lot.pk]) + "?limit=1&offset=1").json()
    assert page["count"] == 2
    assert [e["seq"] for e in page["items"]] == [2]


def test_refusals_are_problem_documents(client_for: Any, world: Any) -> None:
    lot = receive(world, "50")
    forbidden = client_for("therapist").get(reverse("api:stock_lots"))
    assert forbidden.status_code == 403
    assert forbidden["Content-Type"] == "application/problem+json"
    missing = client_for("nurse").get(reverse("api:stock_lot_entries", args=[lot.pk + 999]))
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    bad = client_for("nurse").get(reverse("api:stock_lots") + "?limit=0")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"].endswith("limit")
