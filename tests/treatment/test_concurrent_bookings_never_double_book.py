"""Two bookings of one room at the same moment: exactly one wins (PostgreSQL, real row locks)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kapcare.treatment.booking import appointment_book
from kapcare.treatment.models import Appointment, Room
from tests.conftest import build_world
from tests.treatment.test_double_booking_is_refused_naming_the_conflict import NINE, actor


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_bookings_of_one_room_leave_one_appointment() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with row locks; the SQLite writer lock serialises")
    world = build_world()
    room = Room.objects.create(clinic=world.cedar, name="Willow room")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def booker(patient: Any) -> None:
        from django.db import connections

        try:
            barrier.wait()
            appointment_book(
                actor=actor(world),
                patient=patient,
                kind="dosing",
                start=NINE,
                end=NINE + dt.timedelta(hours=3),
                room=room,
            )
            outcomes.append("booked")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=booker, args=(p,)) for p in (world.jordan, world.sam)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[0] == "Willow room is already booked Mon 07 Dec 09:00–12:00."
    assert outcomes.count("booked") == 1
    assert Appointment.objects.filter(room=room).count() == 1
