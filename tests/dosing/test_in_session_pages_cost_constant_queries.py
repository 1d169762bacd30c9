"""The console, the REMS page and the forms list cost the same queries at any record size."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kapcare.dosing import infusion
from kapcare.dosing.models import Administration
from kapcare.dosing.observations import (
    adverse_event_follow_up,
    adverse_event_record,
    intervention_record,
    observation_record,
    therapist_note_write,
)
from kapcare.dosing.services import session_open, vitals_record
from tests.dosing.conftest import actor_of, dosing_appointment, force_state, signed_plan
from tests.dosing.record_helpers import running

pytestmark = pytest.mark.django_db

#: Console queries per request on SQLite while dosing (a nurse on the care team), the audit
#: append included; on PostgreSQL the append is one statement shorter. It was 50 before
#: the console read each row once and only what its state shows: a change to it is a
#: decision made here, not a side effect.
CONSOLE_WHILE_DOSING = 34


def _count(client: Any, url: str) -> int:
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add(world: Any, session: Any, times: int) -> None:
    nurse = actor_of(world, "nurse")
    for n in range(times):
        observation_record(
            actor=nurse, session=session, moaas=4, nausea="mild", side_effects=["dizziness"]
        )
        intervention_record(actor=nurse, session=session, category="reassurance")
        event = adverse_event_record(
            actor=nurse,
            session=session,
            description=f"Event {n}",
            severity="mild",
            action_taken="Reassured",
            outcome="ongoing",
        )
        adverse_event_follow_up(actor=nurse, event=event, outcome="resolving")
        therapist_note_write(actor=actor_of(world, "therapist"), session=session, text=f"Note {n}")
        vitals_record(
            actor=nurse,
            session=session,
            phase="dosing",
            systolic=130,
            diastolic=80,
            heart_rate=70,
            spo2=97,
            moaas=4,
        )


def test_the_console_costs_the_same_with_one_or_many_records(world: Any, client_for: Any) -> None:
    session = running(world)
    given = Administration.objects.get(session=session)
    infusion.infusion_event_record(
        actor=actor_of(world, "nurse"), administration=given, kind="pause", reason="Break"
    )
    nurse = client_for("nurse")
    url = reverse("dosing:console", args=[session.patient_id, session.pk])
    _add(world, session, 1)
    small = _count(nurse, url)
    _add(world, session, 12)
    assert _count(nurse, url) == small
    saved = 1 if connection.vendor == "postgresql" else 0
    assert small == CONSOLE_WHILE_DOSING - saved


def test_the_rems_page_and_forms_list_cost_the_same_at_two_sizes(
    world: Any, client_for: Any
) -> None:
    first = running(world, template="esketamine_label_induction")
    _add(world, first, 1)
    force_state(first, "discharged", discharged_at=timezone.now() - dt.timedelta(days=1))
    nurse = client_for("nurse")
    page = reverse("dosing:rems_session", args=[first.patient_id, first.pk])
    listing = reverse("dosing:rems_forms")
    small_page, small_list = _count(nurse, page), _count(nurse, listing)

    force_state(first, "dosing")
    _add(world, first, 10)
    force_state(first, "discharged", discharged_at=timezone.now() - dt.timedelta(days=1))
    plan = signed_plan(world, world.sam, "esketamine_label_induction")
    for _ in range(3):
        other = session_open(
            actor=actor_of(world, "nurse"), appointment=dosing_appointment(world, world.sam, plan)
        )
        force_state(other, "discharged", discharged_at=timezone.now() - dt.timedelta(days=9))
    assert _count(nurse, page) == small_page
    assert _count(nurse, listing) == small_list
