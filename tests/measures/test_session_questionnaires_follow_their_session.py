"""The questionnaires made for a dosing session follow it when it moves or does not happen.

Booking a dosing session makes its before- and after-session questionnaires. Cancelling
the session, or recording that the patient did not come, left them open: the patient was
asked about a session that never was, reminded when they fell overdue, and they stayed on
the worklist's overdue list for ever. Moving the session left them at the old time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kapcare.audit.models import AuditEvent
from kapcare.measures import services as measures
from kapcare.measures.models import Assignment, AssignmentStatus
from kapcare.treatment import booking
from tests.dosing.conftest import actor_of
from tests.integration.sessions import book

pytestmark = pytest.mark.django_db


def _standing_orders(world: Any) -> None:
    therapist = actor_of(world, "therapist")
    for instrument, schedule in (("phq9", "before_session"), ("gad7", "after_session")):
        measures.assignment_create(
            actor=therapist, patient=world.jordan, instrument=instrument, schedule=schedule
        )


def _made_for(start: dt.datetime) -> dict[str, Assignment]:
    """The session's two questionnaires, by schedule."""
    return {
        a.schedule: a
        for a in Assignment.objects.filter(due_at__isnull=False).filter(
            due_at__in=[start, start + dt.timedelta(hours=48)]
        )
    }


def _start(days: float) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)


def test_cancelling_a_dosing_session_withdraws_its_questionnaires_with_an_audit_row(
    world: Any,
) -> None:
    _standing_orders(world)
    start = _start(5)
    appointment = book(world, start=start)
    later = book(world, start=_start(12), number=2)
    made = _made_for(start)
    assert set(made) == {"before_session", "after_session"}
    booking.appointment_cancel(
        actor=actor_of(world, "nurse"), appointment=appointment, reason="Flu"
    )
    for assignment in made.values():
        assignment.refresh_from_db()
        assert assignment.status == AssignmentStatus.CANCELLED
        assert assignment.cancelled_by == world.users["nurse"]
        event = AuditEvent.objects.get(
            object_type="measures.assignment", object_id=str(assignment.pk), action="update"
        )
        assert event.detail == {"status": "cancelled", "why": "dosing session cancelled"}
    # the next session's questionnaires and the standing orders stay open
    assert {a.status for a in _made_for(later.start).values()} == {"open"}
    assert Assignment.objects.filter(due_at__isnull=True, status="open").count() == 2


def test_a_no_show_recorded_after_the_session_clears_the_overdue_questionnaire(
    world: Any, client_for: Any
) -> None:
    _standing_orders(world)
    start = _start(-1)  # yesterday: the before-session PHQ-9 is overdue
    appointment = book(world, start=start)
    before = _made_for(start)["before_session"]
    assert before.state_at(timezone.now()) == "overdue"
    url = reverse("treatment:appointment_cancel", args=[world.jordan.pk, appointment.pk])
    client_for("nurse").post(url, {"reason": "Did not come", "no_show": "on"})
    before.refresh_from_db()
    assert before.status == AssignmentStatus.CANCELLED
    event = AuditEvent.objects.get(object_id=str(before.pk), action="update")
    assert event.detail["why"] == "dosing session no-show"


def test_an_answered_questionnaire_is_kept_when_the_session_is_cancelled(world: Any) -> None:
    _standing_orders(world)
    start = _start(1)
    appointment = book(world, start=start)
    before = _made_for(start)["before_session"]
    Assignment.objects.filter(pk=before.pk).update(
        status=AssignmentStatus.COMPLETED, completed_at=timezone.now()
    )
    booking.appointment_cancel(
        actor=actor_of(world, "nurse"), appointment=appointment, reason="Snow"
    )
    before.refresh_from_db()
    assert before.status == AssignmentStatus.COMPLETED
    assert _made_for(start)["after_session"].status == AssignmentStatus.CANCELLED


def test_moving_a_dosing_session_moves_its_questionnaires_and_their_reminders(
    world: Any,
) -> None:
    _standing_orders(world)
    start, moved_to = _start(5), _start(9)
    appointment = book(world, start=start)
    made = _made_for(start)
    Assignment.objects.filter(pk=made["before_session"].pk).update(reminded_at=timezone.now())
    booking.appointment_reschedule(
        actor=actor_of(world, "nurse"),
        appointment=appointment,
        start=moved_to,
        end=moved_to + dt.timedelta(hours=3),
        staff=None,
        room=None,
    )
    before, after = (Assignment.objects.get(pk=made[k].pk) for k in made)
    before, after = sorted((before, after), key=lambda a: a.schedule != "before_session")
    assert (before.opens_at, before.due_at) == (moved_to - dt.timedelta(days=2), moved_to)
    assert (after.opens_at, after.due_at) == (
        moved_to + dt.timedelta(hours=24),
        moved_to + dt.timedelta(hours=48),
    )
    assert before.reminded_at is None
    assert before.status == after.status == AssignmentStatus.OPEN
    event = AuditEvent.objects.get(object_id=str(before.pk), action="update")
    assert event.detail == {"due_at": {"from": start.isoformat(), "to": moved_to.isoformat()}}


def test_another_kind_of_appointment_leaves_session_questionnaires_alone(world: Any) -> None:
    _standing_orders(world)
    start = _start(5)
    book(world, start=start)
    consultation = booking.appointment_book(
        actor=actor_of(world, "nurse"),
        patient=world.jordan,
        kind="consultation",
        start=start + dt.timedelta(hours=4),
        end=start + dt.timedelta(hours=5),
    )
    booking.appointment_cancel(
        actor=actor_of(world, "nurse"), appointment=consultation, reason="Not needed"
    )
    assert {a.status for a in _made_for(start).values()} == {"open"}
