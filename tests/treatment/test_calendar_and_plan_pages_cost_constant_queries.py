"""The calendar shows the clinic's week by room or clinician, in clinic time, at a fixed cost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kapcare.treatment.models import Appointment, Room
from kapcare.treatment.preparation import checklist_create

MONDAY_NINE_DENVER = dt.datetime(2026, 12, 7, 16, 0, tzinfo=dt.UTC)
SOON = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)


def fill(world: Any, rooms: int, per_room: int, first: dt.datetime = MONDAY_NINE_DENVER) -> None:
    staff = [world.memberships[p] for p in ("therapist", "nurse", "therapist2")]
    for r in range(rooms):
        room = Room.objects.create(clinic=world.cedar, name=f"Room {Room.objects.count() + 1}")
        for i in range(per_room):
            start = first + dt.timedelta(days=i % 5, hours=3 * (i // 5))
            appointment = Appointment.objects.create(
                clinic=world.cedar,
                patient=world.jordan if (r + i) % 2 else world.sam,
                kind="dosing",
                room=room,
                staff=staff[(r + i) % 3],
                start=start,
                end=start + dt.timedelta(hours=2),
                created_by=world.users["nurse"],
            )
            checklist_create(appointment)


def count(client: Any, url: str) -> int:
    client.get(url)  # the first request of a session does its own bookkeeping
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_week_shows_appointments_in_clinic_time_by_room_and_by_clinician(
    world: Any, client_for: Any
) -> None:
    fill(world, rooms=1, per_room=1)
    client = client_for("admin")
    by_room = client.get(reverse("treatment:calendar") + "?date=2026-12-09").content.decode()
    assert "Room 1" in by_room and "09:00–11:00" in by_room and "Mon 7 Dec" in by_room
    assert "Sam Lee" in by_room
    by_staff = client.get(
        reverse("treatment:calendar") + "?date=2026-12-07&by=staff&span=day"
    ).content.decode()
    assert "Tess Ward" in by_staff and "Room 1" in by_staff


def test_the_calendar_costs_the_same_queries_for_one_or_many_appointments(
    world: Any, client_for: Any
) -> None:
    client = client_for("nurse")
    url = reverse("treatment:calendar") + "?date=2026-12-07"
    fill(world, rooms=1, per_room=1)
    few = count(client, url)
    fill(world, rooms=3, per_room=10)
    assert count(client, url) == few
    staff_url = url + "&by=staff"
    assert count(client, staff_url) == few


def test_the_plan_tab_costs_the_same_queries_for_few_or_many_appointments(
    world: Any, client_for: Any
) -> None:
    client = client_for("prescriber")
    url = reverse("treatment:plan", args=[world.jordan.pk])
    fill(world, rooms=1, per_room=2)
    few = count(client, url)
    fill(world, rooms=3, per_room=10)
    assert count(client, url) == few


def test_the_portal_appointments_page_costs_the_same_queries(world: Any, client_for: Any) -> None:
    client = client_for("patient")
    url = reverse("treatment:my_appointments")
    fill(world, rooms=1, per_room=2, first=SOON)
    few = count(client, url)
    fill(world, rooms=2, per_room=10, first=SOON)
    assert count(client, url) == few
