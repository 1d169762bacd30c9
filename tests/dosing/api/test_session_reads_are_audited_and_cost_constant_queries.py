"""Reading sessions is audited like any chart read and costs the same queries at any size."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kapcare.audit.models import AuditEvent
from kapcare.dosing.services import session_open, vitals_record
from tests.api.helpers import audit_mark, audit_rows
from tests.dosing.api.helpers import session_url, token_client
from tests.dosing.conftest import actor_of, dosing_appointment, open_session

pytestmark = pytest.mark.django_db
VITALS = {"phase": "pre_dose", "systolic": 128, "diastolic": 80, "heart_rate": 70, "spo2": 98}


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_every_read_writes_one_view_row_for_the_patient(world: Any) -> None:
    session = open_session(world)
    nurse = token_client(world, "nurse")
    for url in (f"/api/v1/patients/{world.jordan.pk}/sessions", session_url(session)):
        mark = audit_mark()
        assert nurse.get(url).status_code == 200
        rows = audit_rows(mark, action="view")
        assert [(r.object_type, r.patient_id) for r in rows] == [
            ("dosing.dosingsession", world.jordan.pk)
        ], url


def test_the_session_costs_the_same_queries_with_more_readings(world: Any) -> None:
    session = open_session(world)
    nurse = token_client(world, "nurse")
    nurse.get(session_url(session))  # the token's first use is stamped once
    vitals_record(actor=actor_of(world, "nurse"), session=session, **VITALS)
    few = queries(nurse, session_url(session))
    for _ in range(4):
        vitals_record(actor=actor_of(world, "nurse"), session=session, **VITALS)
    assert queries(nurse, session_url(session)) == few


def test_the_list_costs_the_same_queries_with_more_sessions(world: Any) -> None:
    first = open_session(world)
    nurse = token_client(world, "nurse")
    url = f"/api/v1/patients/{world.jordan.pk}/sessions"
    nurse.get(url)
    few = queries(nurse, url)
    plan = first.appointment.plan
    for hours in (24, 48, 72):
        appointment = dosing_appointment(world, world.jordan, plan, hours=hours)
        session_open(actor=actor_of(world, "nurse"), appointment=appointment)
    assert queries(nurse, url) == few
    assert nurse.get(url).json()["count"] == 4
    assert AuditEvent.objects.filter(action="view", object_type="dosing.dosingsession").exists()
