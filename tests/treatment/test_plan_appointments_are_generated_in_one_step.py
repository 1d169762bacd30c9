"""Booking a signed plan's appointments: clinic days and time zone, all or nothing."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kapcare.treatment.models import Appointment, ClinicSchedule, Room, TreatmentPlanRecord
from tests.treatment.conftest import draft_plan, stepped_up

DENVER = ZoneInfo("America/Denver")


@pytest.fixture
def signed_plan(ready_sam: Any, client_for: Any) -> TreatmentPlanRecord:
    client = stepped_up(client_for("prescriber"))
    draft_plan(client, ready_sam)
    plan = TreatmentPlanRecord.objects.get()
    client.post(reverse("treatment:plan_sign", args=[ready_sam.pk, plan.pk]))
    plan.refresh_from_db()
    return plan


def generate(client: Any, plan: Any, room: Room, staff: Any, start: str) -> Any:
    return client.post(
        reverse("treatment:plan_generate", args=[plan.patient_id, plan.pk]),
        {"start": start, "room": room.pk, "staff": staff.pk},
    )


def test_the_plan_is_booked_on_open_days_at_the_clinic_time(
    signed_plan: Any, world: Any, client_for: Any
) -> None:
    ClinicSchedule.objects.create(
        clinic=world.cedar,
        open_weekdays=[0, 1, 2, 3, 4],
        closed_dates=["2026-12-10"],
        reminder_hours=[48, 24],
    )
    room = Room.objects.create(clinic=world.cedar, name="Willow room")
    response = generate(
        client_for("nurse"), signed_plan, room, world.memberships["therapist"], "2026-12-07"
    )
    assert response.status_code == 302, response.content.decode().split("error-summary")[-1][:1500]
    booked = list(Appointment.objects.filter(plan=signed_plan).order_by("start"))
    kinds = [a.kind for a in booked]
    assert kinds.count("preparation") == 1 and kinds.count("dosing") == 6
    assert kinds.count("integration") == 6
    for a in booked:
        local = a.start.astimezone(DENVER)
        assert local.weekday() < 5 and local.date() != dt.date(2026, 12, 10)
        if a.kind != "integration":
            assert (local.hour, local.minute) == (9, 0)
    for a, b in itertools.pairwise(booked):
        assert a.end <= b.start, "the patient is never in two appointments at once"
    doses = [a for a in booked if a.kind == "dosing"]
    assert all(a.room == room for a in doses)
    assert all((a.end - a.start) >= dt.timedelta(minutes=195) for a in doses)
    gaps = [(b.start.date() - a.start.date()).days for a, b in itertools.pairwise(doses)]
    assert min(gaps) >= 2
    page = client_for("nurse").get(reverse("treatment:plan", args=[signed_plan.patient_id]))
    assert "Dosing 1" in page.content.decode()


def test_a_conflict_books_nothing_and_names_it(
    signed_plan: Any, world: Any, client_for: Any
) -> None:
    room = Room.objects.create(clinic=world.cedar, name="Willow room")
    therapist = world.memberships["therapist"]
    first = generate(client_for("nurse"), signed_plan, room, therapist, "2026-12-07")
    assert first.status_code == 302
    count = Appointment.objects.count()
    Appointment.objects.filter(patient=world.sam).update(patient=world.jordan)
    again = generate(client_for("nurse"), signed_plan, room, therapist, "2026-12-07")
    assert again.status_code == 400
    assert "Willow room is already booked" in again.content.decode()
    assert "Theo Okafor is already booked" in again.content.decode()
    assert Appointment.objects.count() == count


def test_a_draft_plan_books_nothing(ready_sam: Any, world: Any, client_for: Any) -> None:
    draft_plan(client_for("prescriber"), ready_sam)
    plan = TreatmentPlanRecord.objects.get()
    room = Room.objects.create(clinic=world.cedar, name="Willow room")
    response = generate(client_for("nurse"), plan, room, world.memberships["nurse"], "2026-12-07")
    assert response.status_code == 400
    assert "signed plan only" in response.content.decode()
    assert not Appointment.objects.exists()
