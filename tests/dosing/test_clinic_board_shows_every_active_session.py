"""The clinic board: every active session, alerts first, at a constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.dosing.services import vitals_record
from tests.dosing.conftest import actor_of, dosing_appointment, force_state, open_session

pytestmark = pytest.mark.django_db


def dosed(world: Any, patient: Any, minutes_ago: int = 20) -> Any:
    started = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return force_state(open_session(world, patient), "dosing", dose_started_at=started)


def reading(world: Any, session: Any, systolic: int = 128, moaas: int = 5) -> None:
    vitals_record(
        actor=actor_of(world, "nurse"),
        session=session,
        phase="dosing",
        systolic=systolic,
        diastolic=80,
        heart_rate=72,
        spo2=98,
        moaas=moaas,
    )


def test_the_board_lists_active_sessions_with_alerts_first(world: Any, client_for: Any) -> None:
    calm = dosed(world, world.jordan)
    reading(world, calm)
    alarmed = dosed(world, world.sam, minutes_ago=35)
    reading(world, alarmed, systolic=186)
    finished = force_state(open_session(world, world.unassigned), "discharged")
    page = client_for("nurse").get(reverse("dosing:board")).content.decode()
    assert page.index("Sam Lee") < page.index("Jordan Rivera")
    assert "35 min" in page
    assert 'hx-trigger="every 10s"' in page
    assert finished.patient.display_name not in page
    assert AuditEvent.objects.filter(action="list", object_type="dosing.board").count() == 1


def test_an_htmx_poll_gets_only_the_table(world: Any, client_for: Any) -> None:
    reading(world, dosed(world, world.jordan))
    poll = client_for("nurse").get(reverse("dosing:board"), HTTP_HX_REQUEST="true")
    body = poll.content.decode()
    assert "<table>" in body
    assert "<html" not in body


def test_another_clinic_sees_none_of_these_sessions(world: Any, client_for: Any) -> None:
    dosed(world, world.jordan)
    page = client_for("other").get(reverse("dosing:board")).content.decode()
    assert "Jordan Rivera" not in page
    assert "No active sessions" in page


def test_the_board_costs_the_same_queries_whatever_the_number_of_readings(
    world: Any, client_for: Any
) -> None:
    nurse = client_for("nurse")
    first = dosed(world, world.jordan)
    reading(world, first)

    def count() -> int:
        nurse.get(reverse("dosing:board"))
        with CaptureQueriesContext(connection) as queries:
            assert nurse.get(reverse("dosing:board")).status_code == 200
        return len(queries)

    one = count()
    second = dosed(world, world.sam)
    for _ in range(10):
        reading(world, first)
        reading(world, second, moaas=3)
    force_state(open_session(world, world.unassigned), "checked_in")
    dosing_appointment(world, world.jordan)
    assert count() == one


def test_a_reading_accepted_by_a_prescriber_is_no_longer_an_open_alert(
    world: Any, client_for: Any
) -> None:
    from kapcare.dosing.services import pre_dose_vitals_accept, vitals_record

    session = force_state(open_session(world), "checked_in")
    vitals_record(
        actor=actor_of(world, "nurse"),
        session=session,
        phase="pre_dose",
        systolic=150,
        diastolic=95,
        heart_rate=80,
        spo2=98,
    )
    nurse = client_for("nurse")
    assert (
        "Alert</span> Pre-dose blood pressure"
        in nurse.get(reverse("dosing:board")).content.decode()
    )
    pre_dose_vitals_accept(
        actor=actor_of(world, "prescriber"),
        session=session,
        version=session.version,
        reason="White-coat; repeat at 10 minutes",
    )
    page = nurse.get(reverse("dosing:board")).content.decode()
    assert "Alert</span>" not in page
    console = reverse("dosing:console", args=[session.patient_id, session.pk])
    assert 'role="alert"' not in nurse.get(console).content.decode()
