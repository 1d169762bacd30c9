"""Each transition checks its preconditions, writes one audit row, and refuses stale changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from kapcare.audit.models import AuditEvent
from kapcare.dosing import services
from kapcare.dosing.models import DosingSession, VitalsReading
from kapcare.dosing.services import SessionConflict
from tests.dosing.conftest import actor_of, force_state


def transitions(session: Any) -> list[dict[str, Any]]:
    return [
        e.detail
        for e in AuditEvent.objects.filter(
            object_type="dosing.dosingsession", object_id=str(session.pk)
        ).order_by("seq")
        if e.action in ("transition", "override")
    ]


def test_opening_twice_gives_the_same_session_with_the_plans_route(
    world: Any, session: Any
) -> None:
    again = services.session_open(actor=actor_of(world, "nurse"), appointment=session.appointment)
    assert again.pk == session.pk
    assert session.route == "iv_racemic"
    assert session.state == "scheduled"
    assert (
        AuditEvent.objects.filter(action="create", object_type="dosing.dosingsession").count() == 1
    )


def test_a_non_dosing_appointment_has_no_session(world: Any, session: Any) -> None:
    appointment = session.appointment
    appointment.kind = "consultation"
    with pytest.raises(ValidationError, match="dosing appointment"):
        services.session_open(actor=actor_of(world, "nurse"), appointment=appointment)


def test_check_in_moves_on_records_the_weight_and_audits(world: Any, session: Any) -> None:
    moved = services.session_check_in(
        actor=actor_of(world, "nurse"), session=session, version=1, weight_kg="80.0"
    )
    assert moved.state == "checked_in"
    assert moved.version == 2
    assert moved.checked_in_at is not None
    assert str(moved.weight_kg) == "80.0"
    assert transitions(session) == [{"from": "scheduled", "to": "checked_in", "weight_kg": "80.0"}]


@pytest.mark.parametrize("weight", ["abc", "19.9", "351", "-80"])
def test_a_bad_weight_is_refused_naming_the_field(world: Any, session: Any, weight: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.session_check_in(
            actor=actor_of(world, "nurse"), session=session, version=1, weight_kg=weight
        )
    assert "weight_kg" in caught.value.message_dict
    assert DosingSession.objects.get(pk=session.pk).state == "scheduled"


def test_a_second_tablet_acting_on_an_old_version_gets_a_clear_conflict(
    world: Any, session: Any
) -> None:
    nurse = actor_of(world, "nurse")
    services.session_check_in(actor=nurse, session=session, version=1)
    with pytest.raises(SessionConflict, match="now checked in") as caught:
        services.session_abort(actor=nurse, session=session, version=1, reason="Second tablet")
    assert caught.value.current.version == 2
    fresh = DosingSession.objects.get(pk=session.pk)
    assert (fresh.state, fresh.version, fresh.abort_reason) == ("checked_in", 2, "")


def test_ready_is_refused_listing_every_missing_gate_item(world: Any, session: Any) -> None:
    nurse = actor_of(world, "nurse")
    services.session_check_in(actor=nurse, session=session, version=1)
    with pytest.raises(ValidationError) as caught:
        services.session_mark_ready(actor=nurse, session=session, version=2)
    text = " ".join(caught.value.messages)
    for missing in ("Consent", "Eligibility", "Preparation", "Pre-dose vital signs", "Weight"):
        assert missing in text
    assert DosingSession.objects.get(pk=session.pk).state == "checked_in"


def test_skipping_a_step_is_refused_saying_what_is_allowed(world: Any, session: Any) -> None:
    with pytest.raises(ValidationError, match="can only become checked in or aborted"):
        services.session_start_dose(actor=actor_of(world, "nurse"), session=session, version=1)


def test_abort_needs_a_reason_and_ends_the_session(world: Any, session: Any) -> None:
    nurse = actor_of(world, "nurse")
    with pytest.raises(ValidationError, match="Say why"):
        services.session_abort(actor=nurse, session=session, version=1, reason="  ")
    aborted = services.session_abort(
        actor=nurse, session=session, version=1, reason="Patient unwell"
    )
    assert (aborted.state, aborted.abort_reason) == ("aborted", "Patient unwell")
    assert aborted.aborted_at is not None
    with pytest.raises(ValidationError, match="already aborted"):
        services.session_check_in(actor=nurse, session=aborted, version=aborted.version)


def _recovering(world: Any, session: Any, minutes_ago: int) -> Any:
    from django.utils import timezone

    ended = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return force_state(session, "recovery", dose_started_at=ended, recovery_at=ended)


BEDSIDE = {
    "escort_present": True,
    "no_driving_acknowledged": True,
    "steady_on_feet": True,
    "nausea_controlled": True,
}


def _calm(world: Any, session: Any, moaas: int = 5) -> VitalsReading:
    return services.vitals_record(
        actor=actor_of(world, "nurse"),
        session=session,
        phase="discharge",
        systolic=128,
        diastolic=80,
        heart_rate=72,
        spo2=98,
        moaas=moaas,
    )


def test_discharge_waits_for_the_observation_time_then_goes_through(
    world: Any, session: Any
) -> None:
    session = _recovering(world, session, minutes_ago=30)
    _calm(world, session)
    nurse = actor_of(world, "nurse")
    with pytest.raises(ValidationError) as caught:
        services.session_discharge(actor=nurse, session=session, version=session.version, **BEDSIDE)
    assert "minimum observation of 120 minutes" in " ".join(caught.value.messages)
    assert DosingSession.objects.get(pk=session.pk).state == "recovery"
    with time_machine.travel(dt.timedelta(minutes=91)):
        _calm(world, session)
        done = services.session_discharge(
            actor=nurse, session=session, version=session.version, **BEDSIDE
        )
    assert done.state == "discharged"
    assert done.discharge_unmet == []
    assert transitions(session)[-1]["to"] == "discharged"


def test_only_a_prescriber_overrides_unmet_criteria_with_a_reason(world: Any, session: Any) -> None:
    session = _recovering(world, session, minutes_ago=10)
    _calm(world, session, moaas=3)
    with pytest.raises(PermissionDenied):
        services.session_discharge(
            actor=actor_of(world, "nurse"),
            session=session,
            version=session.version,
            override_reason="Family insists",
            **BEDSIDE,
        )
    assert AuditEvent.objects.filter(action="denied", detail__permission="dose.order").exists()
    done = services.session_discharge(
        actor=actor_of(world, "prescriber"),
        session=session,
        version=session.version,
        override_reason="Transferred to the ED by ambulance",
        **BEDSIDE,
    )
    assert done.state == "discharged"
    assert done.discharge_override_reason == "Transferred to the ED by ambulance"
    assert done.discharge_override_by == world.users["prescriber"]
    assert any("MOAA/S is 3" in u for u in done.discharge_unmet)
    event = AuditEvent.objects.filter(action="override", object_id=str(session.pk)).get()
    assert "observation_time" in event.detail["unmet"]


def test_readings_are_assessed_and_never_edited(world: Any, session: Any) -> None:
    reading = services.vitals_record(
        actor=actor_of(world, "nurse"),
        session=session,
        phase="pre_dose",
        systolic=150,
        diastolic=95,
        heart_rate=88,
        spo2=98,
    )
    assert any(f["severity"] == "warn" for f in reading.findings)
    reading.systolic = 120
    with pytest.raises(RuntimeError, match="never edited"):
        reading.save()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"systolic": 80, "diastolic": 90}, "systolic"),
        ({"spo2": 101}, "spo2"),
        ({"moaas": 6}, "moaas"),
        ({"phase": "lunch"}, "phase"),
    ],
)
def test_implausible_readings_are_refused_naming_the_field(
    world: Any, session: Any, values: dict[str, Any], field: str
) -> None:
    data: dict[str, Any] = {
        "phase": "pre_dose",
        "systolic": 120,
        "diastolic": 80,
        "heart_rate": 70,
        "spo2": 98,
    }
    data.update(values)
    with pytest.raises(ValidationError) as caught:
        services.vitals_record(actor=actor_of(world, "nurse"), session=session, **data)
    assert field in caught.value.message_dict
    assert not VitalsReading.objects.exists()
