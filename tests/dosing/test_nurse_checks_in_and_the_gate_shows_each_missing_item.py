"""Check-in and the readiness gate through the pages, as the nurse and prescriber use them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.dosing.models import DosingSession, VitalsReading
from kapcare.dosing.services import vitals_record
from tests.dosing.conftest import (
    actor_of,
    dosing_appointment,
    open_session,
    prepared,
    signed_plan,
)
from tests.treatment.conftest import stepped_up

pytestmark = pytest.mark.django_db

#: Console queries per request on SQLite before check-in, the readiness gate shown (a nurse
#: on the care team), the audit append included; on PostgreSQL the append is one statement
#: shorter. It was 47 before the console read each row once and only what its state shows:
#: a change to it is a decision made here, not a side effect.
CONSOLE_AT_CHECK_IN = 29


def console_url(session: Any) -> str:
    return reverse("dosing:console", args=[session.patient_id, session.pk])


def act(client: Any, session: Any, action: str, key: str = "", **data: Any) -> Any:
    session.refresh_from_db()
    body = {"action": action, "version": session.version, "idempotency_key": key or action}
    body.update(data)
    return client.post(
        reverse("dosing:session_action", args=[session.patient_id, session.pk]), body, follow=True
    )


def gate_row(html: str, key: str) -> str:
    found = re.search(rf'id="gate-{key}">(.*?)</li>', html, re.S)
    assert found, f"gate item {key} not shown"
    return found.group(1)


def test_the_sessions_tab_starts_a_session_and_the_gate_lists_what_is_missing(
    world: Any, client_for: Any
) -> None:
    plan = signed_plan(world, world.jordan)
    appointment = dosing_appointment(world, world.jordan, plan)
    nurse = client_for("nurse")
    tab = nurse.get(reverse("dosing:sessions", args=[world.jordan.pk]))
    assert tab.status_code == 200
    assert b"Start session" in tab.content
    opened = nurse.post(reverse("dosing:session_open", args=[world.jordan.pk, appointment.pk]))
    session = DosingSession.objects.get(appointment=appointment)
    assert opened["Location"] == console_url(session)
    page = act(nurse, session, "check_in", weight_kg="").content.decode()
    assert "Checked in." in page
    for key in ("consent", "eligibility", "preparation", "vitals", "weight"):
        assert "Missing" in gate_row(page, key)
    assert "Met" in gate_row(page, "plan")
    refused = act(nurse, session, "ready").content.decode()
    assert "Consent current: Consent is missing" in refused
    assert DosingSession.objects.get(pk=session.pk).state == "checked_in"


def test_a_ready_patient_passes_the_gate_after_a_prescriber_accepts_a_high_bp(
    world: Any, client_for: Any, ready_sam: Any
) -> None:
    session = open_session(world, ready_sam)
    nurse = client_for("nurse")
    act(nurse, session, "check_in")
    prepared(world, session, escort=False)
    page = nurse.get(console_url(session)).content.decode()
    assert "escort" in gate_row(page, "preparation")
    prepared(world, session)
    page = act(nurse, session, "weight", weight_kg="72.5").content.decode()
    assert "Met" in gate_row(page, "weight")
    page = act(
        nurse,
        session,
        "vitals",
        phase="pre_dose",
        systolic=150,
        diastolic=95,
        heart_rate=88,
        spo2=98,
    ).content.decode()
    assert "A prescriber must accept this reading" in gate_row(page, "vitals")
    accept = reverse("dosing:vitals_accept", args=[ready_sam.pk, session.pk])
    session.refresh_from_db()
    assert nurse.post(accept, {"version": session.version, "reason": "x"}).status_code == 403
    prescriber = client_for("prescriber")
    asked = prescriber.post(accept, {"version": session.version, "reason": "x"})
    assert asked.status_code == 302 and "step-up" in asked["Location"].replace("_", "-")
    stepped_up(prescriber)
    page = prescriber.post(
        accept,
        {"version": session.version, "reason": "Anxious on arrival; repeat at 10 min"},
        follow=True,
    ).content.decode()
    assert "accepted by a prescriber: Anxious on arrival" in gate_row(page, "vitals")
    assert AuditEvent.objects.filter(action="override", object_id=str(session.pk)).exists()
    page = act(nurse, session, "ready").content.decode()
    assert "ready to dose" in page
    assert DosingSession.objects.get(pk=session.pk).state == "ready"


def test_a_resent_form_saves_once_and_a_stale_page_gets_a_conflict(
    world: Any, client_for: Any
) -> None:
    session = open_session(world)
    nurse = client_for("nurse")
    vitals = {"phase": "pre_dose", "systolic": 128, "diastolic": 80, "heart_rate": 70, "spo2": 98}
    act(nurse, session, "vitals", key="tablet-1", **vitals)
    again = act(nurse, session, "vitals", key="tablet-1", **vitals).content.decode()
    assert "(already saved)" in again
    assert VitalsReading.objects.count() == 1
    reused = act(nurse, session, "vitals", key="tablet-1", **{**vitals, "spo2": 97})
    assert "different request" in reused.content.decode()
    url = reverse("dosing:session_action", args=[session.patient_id, session.pk])
    nurse.post(url, {"action": "check_in", "version": 1, "idempotency_key": "a"})
    stale = nurse.post(
        url, {"action": "abort", "version": 1, "reason": "x", "idempotency_key": "b"}
    )
    assert stale.status_code == 409
    assert "changed on another device" in stale.content.decode()
    assert DosingSession.objects.get(pk=session.pk).state == "checked_in"


def test_bad_input_is_refused_naming_the_field(world: Any, client_for: Any) -> None:
    session = open_session(world)
    page = act(
        client_for("nurse"),
        session,
        "vitals",
        phase="pre_dose",
        systolic="abc",
        diastolic=80,
        heart_rate=70,
        spo2=98,
    ).content.decode()
    assert "systolic: Enter a whole number" in page
    assert "action: Unknown action" in act(client_for("nurse"), session, "fly").content.decode()


def test_the_console_costs_the_same_queries_whatever_the_number_of_readings(
    world: Any, client_for: Any
) -> None:
    session = open_session(world)
    nurse = client_for("nurse")
    url = console_url(session)

    def count() -> int:
        nurse.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            assert nurse.get(url).status_code == 200
        return len(queries)

    vitals_record(
        actor=actor_of(world, "nurse"),
        session=session,
        phase="pre_dose",
        systolic=128,
        diastolic=80,
        heart_rate=70,
        spo2=98,
    )
    one = count()
    for _ in range(15):
        vitals_record(
            actor=actor_of(world, "nurse"),
            session=session,
            phase="pre_dose",
            systolic=128,
            diastolic=80,
            heart_rate=70,
            spo2=98,
            moaas=5,
        )
    assert count() == one
    saved = 1 if connection.vendor == "postgresql" else 0
    assert one == CONSOLE_AT_CHECK_IN - saved


def test_another_clinic_finds_no_such_session(world: Any, client_for: Any) -> None:
    session = open_session(world)
    assert client_for("other").get(console_url(session)).status_code == 404
