"""Times are stored in UTC and shown in the clinic's time zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kapcare.audit.models import AuditEvent
from kapcare.audit.services import record


def test_times_show_in_the_clinics_time_zone(world: Any, client_for: Any) -> None:
    event = record("view", user=world.users["therapist"], patient=world.jordan)
    AuditEvent.objects.filter(pk=event.pk).update(
        occurred_at=dt.datetime(2026, 7, 1, 18, 30, tzinfo=dt.UTC)
    )
    page = client_for("admin").get("/audit/?mrn=KC-1001&action=view").content.decode()
    assert "12:30:00 MDT" in page  # Cedar Grove is in America/Denver
