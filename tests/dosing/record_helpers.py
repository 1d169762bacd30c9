"""Helpers for the in-session record tests: a session with its dose running, and console posts."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from kapcare.dosing import administration as admin
from kapcare.dosing import services
from kapcare.dosing.observations import observation_record
from tests.dosing.conftest import actor_of, force_state, open_session

LOT = {"product": "Ketamine 10 mg/mL", "lot": "KX-2291", "site": "Left arm"}


def running(
    world: Any,
    patient: Any = None,
    template: str = "iv_racemic_induction",
    minutes_ago: int = 20,
    give: bool = True,
) -> Any:
    """A session in the dosing state with a checked order and (for IV) the infusion hung."""
    session = open_session(world, patient, template=template)
    weight = Decimal("80") if template.startswith(("iv", "im")) else None
    force_state(session, "ready", weight_kg=weight)
    order = admin.dose_order_create(
        actor=actor_of(world, "prescriber"),
        session=session,
        concentration_mg_per_ml="10" if weight else None,
    )
    admin.dose_order_check(actor=actor_of(world, "nurse"), order=order)
    session.refresh_from_db()
    services.session_start_dose(
        actor=actor_of(world, "nurse"), session=session, version=session.version
    )
    session.refresh_from_db()
    if give:
        admin.administration_record(
            actor=actor_of(world, "nurse"),
            session=session,
            checked_by=world.users["prescriber"],
            expiry=timezone.localdate() + dt.timedelta(days=90),
            dose_mg=order.dose_mg if weight else 28,
            started_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
            **LOT,
        )
    return session


def post(client: Any, session: Any, action: str, key: str = "", **data: Any) -> Any:
    body = {"action": action, "idempotency_key": key or uuid.uuid4().hex, **data}
    url = reverse("dosing:session_action", args=[session.patient_id, session.pk])
    return client.post(url, body, follow=True)


def console(client: Any, session: Any) -> Any:
    return client.get(reverse("dosing:console", args=[session.patient_id, session.pk]))


def discharged_esketamine(
    world: Any, patient: Any = None, days_ago: int = 0, readings: int = 3
) -> Any:
    """An esketamine session observed for 130 minutes and discharged ``days_ago`` days ago."""
    session = running(world, patient, template="esketamine_label_induction", give=False)
    nurse = actor_of(world, "nurse")
    now = timezone.now()
    services.vitals_record(
        actor=nurse,
        session=session,
        phase="pre_dose",
        systolic=128,
        diastolic=80,
        heart_rate=72,
        spo2=98,
        taken_at=now - dt.timedelta(minutes=200),
    )
    for n in range(readings):
        services.vitals_record(
            actor=nurse,
            session=session,
            phase="dosing" if n == 0 else "recovery",
            systolic=150 + n,
            diastolic=92,
            heart_rate=80,
            spo2=93 if n == 0 else 97,
            respiratory_rate=14,
            moaas=3 if n == 0 else 5,
            taken_at=now - dt.timedelta(minutes=100 - n),
        )
    observation_record(actor=nurse, session=session, dissociation="moderate", moaas=4)
    started = now - dt.timedelta(minutes=140)
    discharged = now - dt.timedelta(days=days_ago)
    return force_state(
        session,
        "discharged",
        dose_started_at=started - dt.timedelta(days=days_ago),
        discharged_at=discharged,
    )
