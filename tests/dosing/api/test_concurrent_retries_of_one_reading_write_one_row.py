"""Twenty concurrent retries of one vitals POST with one key write one reading (PostgreSQL)."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from kapcare.dosing.models import IdempotencyKey, VitalsReading
from tests.conftest import build_world
from tests.dosing.api.helpers import session_url
from tests.dosing.conftest import actor_of, open_session

VITALS = {"phase": "pre_dose", "systolic": 128, "diastolic": 80, "heart_rate": 70, "spo2": 98}
RETRIES = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_retries_answer_alike_and_write_one_reading() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with concurrent writers")
    from kapcare.accounts.services import api_token_create

    world = build_world()
    session = open_session(world)
    raw = api_token_create(actor=actor_of(world, "nurse"), name="tablet", scope="write", days=1).raw
    barrier = threading.Barrier(RETRIES)
    answers: list[tuple[int, bytes]] = []

    def retry() -> None:
        from django.db import connections

        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
            barrier.wait()
            response = client.post(
                session_url(session, "vitals"),
                json.dumps(VITALS),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="wifi-retry",
            )
            answers.append((response.status_code, response.content))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _ in range(RETRIES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == RETRIES
    assert {status for status, _ in answers} == {201}
    assert len({content for _, content in answers}) == 1
    assert VitalsReading.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
