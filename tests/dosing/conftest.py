"""Helpers for dosing tests: a signed plan, a dosing appointment and its session."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kapcare.accounts.actors import Actor
from tests.treatment.conftest import ready_sam  # noqa: F401  (fixture shared with treatment)


def actor_of(world: Any, persona: str) -> Actor:
    membership = world.memberships[persona]
    return Actor(user=membership.user, clinic=world.cedar, role=persona, membership=membership)


def signed_plan(world: Any, patient: Any, template: str = "iv_racemic_induction") -> Any:
    """A signed plan made directly (plan signing has its own tests in tests/treatment)."""
    from kapcare.clinical.plans import load_templates
    from kapcare.treatment.models import TreatmentPlanRecord
    from kapcare.treatment.plan_data import plan_to_json

    chosen = load_templates()[template].plan
    return TreatmentPlanRecord.objects.create(
        clinic=patient.clinic,
        patient=patient,
        version=1,
        route=chosen.route.value,
        indication="Depression",
        template_id=template,
        template_version="2026.1",
        content=plan_to_json(chosen),
        created_by=world.users["prescriber"],
        status="signed",
        signed_by=world.users["prescriber"],
        signed_at=timezone.now(),
    )


def dosing_appointment(world: Any, patient: Any, plan: Any = None, hours: float = 0) -> Any:
    from kapcare.treatment.models import Appointment
    from kapcare.treatment.preparation import checklist_create

    start = timezone.now() + dt.timedelta(hours=hours)
    appointment = Appointment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        plan=plan,
        kind="dosing",
        dose_number=1,
        start=start,
        end=start + dt.timedelta(hours=3),
        created_by=world.users["nurse"],
    )
    checklist_create(appointment)
    return appointment


def open_session(world: Any, patient: Any = None, template: str = "iv_racemic_induction") -> Any:
    from kapcare.dosing.services import session_open

    patient = patient or world.jordan
    plan = signed_plan(world, patient, template)
    appointment = dosing_appointment(world, patient, plan)
    return session_open(actor=actor_of(world, "nurse"), appointment=appointment)


def force_state(session: Any, state: str, **stamps: Any) -> Any:
    """Put a session straight into a state (test set-up only; services never do this)."""
    from kapcare.dosing.models import DosingSession

    DosingSession.objects.filter(pk=session.pk).update(state=state, **stamps)
    session.refresh_from_db()
    return session


@pytest.fixture
def session(world: Any) -> Any:
    return open_session(world)


def prepared(world: Any, session: Any, *, escort: bool = True) -> None:
    """The patient confirms every preparation item and the nurse confirms them at check-in."""
    from kapcare.treatment.preparation import checklist_check_in, checklist_complete

    checklist = session.appointment.checklist
    keys = set(checklist.items.values_list("key", flat=True))
    if not escort:
        keys.discard("escort")
    patient_actor = Actor(
        user=session.patient.user,
        clinic=session.patient.clinic,
        role="patient",
        patient=session.patient,
    )
    checklist_complete(
        actor=patient_actor,
        checklist=checklist,
        ticked=keys,
        escort_name="Robin Lee" if escort else "",
        escort_phone="+44 7700 900123" if escort else "",
        intention="To rest and notice.",
    )
    checklist_check_in(actor=actor_of(world, "nurse"), checklist=checklist, keys=keys)
