"""Attendance: a dosing appointment is completed by its session, and staff record the rest.

Appointments stayed "Booked" forever once their time had passed: the dosing session's
discharge did not complete its appointment, and an ended appointment offered no way to
say the patient came or did not, so the no-show count only knew of no-shows recorded
before the appointment ended.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.dosing.services import session_abort
from kapcare.treatment.models import Appointment, AppointmentStatus
from tests.dosing.conftest import actor_of, force_state
from tests.integration.sessions import discharge, held_session

pytestmark = pytest.mark.django_db


def _ended(world: Any, kind: str = "integration", days_ago: int = 1) -> Appointment:
    start = timezone.now() - dt.timedelta(days=days_ago)
    return Appointment.objects.create(
        clinic=world.cedar,
        patient=world.jordan,
        kind=kind,
        start=start,
        end=start + dt.timedelta(hours=1),
        created_by=world.users["nurse"],
    )


def _plan_tab(client: Any, world: Any) -> str:
    response = client.get(reverse("treatment:plan", args=[world.jordan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _attended(client: Any, world: Any, appointment: Appointment) -> str:
    url = reverse("treatment:appointment_attended", args=[world.jordan.pk, appointment.pk])
    return client.post(url, follow=True).content.decode()


def _status_updates(appointment: Appointment) -> list[dict[str, Any]]:
    return [
        e.detail
        for e in AuditEvent.objects.filter(
            action="update", object_type="treatment.appointment", object_id=str(appointment.pk)
        )
    ]


# A dosing appointment is completed by its session -------------------------------------


def test_discharge_completes_the_dosing_appointment_in_the_same_audited_change(
    world: Any,
) -> None:
    session = held_session(world, days_ago=0.1)
    discharge(world, session)
    appointment = Appointment.objects.get(pk=session.appointment_id)
    assert appointment.status == AppointmentStatus.COMPLETED
    assert _status_updates(appointment) == [{"status": "completed", "by": "dosing session"}]


def test_a_session_stopped_after_check_in_completes_its_appointment(world: Any) -> None:
    session = force_state(
        held_session(world, days_ago=0.1), "checked_in", checked_in_at=timezone.now()
    )
    session_abort(
        actor=actor_of(world, "nurse"),
        session=session,
        version=session.version,
        reason="Blood pressure stayed high",
    )
    assert Appointment.objects.get(pk=session.appointment_id).status == "completed"


def test_a_session_stopped_before_check_in_leaves_attendance_to_staff(world: Any) -> None:
    session = force_state(held_session(world, days_ago=0.1), "scheduled", checked_in_at=None)
    session_abort(
        actor=actor_of(world, "nurse"),
        session=session,
        version=session.version,
        reason="The patient phoned in sick",
    )
    appointment = Appointment.objects.get(pk=session.appointment_id)
    assert appointment.status == AppointmentStatus.BOOKED
    assert _status_updates(appointment) == []


# Staff record the others from the plan tab -----------------------------------------------


def test_an_ended_appointment_asks_for_attendance_and_staff_record_that_the_patient_came(
    world: Any, client_for: Any
) -> None:
    ended = _ended(world)
    therapist = client_for("therapist")
    page = _plan_tab(therapist, world)
    assert "Attendance not recorded" in page
    assert "attendance not yet recorded: <strong>1</strong>" in page
    assert "The patient came" in page
    done = _attended(therapist, world, ended)
    assert "Recorded: the patient came." in done
    assert "Attendance not recorded" not in done
    assert "attendance not yet recorded" not in done
    ended.refresh_from_db()
    assert (ended.status, ended.version) == (AppointmentStatus.COMPLETED, 2)
    event = AuditEvent.objects.get(action="update", object_id=str(ended.pk))
    assert (event.actor, event.patient, event.detail) == (
        world.users["therapist"],
        world.jordan,
        {"status": "completed"},
    )


def test_an_ended_appointment_is_recorded_as_a_no_show_and_counted(
    world: Any, client_for: Any
) -> None:
    ended = _ended(world, kind="dosing")
    nurse = client_for("nurse")
    page = _plan_tab(nurse, world)
    assert "completed when its session ends on the dosing console" in page
    url = reverse("treatment:appointment_cancel", args=[world.jordan.pk, ended.pk])
    done = nurse.post(url, {"reason": "Did not come, no answer", "no_show": "on"}, follow=True)
    text = done.content.decode()
    assert "Recorded: the patient did not come (no-show)." in text
    assert "No-shows: <strong>1</strong>" in text
    assert "No-show: Did not come, no answer" in text
    ended.refresh_from_db()
    assert (ended.status, ended.late_cancellation) == (AppointmentStatus.NO_SHOW, False)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda w: _ended(w, kind="dosing"), "A dosing appointment is completed by its session"),
        (lambda w: _ended(w, days_ago=-2), "The appointment has not begun yet."),
    ],
    ids=["dosing", "future"],
)
def test_attended_is_refused_with_the_reason_and_nothing_changes(
    world: Any, client_for: Any, setup: Any, message: str
) -> None:
    appointment = setup(world)
    page = _attended(client_for("nurse"), world, appointment)
    assert message in page
    appointment.refresh_from_db()
    assert (appointment.status, appointment.version) == (AppointmentStatus.BOOKED, 1)
    assert _status_updates(appointment) == []


def test_a_recorded_appointment_cannot_be_recorded_again(world: Any, client_for: Any) -> None:
    ended = _ended(world)
    nurse = client_for("nurse")
    _attended(nurse, world, ended)
    again = _attended(nurse, world, ended)
    assert "Only a booked appointment can be marked attended; this one is completed." in again
    assert len(_status_updates(ended)) == 1


def test_another_clinic_cannot_record_attendance(world: Any, client_for: Any) -> None:
    ended = _ended(world)
    url = reverse("treatment:appointment_attended", args=[world.jordan.pk, ended.pk])
    assert client_for("other").post(url).status_code == 404
    assert client_for("patient").post(url).status_code == 403
    ended.refresh_from_db()
    assert ended.status == AppointmentStatus.BOOKED


# Through the API -----------------------------------------------------------------------


def test_the_api_records_attendance_and_refuses_a_dosing_appointment_as_a_problem(
    world: Any, client_for: Any
) -> None:
    ended = _ended(world)
    nurse = client_for("nurse")
    done = nurse.post(f"/api/v1/appointments/{ended.pk}/attended")
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["version"]) == ("completed", 2)
    dosing = _ended(world, kind="dosing")
    refused = nurse.post(f"/api/v1/appointments/{dosing.pk}/attended")
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert "completed by its session" in refused.content.decode()
    dosing.refresh_from_db()
    assert dosing.status == AppointmentStatus.BOOKED
