"""Next-day and one-week reflections: made at booking and discharge, shown in the portal
and beside the session on the therapist's console."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from kapcare.integration.reflections import ONE_WEEK_OPENS, reflections_for
from kapcare.measures.models import Assignment
from tests.integration.helpers import patient_actor
from tests.integration.sessions import discharge, held_session, reflections_in_plan


def _answer(world: Any, assignment: Any) -> None:
    from kapcare.measures.services import response_submit

    response_submit(
        actor=patient_actor(world),
        patient=world.jordan,
        instrument="post_session_reflection",
        assignment=assignment,
        answers={"1": 7, "2": 9, "3": 10, "4": "I saw the sea and felt held."},
    )


def test_discharge_adds_the_one_week_reflection_beside_the_next_day_one(world: Any) -> None:
    reflections_in_plan(world)
    session = held_session(world)
    discharge(world, session)
    found = reflections_for([session], timezone.now())[session.pk].reflections
    assert [r.label for r in found] == ["Next-day reflection", "One-week reflection"]
    week = found[1].assignment
    assert week.opens_at == session.appointment.start + ONE_WEEK_OPENS
    assert week.follows_id == found[0].assignment.pk


def test_without_reflections_in_the_plan_discharge_adds_none(world: Any) -> None:
    session = held_session(world)
    discharge(world, session)
    assert not Assignment.objects.filter(instrument="post_session_reflection").exists()


def test_the_patient_sees_each_reflection_due_or_answered_in_the_portal(
    world: Any, client_for: Any
) -> None:
    reflections_in_plan(world)
    session = held_session(world, days_ago=1.5)
    discharge(world, session)
    page = client_for("patient").get(reverse("portal:home")).content.decode()
    assert "After your sessions" in page
    assert "Answer the next-day reflection" in page
    assert "One-week reflection" in page and "opens on" in page
    next_day = reflections_for([session], timezone.now())[session.pk].reflections[0]
    _answer(world, next_day.assignment)
    page = client_for("patient").get(reverse("portal:home")).content.decode()
    assert "Answer the next-day reflection" not in page
    assert "How meaningful was the experience for you?" in page
    assert "9 of 10" in page
    assert "I saw the sea and felt held." in page


def test_another_patient_sees_none_of_these_reflections(world: Any, client_for: Any) -> None:
    reflections_in_plan(world)
    discharge(world, held_session(world))
    page = client_for("patient2").get(reverse("portal:home")).content.decode()
    assert "After your sessions" not in page
