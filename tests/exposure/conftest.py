"""Helpers for exposure tests: a course begun weeks ago and sessions with doses given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tests.dosing.conftest import actor_of, dosing_appointment, signed_plan


def course(world: Any, patient: Any = None, days_ago: int = 60) -> Any:
    """A signed plan for the patient, signed ``days_ago``: the course starts then."""
    from kapcare.treatment.models import TreatmentPlanRecord

    patient = patient or world.jordan
    plan = signed_plan(world, patient)
    TreatmentPlanRecord.objects.filter(pk=plan.pk).update(
        signed_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    plan.refresh_from_db()
    return plan


def dosed(
    world: Any,
    plan: Any,
    *,
    days_ago: float,
    doses: tuple[str, ...] = ("50",),
    weight: str | None = "80",
    state: str = "discharged",
) -> Any:
    """A session ``days_ago`` with its administrations (recorded directly: set-up only)."""
    from kapcare.dosing.models import Administration, DoseOrder, DosingSession
    from kapcare.dosing.services import session_open

    appointment = dosing_appointment(world, plan.patient, plan, hours=-24 * days_ago)
    session = session_open(actor=actor_of(world, "nurse"), appointment=appointment)
    DosingSession.objects.filter(pk=session.pk).update(
        state=state,
        weight_kg=Decimal(weight) if weight else None,
        abort_reason="Patient asked to stop" if state == "aborted" else "",
    )
    started = appointment.start + dt.timedelta(minutes=30)
    order = DoseOrder.objects.create(
        session=session, dose_mg=Decimal(doses[0]), ordered_by=world.users["prescriber"]
    )
    for number, mg in enumerate(doses):
        Administration.objects.create(
            session=session,
            order=order,
            product="Ketamine 10 mg/mL",
            lot="T-1",
            expiry=dt.date(2030, 1, 1),
            route=session.route,
            site="Left arm",
            dose_mg=Decimal(mg),
            started_at=started + dt.timedelta(minutes=5 * number),
            given_by=world.users["nurse"],
            checked_by=world.users["prescriber"],
        )
    session.refresh_from_db()
    return session


NO_SYMPTOMS = {
    "frequency": "no",
    "urgency": "no",
    "painful_urination": "no",
    "blood_in_urine": "no",
    "bladder_pain": "no",
    "incontinence": "no",
}
