"""A course starts when the patient last entered active treatment, else at the first signing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kapcare.exposure.selectors import course_start, exposure_summary
from kapcare.patients.models import StatusChange
from tests.exposure.conftest import course, dosed


def test_without_a_plan_or_a_transition_there_is_no_course(world: Any) -> None:
    assert course_start(world.sam) is None


def test_the_first_signing_starts_the_course_when_no_transition_was_recorded(world: Any) -> None:
    plan = course(world, days_ago=30)
    assert course_start(world.jordan) == plan.signed_at


def test_the_latest_start_of_treatment_starts_the_course(world: Any) -> None:
    plan = course(world, days_ago=90)
    dosed(world, plan, days_ago=80, doses=("50",))
    dosed(world, plan, days_ago=5, doses=("30",))
    restarted = timezone.now() - dt.timedelta(days=10)
    for when in (timezone.now() - dt.timedelta(days=85), restarted):
        StatusChange.objects.create(
            patient=world.jordan,
            from_status="eligible",
            to_status="active",
            transition="start_treatment",
            changed_by=world.users["prescriber"],
            changed_at=when,
        )
    assert course_start(world.jordan) == restarted
    view = exposure_summary(world.jordan)
    assert view.exposure.course_mg == 30
    assert view.exposure.course_sessions == 1
    assert [row.exposure.in_course for row in view.rows] == [True, False]
