"""A tablet's vitals POST costs a fixed number of queries, however long the session has run.

The API write is counted with a fresh Idempotency-Key on a session with 2 readings and
again with 60; both must equal the figure below. A change to it is a decision made here.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kapcare.audit.models import AuditEvent
from kapcare.dosing.models import VitalsReading
from kapcare.dosing.services import vitals_record
from tests.dosing.api.helpers import session_url, token_client
from tests.dosing.conftest import actor_of
from tests.dosing.record_helpers import running

pytestmark = pytest.mark.django_db

#: queries per vitals POST on SQLite, the audit append included; on PostgreSQL the append
#: inserts the row and moves the chain head in one statement. It was 17 before the clinic's
#: settings came with the session's row and the reading stopped taking a savepoint of its
#: own inside the idempotency key's transaction.
VITALS_POST = 14
READING = {
    "phase": "dosing",
    "systolic": 128,
    "diastolic": 82,
    "heart_rate": 76,
    "spo2": 98,
    "respiratory_rate": 14,
    "moaas": 5,
}


def _readings_up_to(world: Any, session: Any, total: int) -> None:
    nurse = actor_of(world, "nurse")
    for _ in range(total - VitalsReading.objects.filter(session=session).count()):
        vitals_record(actor=nurse, session=session, **READING)


def _post(client: Client, session: Any) -> tuple[int, Any]:
    """Queries of one POST with a new key, and the response."""
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            session_url(session, "vitals"),
            json.dumps(READING),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )
    assert response.status_code == 201, response.content
    return len(captured), response


def test_a_vitals_post_costs_the_same_with_2_or_60_readings(world: Any) -> None:
    session = running(world)
    tablet = token_client(world, "nurse")
    tablet.get(session_url(session))  # the token's first use is stamped once: not counted
    _readings_up_to(world, session, 2)
    few, response = _post(tablet, session)
    # the reading is written and its creation audited in the same request
    made = VitalsReading.objects.get(pk=response.json()["id"])
    assert AuditEvent.objects.filter(
        action="create", object_type="dosing.vitalsreading", object_id=str(made.pk)
    ).exists()
    _readings_up_to(world, session, 60)
    many, _ = _post(tablet, session)
    assert few == many, f"a vitals POST grew with the readings: {few} -> {many}"
    saved = 1 if connection.vendor == "postgresql" else 0
    assert few == VITALS_POST - saved
    assert VitalsReading.objects.filter(session=session).count() == 61
