"""A transition sent with the version of an old read answers 409 with the current state."""

from __future__ import annotations

from typing import Any

import pytest

from kapcare.audit.models import AuditEvent
from kapcare.dosing.models import DosingSession
from tests.api.helpers import problem
from tests.dosing.api.helpers import session_url, token_client, write
from tests.dosing.conftest import open_session

pytestmark = pytest.mark.django_db


def test_a_second_tablet_acting_on_an_old_version_gets_a_conflict(world: Any) -> None:
    session = open_session(world)
    first, second = token_client(world, "nurse"), token_client(world, "therapist")
    assert write(first, session_url(session, "check-in"), {"version": 1}).status_code == 200
    stale = write(second, session_url(session, "abort"), {"version": 1, "reason": "Left"})
    body = problem(stale, 409)
    assert (body["current_state"], body["current_version"]) == ("checked_in", 2)
    assert "checked in (version 2)" in body["detail"]
    assert DosingSession.objects.get(pk=session.pk).state == "checked_in"
    assert AuditEvent.objects.filter(
        action="view", object_type="dosing.dosingsession", detail__conflict=True
    ).exists()


def test_a_gate_fact_on_an_old_version_gets_a_conflict(world: Any) -> None:
    session = open_session(world)
    nurse = token_client(world, "nurse")
    write(nurse, session_url(session, "weight"), {"version": 1, "weight_kg": "80"})
    stale = write(nurse, session_url(session, "weight"), {"version": 1, "weight_kg": "81"})
    assert problem(stale, 409)["current_version"] == 2
    assert DosingSession.objects.get(pk=session.pk).weight_kg == 80


def test_a_transition_the_state_machine_refuses_says_why(world: Any) -> None:
    session = open_session(world)
    refused = write(token_client(world, "nurse"), session_url(session, "end-dose"), {"version": 1})
    body = problem(refused, 422)
    assert "cannot become" in body["errors"][0]["message"]
