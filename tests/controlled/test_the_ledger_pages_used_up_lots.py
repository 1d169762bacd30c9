"""The ledger lists what is in the safes in full and the lots used up a page at a time.

A clinic receives lots for years; nearly all of them end empty. Listing every lot on
the ledger made the page longer with every delivery, so the lots used up (nothing
left, nothing to resolve) are paged, the latest received first, each still one click
from its full record.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.controlled import services
from kapcare.controlled.selectors import USED_UP_PAGE_SIZE
from tests.controlled.conftest import receive, witnessed
from tests.dosing.conftest import actor_of


def _used_up(world: Any, lot_number: str) -> Any:
    lot = receive(world, "10", lot_number=lot_number)
    services.waste_record(
        actor=actor_of(world, "nurse"), lot=lot, quantity="10", reason="expired", **witnessed(world)
    )
    return lot


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def test_lots_in_stock_and_lots_used_up_are_listed_apart(client_for: Any, world: Any) -> None:
    receive(world, "50", lot_number="KX-IN")
    _used_up(world, "KX-GONE")
    page = client_for("nurse").get(reverse("controlled:ledger")).content.decode()
    in_stock, used_up = _section(page, "lots-h"), _section(page, "used-up-h")
    assert "In stock (1)" in in_stock and "KX-IN" in in_stock and "KX-GONE" not in in_stock
    assert "Used up (1)" in used_up and "KX-GONE" in used_up and "KX-IN" not in used_up


def test_an_emptied_lot_with_a_discrepancy_open_stays_with_the_stock(
    client_for: Any, world: Any
) -> None:
    lot = receive(world, "10", lot_number="KX-SHORT")
    services.count_record(
        actor=actor_of(world, "nurse"),
        lot=lot,
        counted="0",
        counter_confirms=True,
        witness_confirms=True,
        **witnessed(world),
    )
    page = client_for("nurse").get(reverse("controlled:ledger")).content.decode()
    assert "KX-SHORT" in _section(page, "lots-h")
    assert 'id="used-up-h"' not in page  # nothing is used up without its discrepancy resolved


def test_the_used_up_lots_are_paged_latest_first_and_each_page_is_audited(
    client_for: Any, world: Any
) -> None:
    lots = [_used_up(world, f"KX-{n:03d}") for n in range(USED_UP_PAGE_SIZE + 1)]
    nurse = client_for("nurse")
    first = nurse.get(reverse("controlled:ledger")).content.decode()
    listed = _section(first, "used-up-h")
    assert f"Used up ({USED_UP_PAGE_SIZE + 1})" in listed
    assert lots[-1].lot_number in listed and lots[0].lot_number not in listed
    assert "used_up_page=2#used-up-h" in listed
    assert f"1–{USED_UP_PAGE_SIZE} of {USED_UP_PAGE_SIZE + 1}, latest received first" in listed

    second = nurse.get(reverse("controlled:ledger"), {"used_up_page": "2"}).content.decode()
    listed = _section(second, "used-up-h")
    assert lots[0].lot_number in listed and lots[1].lot_number not in listed
    seen = AuditEvent.objects.filter(action="list", object_type="controlled.stocklot").latest("pk")
    assert seen.detail == {"ids": [lots[0].pk], "used_up_page": 2}


def test_a_bad_page_number_names_the_parameter_and_shows_page_one(
    client_for: Any, world: Any
) -> None:
    _used_up(world, "KX-GONE")
    nurse = client_for("nurse")
    response = nurse.get(reverse("controlled:ledger"), {"used_up_page": "two"})
    assert response.status_code == 200
    assert "used_up_page: “two” is not a page number; page 1 is shown." in response.text
    response = nurse.get(reverse("controlled:ledger"), {"used_up_page": "9"})
    assert "used_up_page: There is no page 9; page 1, the last, is shown." in response.text
    assert "KX-GONE" in _section(response.text, "used-up-h")
