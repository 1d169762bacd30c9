"""Dosing sessions booked the real way (so the next-day reflection exists), for the
integration and support tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.dosing.conftest import actor_of, force_state, signed_plan
from tests.integration.helpers import staff_actor


def reflections_in_plan(world: Any, patient: Any = None) -> Any:
    """The standing order that makes a next-day reflection for every booked session."""
    from kapcare.measures import services as measures

    return measures.assignment_create(
        actor=staff_actor(world, "therapist"),
        patient=patient or world.jordan,
        instrument="post_session_reflection",
        schedule="after_session",
    )


def book(world: Any, *, start: dt.datetime, patient: Any = None, number: int = 1) -> Any:
    from kapcare.treatment.booking import appointment_book
    from kapcare.treatment.models import TreatmentPlanRecord

    patient = patient or world.jordan
    plan = TreatmentPlanRecord.objects.filter(patient=patient, status="signed").first()
    return appointment_book(
        actor=actor_of(world, "nurse"),
        patient=patient,
        kind="dosing",
        start=start,
        end=start + dt.timedelta(hours=3),
        plan=plan or signed_plan(world, patient),
        dose_number=number,
    )


def held_session(
    world: Any,
    *,
    days_ago: float = 2,
    state: str = "recovery",
    patient: Any = None,
    number: int = 1,
) -> Any:
    """A session booked ``days_ago`` and run up to ``state`` (set directly)."""
    from kapcare.dosing.services import session_open

    start = timezone.now() - dt.timedelta(days=days_ago)
    appointment = book(world, start=start, patient=patient, number=number)
    session = session_open(actor=actor_of(world, "nurse"), appointment=appointment)
    return force_state(
        session,
        state,
        dose_started_at=start + dt.timedelta(minutes=20),
        recovery_at=start + dt.timedelta(minutes=60),
    )


def discharge(world: Any, session: Any) -> Any:
    """Discharge through the service (a prescriber's override: the observation time is
    not what these tests are about)."""
    from kapcare.dosing.services import session_discharge

    session.refresh_from_db()
    return session_discharge(
        actor=actor_of(world, "prescriber"),
        session=session,
        version=session.version,
        escort_present=True,
        no_driving_acknowledged=True,
        steady_on_feet=True,
        nausea_controlled=True,
        override_reason="Observed long enough at the bedside.",
    )
