"""The clinic admin adds rooms and sets open days, closed dates, reminders and fasting hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.treatment.models import Room
from kapcare.treatment.schedule_settings import schedule_of

URL = "treatment:schedule_settings"


def test_the_admin_sets_open_days_closed_dates_and_reminders(world: Any, client_for: Any) -> None:
    client = client_for("admin")
    assert schedule_of(world.cedar).reminder_hours == (48, 24)
    response = client.post(
        reverse(URL),
        {
            "form": "schedule",
            "open_weekdays": ["1", "2", "3"],
            "closed_dates": "2026-12-24\n2026-12-25",
            "preferred_time": "08:30",
            "reminder_hours": "72, 24",
            "fasting_hours": "6",
        },
    )
    assert response.status_code == 302
    settings = schedule_of(world.cedar)
    assert settings.weekdays == {1, 2, 3}
    assert settings.closed == {dt.date(2026, 12, 24), dt.date(2026, 12, 25)}
    assert settings.preferred_time == dt.time(8, 30)
    assert settings.reminder_hours == (72, 24) and settings.fasting_hours == 6
    assert AuditEvent.objects.filter(object_type="treatment.clinicschedule").exists()


def test_a_bad_date_or_hour_is_refused_naming_the_field(world: Any, client_for: Any) -> None:
    response = client_for("admin").post(
        reverse(URL),
        {
            "form": "schedule",
            "open_weekdays": ["1"],
            "closed_dates": "24/12/2026",
            "preferred_time": "08:30",
            "reminder_hours": "48, soon",
            "fasting_hours": "6",
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "write dates as YYYY-MM-DD" in text and "whole hours from 1 to 168" in text


def test_the_admin_adds_a_room_once(world: Any, client_for: Any) -> None:
    client = client_for("admin")
    data = {"form": "room", "room-name": "Willow room", "room-capacity": "1"}
    assert (
        client.post(reverse(URL), {**data, "room-equipment_notes": "BP monitor"}).status_code == 302
    )
    again = client.post(reverse(URL), data)
    assert again.status_code == 400 and "already a room called" in again.content.decode()
    assert Room.objects.get().equipment_notes == "BP monitor"
