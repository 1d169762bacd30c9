"""Clinicians assign questionnaires once or on a schedule; due and overdue follow the clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.measures import services
from kapcare.measures.models import Assignment, AssignmentState
from tests.measures.helpers import assign, patient_actor, phq9, staff

NOW = dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)


def test_a_therapist_assigns_a_questionnaire_from_the_measures_tab(
    world: Any, client_for: Any
) -> None:
    url = reverse("measures:assign", args=[world.jordan.pk])
    response = client_for("therapist").post(
        url, {"instrument": "gad7", "schedule": "once", "due_date": "2026-03-10"}
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.instrument == "gad7"
    assert assignment.clinic == world.cedar
    assert assignment.created_by == world.users["therapist"]
    # due by the end of that day in the clinic's time zone (Denver, daylight time: UTC-6)
    assert assignment.due_at == dt.datetime(2026, 3, 11, 5, 59, 59, tzinfo=dt.UTC)
    row = AuditEvent.objects.get(action="create", object_type="measures.assignment")
    assert row.detail == {"instrument": "gad7", "schedule": "once", "interval": None}


def test_a_repeating_schedule_needs_its_interval_and_a_dated_one_its_due_date(
    world: Any, client_for: Any
) -> None:
    url = reverse("measures:assign", args=[world.jordan.pk])
    page = client_for("therapist").post(url, {"instrument": "phq9", "schedule": "every_n_weeks"})
    text = page.content.decode()
    assert page.status_code == 400
    assert "Enter how often it repeats" in text
    assert "Enter the date it is due." in text
    assert not Assignment.objects.exists()


def test_an_unknown_instrument_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.assignment_create(
            actor=staff(world, "nurse"),
            patient=world.jordan,
            instrument="madrs",
            schedule="once",
            due_at=NOW,
        )
    assert "instrument" in caught.value.message_dict


def test_state_is_computed_from_the_clock(world: Any) -> None:
    assignment = assign(world, due_in=dt.timedelta(days=10), now=NOW)
    assert assignment.opens_at == NOW + dt.timedelta(days=7)
    assert assignment.state_at(NOW) == AssignmentState.UPCOMING
    assert assignment.state_at(NOW + dt.timedelta(days=8)) == AssignmentState.DUE
    assert assignment.state_at(NOW + dt.timedelta(days=10, seconds=1)) == AssignmentState.OVERDUE


def test_session_linked_schedules_wait_for_dosing_sessions(world: Any) -> None:
    order = services.assignment_create(
        actor=staff(world, "prescriber"),
        patient=world.jordan,
        instrument="phq9",
        schedule="before_session",
        now=NOW,
    )
    assert order.due_at is None
    assert order.state_at(NOW) == AssignmentState.WAITING
    session = NOW + dt.timedelta(days=5)
    (made,) = services.session_questionnaires_create(
        actor=staff(world, "nurse"), patient=world.jordan, session_starts_at=session
    )
    assert made.follows == order
    assert made.due_at == session
    assert made.opens_at == session - dt.timedelta(days=2)
    after = services.assignment_create(
        actor=staff(world, "prescriber"),
        patient=world.jordan,
        instrument="post_session_reflection",
        schedule="after_session",
        now=NOW,
    )
    made = services.session_questionnaires_create(
        actor=staff(world, "nurse"), patient=world.jordan, session_starts_at=session
    )
    reflection = next(a for a in made if a.follows == after)
    assert reflection.opens_at == session + dt.timedelta(hours=24)


def test_completing_a_repeating_questionnaire_schedules_the_next(world: Any) -> None:
    first = assign(world, schedule="every_n_weeks", interval=2, due_in=dt.timedelta(0), now=NOW)
    services.response_submit(
        actor=patient_actor(world),
        patient=world.jordan,
        instrument="phq9",
        answers=phq9(*[0] * 9),
        assignment=first,
        now=NOW,
    )
    following = Assignment.objects.get(follows=first)
    assert following.status == "open"
    assert following.due_at == first.due_at + dt.timedelta(weeks=2)
    assert following.interval == 2


def test_a_late_answer_does_not_leave_missed_copies_behind(world: Any) -> None:
    first = assign(world, schedule="every_n_days", interval=1, due_in=dt.timedelta(0), now=NOW)
    late = NOW + dt.timedelta(days=5, hours=1)
    services.response_submit(
        actor=patient_actor(world),
        patient=world.jordan,
        instrument="phq9",
        answers=phq9(*[0] * 9),
        assignment=first,
        now=late,
    )
    assert Assignment.objects.filter(status="open").count() == 1
    following = Assignment.objects.get(follows=first)
    assert following.due_at == NOW + dt.timedelta(days=6)


def test_cancelling_an_open_questionnaire(world: Any, client_for: Any) -> None:
    assignment = assign(world)
    url = reverse("measures:cancel", args=[world.jordan.pk, assignment.pk])
    assert client_for("nurse").post(url).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "cancelled"
    assert assignment.cancelled_by == world.users["nurse"]
    again = client_for("nurse").post(url, follow=True)
    assert "no longer open" in again.content.decode()


def test_an_assignment_of_another_patient_cannot_be_cancelled_through_this_chart(
    world: Any, client_for: Any
) -> None:
    assignment = assign(world, patient=world.sam)
    url = reverse("measures:cancel", args=[world.jordan.pk, assignment.pk])
    assert client_for("nurse").post(url).status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "open"
