"""Helpers for controlled-substance tests: a received lot and a dosing session ready to give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kapcare.controlled import services
from tests.dosing.conftest import actor_of, force_state, open_session

PASSWORD = "kapcare-test-pass"


def receive(world: Any, quantity: str = "100", **changes: Any) -> Any:
    """A lot of racemic ketamine 10 mg/mL in the main safe, received by the nurse."""
    fields: dict[str, Any] = {
        "product": "Ketamine HCl 10 mg/mL",
        "form": "vial",
        "strength_mg": "10",
        "lot_number": "KX-2291",
        "expiry": timezone.localdate() + dt.timedelta(days=180),
        "location": "Main safe",
        "quantity": quantity,
    }
    fields.update(changes)
    entry = services.stock_receive(actor=actor_of(world, "nurse"), **fields)
    return entry.lot


def witnessed(world: Any, persona: str = "prescriber", password: str = PASSWORD) -> dict[str, Any]:
    return {"witness_id": world.users[persona].pk, "witness_password": password}


def dosing_now(world: Any, template: str = "iv_racemic_induction") -> Any:
    """A session whose dose is ordered (at 10 mg/mL), checked and started."""
    from kapcare.dosing import administration as admin
    from kapcare.dosing import services as dosing

    session = open_session(world, template=template)
    force_state(session, "ready", weight_kg=Decimal(80))
    concentration = "10" if template.startswith("iv") else None
    order = admin.dose_order_create(
        actor=actor_of(world, "prescriber"), session=session, concentration_mg_per_ml=concentration
    )
    admin.dose_order_check(actor=actor_of(world, "nurse"), order=order)
    session.refresh_from_db()
    return dosing.session_start_dose(
        actor=actor_of(world, "nurse"), session=session, version=session.version
    )
