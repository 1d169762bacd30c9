"""Shared steps for the measures tests: assigning, answering, acting as someone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kapcare.accounts.actors import PATIENT_ROLE, Actor

#: a PHQ-9 with a total of 1, all of it item 9: the case a total must never hide
PHQ9_ONLY_ITEM_9 = [0, 0, 0, 0, 0, 0, 0, 0, 1]


def staff(world: Any, persona: str) -> Actor:
    membership = world.memberships[persona]
    return Actor(
        user=membership.user, clinic=membership.clinic, role=membership.role, membership=membership
    )


def patient_actor(world: Any, patient: Any = None) -> Actor:
    patient = patient or world.jordan
    return Actor(user=patient.user, clinic=patient.clinic, role=PATIENT_ROLE, patient=patient)


def phq9(*values: int, difficulty: int | None = None) -> dict[str, int]:
    """PHQ-9 answers keyed by item, from nine values in order."""
    answers = {str(i): v for i, v in enumerate(values, start=1)}
    if difficulty is not None:
        answers["difficulty"] = difficulty
    return answers


def phq9_total(total: int, item9: int = 0) -> dict[str, int]:
    """A PHQ-9 reaching ``total`` with ``item9`` as the ninth answer."""
    rest = total - item9
    values = []
    for _ in range(8):
        value = min(3, rest)
        values.append(value)
        rest -= value
    assert rest == 0, "total too high for the other eight items"
    return phq9(*values, item9)


def form_data(answers: dict[str, Any]) -> dict[str, Any]:
    """Answers as the questionnaire form posts them."""
    return {f"item-{key}": value for key, value in answers.items()}


def assign(
    world: Any,
    instrument: str = "phq9",
    *,
    patient: Any = None,
    schedule: str = "once",
    due_in: dt.timedelta = dt.timedelta(days=3),
    interval: int | None = None,
    now: dt.datetime | None = None,
) -> Any:
    from kapcare.measures import services

    now = now or timezone.now()
    return services.assignment_create(
        actor=staff(world, "therapist"),
        patient=patient or world.jordan,
        instrument=instrument,
        schedule=schedule,
        due_at=now + due_in,
        interval=interval,
        now=now,
    )


def submit(
    world: Any,
    answers: dict[str, Any],
    *,
    instrument: str = "phq9",
    patient: Any = None,
    when: dt.datetime | None = None,
    by: str | None = None,
) -> Any:
    """Store a response as if the patient (or staff ``by``) submitted it at ``when``."""
    from kapcare.measures import services

    patient = patient or world.jordan
    actor = staff(world, by) if by else patient_actor(world, patient)
    return services.response_submit(
        actor=actor,
        patient=patient,
        instrument=instrument,
        answers=answers,
        on_behalf=by is not None,
        answered_at=when,
        now=when,
    )


def dosed_sessions(world: Any, *days_ago: float, patient: Any = None) -> list[Any]:
    """Finished dosing sessions whose doses started ``days_ago`` (numbered in that order)."""
    from kapcare.dosing.models import DosingSession
    from tests.dosing.conftest import dosing_appointment

    patient = patient or world.jordan
    sessions = []
    for number, ago in enumerate(sorted(days_ago, reverse=True), start=1):
        appointment = dosing_appointment(world, patient, hours=-24 * ago)
        appointment.dose_number = number
        appointment.save(update_fields=["dose_number"])
        sessions.append(
            DosingSession.objects.create(
                clinic=patient.clinic,
                patient=patient,
                appointment=appointment,
                route="iv_racemic",
                state="discharged",
                dose_started_at=appointment.start,
            )
        )
    from kapcare.measures.progress import refresh_progress

    refresh_progress([patient.pk])  # written around the discharge service, as the demo does
    return sessions


def page_queries(client: Any, url: str) -> int:
    """Queries of one GET of ``url``; the session's first request (it also writes the
    session) is made first and not counted."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)
