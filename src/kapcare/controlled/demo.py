"""Demo data for the controlled-substance log: a stock ledger with receipts, draws and a waste.

Runs after the dosing demo: the demo's administrations are drawn from the lot of
their form, the rest of an opened vial is wasted with a witness, and the 10 mg/mL
lot is counted by two people. Safe to run twice: nothing is added once the demo
clinic has a stock lot.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.accounts.models import Clinic, Membership
from kapcare.clinical.ledger import FORM_FOR_ROUTE, StockForm
from kapcare.clinical.routes import Route
from kapcare.controlled import services
from kapcare.controlled.models import StockLot
from kapcare.dosing.models import Administration

CEDAR_GROVE = "Cedar Grove Ketamine Clinic"
#: (product, form, strength mg, lot number, days to expiry, received quantity)
LOTS = (
    ("Ketamine HCl 10 mg/mL", StockForm.VIAL, "10", "DEMO-2291", 200, "200"),
    ("Ketamine HCl 50 mg/mL", StockForm.VIAL, "50", "DEMO-5040", 300, "100"),
    ("Spravato 28 mg nasal device", StockForm.DEVICE, "28", "DEMO-2291", 250, "24"),
)


def _staff(clinic: Clinic, email: str) -> Actor:
    membership = Membership.objects.select_related("user").get(clinic=clinic, user__email=email)
    return Actor(user=membership.user, clinic=clinic, role=membership.role, membership=membership)


@transaction.atomic
def seed() -> None:
    clinic = Clinic.objects.filter(name=CEDAR_GROVE).first()
    if clinic is None or StockLot.objects.filter(clinic=clinic).exists():
        return
    nurse = _staff(clinic, "nurse@example.com")
    prescriber = _staff(clinic, "prescriber@example.com")
    today = timezone.localdate()
    lots: dict[StockForm, StockLot] = {}
    for product, form, strength, number, days, quantity in LOTS:
        entry = services.stock_receive(
            actor=nurse,
            product=product,
            form=form,
            strength_mg=strength,
            lot_number=number,
            expiry=today + dt.timedelta(days=days),
            location="Main safe",
            quantity=quantity,
            supplier="Demo Pharma Distribution",
            reason="Invoice DEMO-INV-1",
        )
        lots.setdefault(form, entry.lot)
    given = Administration.objects.filter(
        session__clinic=clinic, stock_draw__isnull=True
    ).select_related("session__patient", "given_by")
    for administration in given.order_by("started_at", "pk"):
        lot = lots.get(FORM_FOR_ROUTE[Route(administration.route)])
        if lot is None:
            continue
        giver = _staff(clinic, administration.given_by.email)
        services.draw_for_administration(actor=giver, lot=lot, administration=administration)
    vial = lots[StockForm.VIAL]
    services.waste_record(
        actor=nurse,
        lot=vial,
        quantity="4.4",
        reason="Rest of an opened 10 mL single-dose vial",
        witness_id=prescriber.user.pk,
        witness_password=_demo_password(),
    )
    services.count_record(
        actor=nurse,
        lot=vial,
        counted=services.current_balance(vial),
        witness_id=prescriber.user.pk,
        witness_password=_demo_password(),
        counter_confirms=True,
        witness_confirms=True,
        note="End-of-day count",
    )


def _demo_password() -> str:
    from kapcare.demo.seed import DEMO_PASSWORD

    return DEMO_PASSWORD
