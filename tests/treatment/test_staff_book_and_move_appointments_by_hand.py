"""Staff book one appointment or move one, in clinic time, with the same conflict rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from kapcare.treatment.models import Appointment, Room


def test_a_dosing_slot_defaults_to_the_observation_length_in_clinic_time(
    world: Any, client_for: Any
) -> None:
    room = Room.objects.create(clinic=world.cedar, name="Willow room")
    response = client_for("nurse").post(
        reverse("treatment:appointment_new", args=[world.jordan.pk]),
        {"kind": "dosing", "day": "2026-12-07", "at": "09:00", "room": room.pk},
    )
    assert response.status_code == 302
    booked = Appointment.objects.get()
    assert booked.start == dt.datetime(2026, 12, 7, 16, 0, tzinfo=dt.UTC)
    assert booked.end - booked.start == dt.timedelta(minutes=195)
    assert booked.checklist.items.count() == 6


def test_a_time_in_the_spring_forward_gap_is_refused_with_the_reason(
    world: Any, client_for: Any
) -> None:
    response = client_for("nurse").post(
        reverse("treatment:appointment_new", args=[world.jordan.pk]),
        {"kind": "consultation", "day": "2027-03-14", "at": "02:30"},
    )
    assert response.status_code == 400
    assert "falls in the clock change" in response.content.decode()
    assert not Appointment.objects.exists()


def test_moving_into_a_taken_room_names_the_clash(world: Any, client_for: Any) -> None:
    room = Room.objects.create(clinic=world.cedar, name="Willow room")
    client = client_for("nurse")
    url = reverse("treatment:appointment_new", args=[world.jordan.pk])
    client.post(url, {"kind": "dosing", "day": "2026-12-07", "at": "09:00", "room": room.pk})
    client.post(
        reverse("treatment:appointment_new", args=[world.sam.pk]),
        {"kind": "dosing", "day": "2026-12-08", "at": "09:00", "room": room.pk},
    )
    sams = Appointment.objects.get(patient=world.sam)
    move = reverse("treatment:appointment_move", args=[world.sam.pk, sams.pk])
    assert client.get(move).status_code == 200
    response = client.post(move, {"day": "2026-12-07", "at": "10:00", "room": room.pk})
    assert response.status_code == 400
    assert "Willow room is already booked Mon 07 Dec 09:00–12:15" in response.content.decode()
    ok = client.post(move, {"day": "2026-12-09", "at": "13:00", "room": room.pk})
    assert ok.status_code == 302
    sams.refresh_from_db()
    assert sams.start == dt.datetime(2026, 12, 9, 20, 0, tzinfo=dt.UTC)
    assert sams.end - sams.start == dt.timedelta(minutes=195)
