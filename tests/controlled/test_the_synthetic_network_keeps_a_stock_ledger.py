"""``kapcare seed`` keeps each clinic's controlled-substance ledger as the services would:
one draw per administered dose, balances the pure ledger agrees with, witnessed waste and
counts, and pages that open for the clinic's staff."""

from __future__ import annotations

import itertools
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from kapcare.accounts.models import Role
from kapcare.audit.models import AuditEvent
from kapcare.clinical.ledger import (
    FORM_FOR_ROUTE,
    EntryKind,
    draw_for_dose,
    running_balances,
    totals,
)
from kapcare.clinical.routes import Route
from kapcare.controlled.models import LedgerEntry, StockCount, StockLot
from kapcare.controlled.services import HANDLER_ROLES
from kapcare.controlled.synthetic import PRODUCTS
from kapcare.demo.synthetic import generate
from kapcare.dosing.models import Administration
from tests.conftest import signed_in


@pytest.fixture
def network(db: Any) -> Any:
    return generate(patients=40, clinics=2, seed=3)


def _entries_by_lot() -> dict[int, list[LedgerEntry]]:
    by_lot: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in LedgerEntry.objects.order_by("lot_id", "seq"):
        by_lot[entry.lot_id].append(entry)
    return by_lot


def test_every_lot_s_stored_balance_is_the_pure_ledger_s_and_never_runs_out(network: Any) -> None:
    by_lot = _entries_by_lot()
    lots = StockLot.objects.all()
    assert {lot.clinic_id for lot in lots} == {c.pk for c in network.clinics}
    assert set(by_lot) == {lot.pk for lot in lots}
    for lot in lots:
        entries = by_lot[lot.pk]
        moves = [(EntryKind(e.kind), e.quantity) for e in entries]
        assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
        assert [e.balance_after for e in entries] == running_balances(moves)
        sums = totals(moves)
        assert entries[-1].balance_after == (
            sums[EntryKind.RECEIPT]
            + sums[EntryKind.TRANSFER_IN]
            - sums[EntryKind.DRAW]
            - sums[EntryKind.WASTE]
            - sums[EntryKind.TRANSFER_OUT]
        )
        assert entries[0].kind == EntryKind.RECEIPT
        assert lot.created_at == entries[0].created_at
        assert lot.received_by_id == entries[0].actor_id
        times = [e.created_at for e in entries]
        assert times == sorted(times)
        # more of a lot arrives while it still holds stock; an emptied lot is done with
        assert all(
            before.balance_after > 0
            for before, after in itertools.pairwise(entries)
            if after.kind == EntryKind.RECEIPT
        )
        assert all(e.balance_after > 0 for e in entries[:-1])


def test_every_administered_dose_has_exactly_one_draw_from_a_lot_of_its_clinic(
    network: Any,
) -> None:
    administrations = Administration.objects.select_related("session", "stock_draw__lot")
    assert administrations.count() == LedgerEntry.objects.filter(kind=EntryKind.DRAW).count() > 0
    routes = set()
    for administration in administrations:
        draw = administration.stock_draw  # one-to-one: at most one, and this says there is one
        lot = draw.lot
        routes.add(administration.route)
        assert draw.kind == EntryKind.DRAW
        assert lot.clinic_id == administration.session.clinic_id
        assert lot.form_enum is FORM_FOR_ROUTE[Route(administration.route)]
        used = draw_for_dose(lot.form_enum, administration.dose_mg, lot.strength_mg)
        assert draw.quantity == used
        assert draw.actor_id == administration.given_by_id
        assert draw.created_at == administration.recorded_at
        # the administration names the lot it was drawn from, as the console records it
        assert (administration.product, administration.lot, administration.expiry) == (
            lot.product,
            lot.lot_number,
            lot.expiry,
        )
        assert administration.started_at.date() <= lot.expiry
    assert routes == {r.value for r in PRODUCTS}


def test_waste_and_counts_are_witnessed_and_counts_match_the_book(network: Any) -> None:
    handlers = {
        (m.clinic_id, m.user_id)
        for members in network.staff.values()
        for role, group in members.items()
        if role in HANDLER_ROLES
        for m in group
    }
    wastes = LedgerEntry.objects.filter(kind=EntryKind.WASTE).select_related("lot")
    assert wastes.exists()
    for waste in wastes:
        assert waste.witness_id not in (None, waste.actor_id)
        assert (waste.lot.clinic_id, waste.witness_id) in handlers
        assert waste.lot.form == "vial"
        assert 0 < waste.quantity < PRODUCTS[_route_of(waste.lot)].unit_size
        assert waste.reason.startswith("Rest of ")
    counts = StockCount.objects.select_related("lot")
    assert counts.exists()
    for count in counts:
        assert count.counted == count.expected and count.difference == 0
        assert count.counted_by_id != count.witnessed_by_id
        assert (count.lot.clinic_id, count.witnessed_by_id) in handlers
        entry = count.entries.get()
        assert entry.kind == EntryKind.COUNT
        assert entry.quantity == entry.balance_after == count.expected
        assert entry.created_at == count.counted_at


def test_every_ledger_entry_has_its_audit_row(network: Any) -> None:
    audited = dict(
        AuditEvent.objects.filter(object_type="controlled.ledgerentry").values_list(
            "object_id", "patient_id"
        )
    )
    entries = LedgerEntry.objects.select_related("administration__session")
    assert len(audited) == entries.count()
    for entry in entries:
        patient = entry.administration.session.patient_id if entry.administration else None
        assert audited[str(entry.pk)] == patient


def test_the_clinic_s_nurse_opens_the_ledger_and_every_lot_of_their_clinic(network: Any) -> None:
    clinic, other = network.clinics
    nurse = network.staff[clinic.pk][Role.NURSE][0].user
    client = signed_in(nurse)
    pages = []
    for number in range(1, 100):
        ledger = client.get(reverse("controlled:ledger"), {"used_up_page": number})
        assert ledger.status_code == 200
        pages.append(ledger.content.decode())
        if "used_up_page=" + str(number + 1) not in pages[-1]:
            break
    listed = "".join(pages)
    lots = StockLot.objects.filter(clinic=clinic)
    assert lots.exists()
    for lot in lots:
        assert lot.lot_number in listed  # in stock on every page, or on a page of used-up lots
        for name in ("controlled:lot", "controlled:lot_print"):
            response = client.get(reverse(name, args=[lot.pk]))
            assert response.status_code == 200
            assert lot.lot_number in response.content.decode()
    elsewhere = StockLot.objects.filter(clinic=other).first()
    assert elsewhere is not None
    assert client.get(reverse("controlled:lot", args=[elsewhere.pk])).status_code == 404


def _route_of(lot: StockLot) -> Route:
    return next(route for route, p in PRODUCTS.items() if p.name == lot.product)


def test_a_vial_s_open_remainder_is_all_that_is_ever_wasted(network: Any) -> None:
    """Deliveries and returns move whole vials, so waste only ever empties the open one."""
    for lot_id, entries in _entries_by_lot().items():
        lot = StockLot.objects.get(pk=lot_id)
        if lot.form != "vial":
            continue
        size = PRODUCTS[_route_of(lot)].unit_size
        balance = Decimal(0)
        for entry in entries:
            if entry.kind in (EntryKind.RECEIPT, EntryKind.TRANSFER_OUT):
                assert entry.quantity % size == 0
            if entry.kind == EntryKind.WASTE:
                assert entry.quantity == balance % size
            balance = entry.balance_after
