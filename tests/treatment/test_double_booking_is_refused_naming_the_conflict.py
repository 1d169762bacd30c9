"""A room, a clinician or a patient cannot be in two appointments at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kapcare.accounts.actors import Actor
from kapcare.audit.models import AuditEvent
from kapcare.treatment.booking import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from kapcare.treatment.models import Appointment, AppointmentStatus, Room

NINE = dt.datetime(2026, 12, 7, 16, 0, tzinfo=dt.UTC)  # 09:00 in Denver


def actor(world: Any, persona: str = "nurse") -> Actor:
    m = world.memberships[persona]
    return Actor(user=m.user, clinic=world.cedar, role=m.role, membership=m)


def book(world: Any, patient: Any, start: dt.datetime, hours: int = 2, **kw: Any) -> Appointment:
    return appointment_book(
        actor=actor(world),
        patient=patient,
        kind=kw.pop("kind", "dosing"),
        start=start,
        end=start + dt.timedelta(hours=hours),
        **kw,
    )


@pytest.fixture
def rooms(world: Any) -> tuple[Room, Room]:
    return (
        Room.objects.create(clinic=world.cedar, name="Willow room", equipment_notes="Monitor"),
        Room.objects.create(clinic=world.cedar, name="Aspen room"),
    )


def test_a_room_already_booked_is_refused_with_its_name_and_time(world: Any, rooms: Any) -> None:
    book(world, world.jordan, NINE, room=rooms[0])
    with pytest.raises(ValidationError) as refused:
        book(world, world.sam, NINE + dt.timedelta(hours=1), room=rooms[0])
    assert refused.value.messages == ["Willow room is already booked Mon 07 Dec 09:00–11:00."]
    assert Appointment.objects.count() == 1


def test_a_clinician_already_booked_is_refused_by_name(world: Any, rooms: Any) -> None:
    therapist = world.memberships["therapist"]
    book(world, world.jordan, NINE, staff=therapist, room=rooms[0])
    with pytest.raises(ValidationError) as refused:
        book(world, world.sam, NINE, staff=therapist, room=rooms[1])
    assert refused.value.messages == ["Theo Okafor is already booked Mon 07 Dec 09:00–11:00."]


def test_a_patient_cannot_be_in_two_rooms_at_once(world: Any, rooms: Any) -> None:
    book(world, world.jordan, NINE, room=rooms[0])
    with pytest.raises(ValidationError) as refused:
        book(world, world.jordan, NINE + dt.timedelta(minutes=30), room=rooms[1], hours=1)
    assert (
        "Jordan" in refused.value.messages[0]
        and "already has an appointment" in (refused.value.messages[0])
    )


def test_back_to_back_appointments_do_not_conflict(world: Any, rooms: Any) -> None:
    book(world, world.jordan, NINE, room=rooms[0])
    book(world, world.sam, NINE + dt.timedelta(hours=2), room=rooms[0])
    assert Appointment.objects.count() == 2


def test_a_cancelled_appointment_frees_the_room_and_records_the_reason(
    world: Any, rooms: Any
) -> None:
    first = book(world, world.jordan, NINE, room=rooms[0])
    cancelled = appointment_cancel(actor=actor(world), appointment=first, reason="Flu")
    assert cancelled.status == AppointmentStatus.CANCELLED and cancelled.cancel_reason == "Flu"
    book(world, world.sam, NINE, room=rooms[0])
    assert AuditEvent.objects.filter(
        action="update", object_type="treatment.appointment", detail__reason="Flu"
    ).exists()


def test_cancelling_needs_a_reason(world: Any, rooms: Any) -> None:
    first = book(world, world.jordan, NINE, room=rooms[0])
    with pytest.raises(ValidationError, match="Say why"):
        appointment_cancel(actor=actor(world), appointment=first, reason="  ")


def test_a_cancellation_within_a_day_is_counted_as_late(world: Any, rooms: Any) -> None:
    from django.utils import timezone

    soon = book(world, world.jordan, timezone.now() + dt.timedelta(hours=5), room=rooms[0])
    assert appointment_cancel(actor=actor(world), appointment=soon, reason="Car").late_cancellation
    later = book(world, world.jordan, timezone.now() + dt.timedelta(days=5), room=rooms[0])
    assert not appointment_cancel(
        actor=actor(world), appointment=later, reason="x"
    ).late_cancellation


def test_rescheduling_into_a_taken_slot_is_refused_and_leaves_the_appointment(
    world: Any, rooms: Any
) -> None:
    book(world, world.sam, NINE, room=rooms[0])
    moving = book(world, world.jordan, NINE + dt.timedelta(days=1), room=rooms[0])
    with pytest.raises(ValidationError, match="Willow room is already booked"):
        appointment_reschedule(
            actor=actor(world),
            appointment=moving,
            start=NINE,
            end=NINE + dt.timedelta(hours=2),
            staff=None,
            room=rooms[0],
        )
    moving.refresh_from_db()
    assert moving.start == NINE + dt.timedelta(days=1)
    moved = appointment_reschedule(
        actor=actor(world),
        appointment=moving,
        start=NINE,
        end=NINE + dt.timedelta(hours=2),
        staff=None,
        room=rooms[1],
    )
    assert moved.room == rooms[1] and moved.version == 2


def test_another_clinics_room_cannot_be_booked(world: Any) -> None:
    harbor_room = Room.objects.create(clinic=world.harbor, name="Bay")
    with pytest.raises(ValidationError, match="active room of this clinic"):
        book(world, world.jordan, NINE, room=harbor_room)


def test_no_shows_and_late_cancellations_are_counted_on_the_plan_tab(
    world: Any, rooms: Any, client_for: Any
) -> None:
    from django.urls import reverse
    from django.utils import timezone

    soon = book(world, world.jordan, timezone.now() + dt.timedelta(hours=5), room=rooms[0])
    appointment_cancel(actor=actor(world), appointment=soon, reason="Car broke down")
    missed = book(world, world.jordan, NINE, room=rooms[0])
    appointment_cancel(actor=actor(world), appointment=missed, reason="Did not come", no_show=True)
    page = client_for("nurse").get(reverse("treatment:plan", args=[world.jordan.pk]))
    text = page.content.decode()
    assert "No-shows: <strong>1</strong>" in text
    assert "late cancellations (less than a day ahead): <strong>1</strong>" in text
