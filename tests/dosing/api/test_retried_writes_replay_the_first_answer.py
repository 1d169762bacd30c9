"""A retried write returns the first answer and writes nothing twice; keys are checked."""

from __future__ import annotations

from typing import Any

import pytest

from kapcare.dosing.models import DosingSession, IdempotencyKey, VitalsReading
from tests.api.helpers import field_errors, problem
from tests.dosing.api.helpers import act, session_url, token_client, write
from tests.dosing.conftest import open_session

pytestmark = pytest.mark.django_db
VITALS = {"phase": "pre_dose", "systolic": 128, "diastolic": 80, "heart_rate": 70, "spo2": 98}


def test_a_retried_reading_answers_the_same_status_and_body_and_saves_one_row(
    world: Any,
) -> None:
    session = open_session(world)
    nurse = token_client(world, "nurse")
    first = write(nurse, session_url(session, "vitals"), VITALS, key="tablet-1")
    again = write(nurse, session_url(session, "vitals"), dict(reversed(VITALS.items())), "tablet-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert VitalsReading.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_a_retried_transition_is_not_a_conflict_but_the_first_answer(world: Any) -> None:
    session = open_session(world)
    nurse = token_client(world, "nurse")
    body = {"version": 1}
    first = write(nurse, session_url(session, "check-in"), body, key="in-1")
    again = write(nurse, session_url(session, "check-in"), body, key="in-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and first.json()["version"] == 2
    assert DosingSession.objects.get(pk=session.pk).version == 2


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(world: Any) -> None:
    session = open_session(world)
    nurse = token_client(world, "nurse")
    write(nurse, session_url(session, "vitals"), VITALS, key="tablet-2")
    reused = write(nurse, session_url(session, "vitals"), {**VITALS, "spo2": 97}, key="tablet-2")
    body = problem(reused, 422)
    assert "different request" in body["detail"]
    assert "Idempotency-Key" in field_errors(body)
    assert VitalsReading.objects.count() == 1


def test_keys_are_scoped_to_the_person_and_the_operation(world: Any) -> None:
    session = open_session(world)
    nurse, therapist = token_client(world, "nurse"), token_client(world, "therapist")
    assert write(nurse, session_url(session, "vitals"), VITALS, key="shared").status_code == 201
    assert write(therapist, session_url(session, "vitals"), VITALS, key="shared").status_code == 201
    moved = write(nurse, session_url(session, "check-in"), {"version": 1}, key="shared")
    assert moved.status_code == 200 and moved.json()["state"] == "checked_in"
    assert VitalsReading.objects.count() == 2


@pytest.mark.parametrize("key", ["", "x" * 65])
def test_a_missing_or_overlong_key_answers_400_naming_the_header(world: Any, key: str) -> None:
    session = open_session(world)
    refused = act(token_client(world, "nurse"), session, "check-in", key=key)
    body = problem(refused, 400)
    assert "Idempotency-Key" in body["detail"]
    assert "Idempotency-Key" in field_errors(body)
    assert DosingSession.objects.get(pk=session.pk).state == "scheduled"


def test_a_refused_write_frees_its_key_for_the_corrected_request(world: Any) -> None:
    session = open_session(world)
    nurse = token_client(world, "nurse")
    bad = write(nurse, session_url(session, "vitals"), {**VITALS, "diastolic": 140}, key="k")
    assert bad.status_code == 422
    assert not IdempotencyKey.objects.exists()
    assert write(nurse, session_url(session, "vitals"), VITALS, key="k").status_code == 201
