"""Synthetic controlled-substance stock: the ledger each clinic's safe would have kept.

Part of ``kapcare seed`` (see ``kapcare.demo.synthetic``); runs after the dosing
generator. For every product a clinic's sessions used (10 mg/mL vials for IV, 50 mg/mL
vials for IM, 28 mg esketamine devices, 150 mg sublingual tablets) the clinic keeps lots
in its safe and draws each dose, as ``services.draw_for_administration`` would, from the
first lot to expire that holds enough. A delivery arrives before a draw would take the
product below its reorder level: more of the newest lot, or a new lot. A lot close to its
expiry is closed out (the open vial wasted, sealed stock returned for destruction); the
rest of a multi-dose vial is wasted 28 days after it was first drawn from; waste and
returns are witnessed; and every lot in the safe is counted by two people at the end of
each week the clinic dosed, matching the book. Balances come from the pure ledger
(``kapcare.clinical.ledger.apply``), so they are the ones ``services._append`` would
have written, and every entry has the audit row its service writes.

The dosing generator names a made-up lot for each session; once a dose is drawn, the
administration is given the drawn lot's number and expiry, which is where
``administration_record`` takes them from when a clinic keeps a stock log.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from kapcare.accounts.models import Clinic, Membership, Role
from kapcare.audit.models import Action
from kapcare.clinical.ledger import FORM_FOR_ROUTE, EntryKind, StockForm, apply, draw_for_dose
from kapcare.clinical.routes import Route
from kapcare.controlled.models import LedgerEntry, StockCount, StockLot
from kapcare.demo.synthetic import BATCH, Network, bulk_insert
from kapcare.dosing.models import Administration
from kapcare.dosing.synthetic import CONCENTRATION, PRODUCT

SAFE = "Main safe"
#: a lot is closed out this close to its expiry, and not topped up this close to it
CLOSE_OUT_BEFORE_EXPIRY = dt.timedelta(days=30)
NEW_LOT_BEFORE_EXPIRY = dt.timedelta(days=120)
#: share of deliveries that bring more of the newest lot rather than a new lot
SAME_LOT_SHARE = 0.5
#: an opened multi-dose vial is discarded this long after its first draw (USP <797>)
OPEN_VIAL_USE = dt.timedelta(days=28)
RETURNED_TO = "Reverse distributor, for destruction"
COUNT_NOTE = "End-of-week count"


@dataclass(frozen=True)
class Product:
    """A product a clinic stocks for one route, and how it is ordered (clinic choices)."""

    name: str
    form: StockForm
    strength_mg: Decimal
    #: mL in one vial; 1 for a device or a tablet
    unit_size: Decimal
    #: units (vials, devices, tablets) in one delivery
    deliveries: tuple[int, ...]
    #: a delivery arrives before a draw would leave less than this
    reorder_below: Decimal
    #: days of shelf life a delivered lot has left: (fewest, most)
    shelf_days: tuple[int, int]
    lot_prefix: str
    supplier: str


PRODUCTS: dict[Route, Product] = {
    Route.IV_RACEMIC: Product(
        PRODUCT[Route.IV_RACEMIC],
        StockForm.VIAL,
        CONCENTRATION[Route.IV_RACEMIC],
        Decimal(20),
        (5, 10),
        Decimal(40),
        (420, 900),
        "KA",
        "Front Range Medical Supply",
    ),
    Route.IM_RACEMIC: Product(
        PRODUCT[Route.IM_RACEMIC],
        StockForm.VIAL,
        CONCENTRATION[Route.IM_RACEMIC],
        Decimal(10),
        (5, 10),
        Decimal(20),
        (420, 900),
        "KB",
        "Front Range Medical Supply",
    ),
    Route.SUBLINGUAL_RACEMIC: Product(
        PRODUCT[Route.SUBLINGUAL_RACEMIC],
        StockForm.TABLET,
        Decimal(150),
        Decimal(1),
        (30, 60),
        Decimal(12),
        (150, 270),
        "RD",
        "Summit Compounding Pharmacy",
    ),
    Route.INTRANASAL_ESKETAMINE: Product(
        PRODUCT[Route.INTRANASAL_ESKETAMINE],
        StockForm.DEVICE,
        Decimal(28),
        Decimal(1),
        (12, 24, 36),
        Decimal(9),
        (365, 720),
        "EK",
        "Specialty distributor (Spravato REMS)",
    ),
}
assert all(FORM_FOR_ROUTE[route] is p.form for route, p in PRODUCTS.items())


@dataclass(eq=False)
class _Lot:
    """A lot while its history is written: the row to insert and its running state."""

    row: StockLot
    product: Product
    route: Route
    #: the order lots were received in, within the clinic
    number: int
    balance: Decimal = Decimal(0)
    seq: int = 0
    #: the day the vial now open was first drawn from
    opened_on: dt.date | None = None
    administration_ids: list[int] = field(default_factory=list)

    @property
    def open_vial(self) -> Decimal:
        """mL left in the punctured vial (deliveries and close-outs move whole vials)."""
        if self.product.form is not StockForm.VIAL:
            return Decimal(0)
        return self.balance % self.product.unit_size


@dataclass
class _Entry:
    lot: _Lot
    seq: int
    kind: EntryKind
    quantity: Decimal
    balance_after: Decimal
    actor: Membership
    at: dt.datetime
    witness: Membership | None = None
    reason: str = ""
    destination: str = ""
    administration_id: int | None = None
    patient_id: int | None = None
    count: StockCount | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class _Safe:
    """One clinic's safe while its ledger is written, in the order things happened."""

    def __init__(
        self,
        clinic: Clinic,
        staff: dict[str, list[Membership]],
        taken: set[tuple[str, str]],
        rng: random.Random,
    ) -> None:
        self.clinic = clinic
        self.rng = rng
        self.taken = taken
        self.nurses = staff[Role.NURSE]
        self.receivers = staff[Role.NURSE] + staff[Role.ADMIN]
        self.handlers = staff[Role.NURSE] + staff[Role.PRESCRIBER] + staff[Role.ADMIN]
        self.people = {m.user_id: m for members in staff.values() for m in members}
        self.lots: list[_Lot] = []
        #: lots in the safe with something left, per route, first to expire first
        self.live: dict[Route, list[_Lot]] = {}
        self.newest: dict[Route, _Lot] = {}
        self.entries: list[_Entry] = []
        self.last_at: dt.datetime | None = None
        self.week: tuple[int, int] | None = None

    # The day's work ------------------------------------------------------------

    def draw(self, row: tuple[int, str, Decimal, dt.datetime, int, int]) -> None:
        """One administration's draw, after whatever the safe needed first."""
        administration_id, route_value, dose_mg, at, given_by_id, patient_id = row
        route = Route(route_value)
        product = PRODUCTS[route]
        nurse = self.people[given_by_id]
        self._count_if_new_week(at)
        amount = draw_for_dose(product.form, Decimal(dose_mg), product.strength_mg)
        lots = self.live.setdefault(route, [])
        for lot in [lot for lot in lots if lot.row.expiry - at.date() < CLOSE_OUT_BEFORE_EXPIRY]:
            self._close_out(lot, nurse, at)
        for lot in [lot for lot in lots if lot.open_vial and self._past_use(lot, at)]:
            self._waste_open_vial(lot, nurse, at, "a multi-dose vial 28 days after opening")
        in_stock = sum((lot.balance for lot in lots), Decimal(0))
        if in_stock - amount < product.reorder_below or all(lot.balance < amount for lot in lots):
            self._receive(route, at)
        lot = next(lot for lot in lots if lot.balance >= amount)  # first to expire, as kept
        sealed_before = lot.balance // product.unit_size
        entry = self._append(
            lot,
            EntryKind.DRAW,
            amount,
            nurse,
            at,
            administration_id=administration_id,
            patient_id=patient_id,
            detail={"administration": administration_id},
        )
        if entry.balance_after // product.unit_size < sealed_before:
            lot.opened_on = at.date()
        lot.administration_ids.append(administration_id)
        self.last_at = at

    def _receive(self, route: Route, before: dt.datetime) -> None:
        """A delivery: more of the newest lot while it is far from expiry, or a new lot."""
        product = PRODUCTS[route]
        at = self._moment(before)
        actor = self.rng.choice(self.receivers)
        lots = self.live[route]
        newest = self.newest.get(route)
        lot = None
        if (
            newest is not None
            and newest in lots
            and newest.row.expiry - at.date() >= NEW_LOT_BEFORE_EXPIRY
        ):
            lot = newest if self.rng.random() < SAME_LOT_SHARE else None
        created = lot is None
        if lot is None:
            lot = _Lot(
                StockLot(
                    clinic_id=self.clinic.pk,
                    product=product.name,
                    form=product.form.value,
                    strength_mg=product.strength_mg,
                    lot_number=self._lot_number(product, at),
                    expiry=at.date() + dt.timedelta(days=self.rng.randint(*product.shelf_days)),
                    location=SAFE,
                    supplier=product.supplier,
                    source_lot_id=None,
                    received_by_id=actor.user_id,
                    created_at=at,
                ),
                product,
                route,
                len(self.lots),
            )
            self.lots.append(lot)
            self.newest[route] = lot
            lots.append(lot)
            lots.sort(key=lambda kept: (kept.row.expiry, kept.number))
        units = self.rng.choice(product.deliveries)
        self._append(
            lot,
            EntryKind.RECEIPT,
            units * product.unit_size,
            actor,
            at,
            reason=f"Invoice {at:%y%m%d}-{self.rng.randint(100, 999)}",
            detail={"supplier": product.supplier, "new_lot": created},
        )

    def _close_out(self, lot: _Lot, actor: Membership, before: dt.datetime) -> None:
        """A short-dated lot leaves the safe: the open vial wasted, the rest returned."""
        if lot.open_vial:
            self._waste_open_vial(lot, actor, before, "a vial of a short-dated lot")
        if lot.balance:
            witness = self._witness(actor)
            self._append(
                lot,
                EntryKind.TRANSFER_OUT,
                lot.balance,
                actor,
                self._moment(before),
                witness=witness,
                destination=RETURNED_TO,
                reason=f"Short-dated: expires {lot.row.expiry:%d %b %Y}",
                detail={"witness": witness.user_id, "destination": RETURNED_TO},
            )

    def _waste_open_vial(self, lot: _Lot, actor: Membership, before: dt.datetime, why: str) -> None:
        witness = self._witness(actor)
        self._append(
            lot,
            EntryKind.WASTE,
            lot.open_vial,
            actor,
            self._moment(before),
            witness=witness,
            reason=f"Rest of {why}",
            detail={"witness": witness.user_id},
        )
        lot.opened_on = None

    def _count_if_new_week(self, at: dt.datetime) -> None:
        """Two people count every live lot after the last work of a week, before the next."""
        week = at.isocalendar()[:2]
        if self.week is not None and week != self.week and self.last_at is not None:
            counted_at = self.last_at + dt.timedelta(minutes=self.rng.randint(20, 60))
            counted_at = min(counted_at, self.last_at + (at - self.last_at) / 2)
            for lot in [lot for route in sorted(self.live) for lot in self.live[route]]:
                counter = self.rng.choice(self.nurses)
                witness = self._witness(counter)
                count = StockCount(
                    expected=lot.balance,
                    counted=lot.balance,
                    difference=Decimal(0),
                    counted_by_id=counter.user_id,
                    witnessed_by_id=witness.user_id,
                    note=COUNT_NOTE,
                    counted_at=counted_at,
                )
                self._append(
                    lot,
                    EntryKind.COUNT,
                    lot.balance,
                    counter,
                    counted_at,
                    witness=witness,
                    reason=COUNT_NOTE,
                    count=count,
                    detail={
                        "witness": witness.user_id,
                        "expected": str(lot.balance),
                        "difference": str(lot.balance - lot.balance),
                    },
                )
            self.last_at = counted_at
        self.week = week

    # Helpers ---------------------------------------------------------------------

    def _append(
        self,
        lot: _Lot,
        kind: EntryKind,
        quantity: Decimal,
        actor: Membership,
        at: dt.datetime,
        **fields: Any,
    ) -> _Entry:
        """The next entry of the lot, with the balance the pure ledger gives."""
        lot.balance = apply(lot.balance, kind, quantity)
        lot.seq += 1
        if not lot.balance:
            self.live[lot.route].remove(lot)  # used up or closed out: nothing left to count
        entry = _Entry(lot, lot.seq, kind, quantity, lot.balance, actor, at, **fields)
        self.entries.append(entry)
        return entry

    def _moment(self, before: dt.datetime) -> dt.datetime:
        """A time shortly before ``before`` and not before anything already written."""
        at = before - dt.timedelta(minutes=self.rng.randint(10, 40))
        if self.last_at is not None and at <= self.last_at:
            at = self.last_at + (before - self.last_at) / 2
        self.last_at = at
        return at

    @staticmethod
    def _past_use(lot: _Lot, at: dt.datetime) -> bool:
        return lot.opened_on is not None and at.date() - lot.opened_on > OPEN_VIAL_USE

    def _witness(self, actor: Membership) -> Membership:
        return self.rng.choice([m for m in self.handlers if m.user_id != actor.user_id])

    def _lot_number(self, product: Product, at: dt.datetime) -> str:
        while True:
            number = f"{product.lot_prefix}{at:%y}{self.rng.randint(10000, 99999)}"
            if (product.name, number) not in self.taken:
                self.taken.add((product.name, number))
                return number


def generate(network: Network, rng: random.Random, say: Callable[[str], None]) -> None:
    totals = dict.fromkeys(("lots", "entries", "draws", "wastes", "returns", "counts"), 0)
    for clinic in network.clinics:
        with transaction.atomic():
            safe = _Safe(clinic, network.staff[clinic.pk], _lot_numbers_of(clinic), rng)
            for row in _undrawn(clinic):
                safe.draw(row)
            _write(network, safe)
        kinds = [e.kind for e in safe.entries]
        totals["lots"] += len(safe.lots)
        totals["entries"] += len(kinds)
        totals["draws"] += kinds.count(EntryKind.DRAW)
        totals["wastes"] += kinds.count(EntryKind.WASTE)
        totals["returns"] += kinds.count(EntryKind.TRANSFER_OUT)
        totals["counts"] += kinds.count(EntryKind.COUNT)
    say(", ".join(f"{n} stock {what}" for what, n in totals.items()))


def _lot_numbers_of(clinic: Clinic) -> set[tuple[str, str]]:
    """Lot numbers the clinic already holds (from an earlier build), not to be reused."""
    return set(StockLot.objects.filter(clinic=clinic).values_list("product", "lot_number"))


def _undrawn(clinic: Clinic) -> list[tuple[int, str, Decimal, dt.datetime, int, int]]:
    """The clinic's administrations not yet drawn from stock, in the order they were recorded."""
    return list(
        Administration.objects.filter(session__clinic=clinic, stock_draw__isnull=True)
        .order_by("recorded_at", "pk")
        .values_list("pk", "route", "dose_mg", "recorded_at", "given_by_id", "session__patient_id")
    )


def _write(network: Network, safe: _Safe) -> None:
    bulk_insert(StockLot, [lot.row for lot in safe.lots])
    counts = []
    for entry in safe.entries:
        if entry.count is not None:
            entry.count.lot_id = entry.lot.row.pk
            counts.append(entry.count)
    bulk_insert(StockCount, counts)
    rows = [
        LedgerEntry(
            lot_id=e.lot.row.pk,
            seq=e.seq,
            kind=e.kind.value,
            quantity=e.quantity,
            balance_after=e.balance_after,
            actor_id=e.actor.user_id,
            witness_id=e.witness.user_id if e.witness else None,
            reason=e.reason,
            administration_id=e.administration_id,
            counterpart_id=None,
            destination=e.destination,
            correction_of_id=None,
            count_id=e.count.pk if e.count else None,
            created_at=e.at,
        )
        for e in safe.entries
    ]
    bulk_insert(LedgerEntry, rows)
    for entry, row in zip(safe.entries, rows, strict=True):
        network.audit_rows.append(_audit_row(safe.clinic, entry, row.pk))
    for lot in safe.lots:
        ids = lot.administration_ids
        for start in range(0, len(ids), BATCH):
            Administration.objects.filter(pk__in=ids[start : start + BATCH]).update(
                lot=lot.row.lot_number, expiry=lot.row.expiry
            )


def _audit_row(clinic: Clinic, entry: _Entry, entry_id: int) -> dict[str, Any]:
    """The row ``services._audit`` (or ``draw_for_administration``) writes for an entry."""
    return {
        "chain": clinic.pk,
        "occurred_at": entry.at,
        "actor_id": entry.actor.user_id,
        "actor_label": f"synthetic user {entry.actor.user_id}",
        "actor_role": entry.actor.role,
        "clinic_id": clinic.pk,
        "patient_id": entry.patient_id,
        "action": Action.CREATE.value,
        "object_type": LedgerEntry._meta.label_lower,
        "object_id": str(entry_id),
        "outcome": "success",
        "request_id": "",
        "ip": None,
        "detail": {
            "lot": entry.lot.row.pk,
            "kind": entry.kind.value,
            "quantity": str(entry.quantity),
            "balance_after": str(entry.balance_after),
            **entry.detail,
        },
    }
