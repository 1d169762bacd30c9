"""A retried tablet write returns the first result; the same key with another body is refused."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kapcare.dosing.idempotency import KeyReused, idempotent
from kapcare.dosing.models import IdempotencyKey, VitalsReading
from kapcare.dosing.services import vitals_record
from tests.conftest import build_world
from tests.dosing.conftest import actor_of, open_session

BODY = {"phase": "pre_dose", "systolic": 128, "diastolic": 80, "heart_rate": 70, "spo2": 98}


def _write(world: Any, session: Any, key: str, body: dict[str, Any]) -> tuple[Any, bool]:
    actor = actor_of(world, "nurse")

    def run() -> dict[str, Any]:
        reading = vitals_record(actor=actor, session=session, **body)
        return {"reading": reading.pk}

    return idempotent(actor=actor, key=key, endpoint="vitals", body=body, run=run)


def test_a_retry_returns_the_first_result_and_writes_nothing_twice(world: Any) -> None:
    session = open_session(world)
    first, replayed = _write(world, session, "k-1", BODY)
    assert replayed is False
    again, replayed = _write(world, session, "k-1", dict(reversed(BODY.items())))
    assert replayed is True
    assert again == first
    assert VitalsReading.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused(world: Any) -> None:
    session = open_session(world)
    _write(world, session, "k-2", BODY)
    with pytest.raises(KeyReused, match="different request"):
        _write(world, session, "k-2", {**BODY, "systolic": 129})
    assert VitalsReading.objects.count() == 1


def test_a_failed_write_frees_the_key(world: Any) -> None:
    session = open_session(world)
    with pytest.raises(ValidationError):
        _write(world, session, "k-3", {**BODY, "spo2": 101})
    assert not IdempotencyKey.objects.exists()
    _write(world, session, "k-3", {**BODY, "spo2": 101 - 3})
    assert VitalsReading.objects.count() == 1


@pytest.mark.parametrize("key", ["", "   ", "x" * 65])
def test_a_missing_or_overlong_key_is_refused(world: Any, key: str) -> None:
    session = open_session(world)
    with pytest.raises(ValidationError) as caught:
        _write(world, session, key, BODY)
    assert "idempotency_key" in caught.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_retries_of_one_key_make_exactly_one_row() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database with concurrent writers")
    world = build_world()
    session = open_session(world)
    barrier = threading.Barrier(50)
    results: list[Any] = []

    def retry() -> None:
        from django.db import connections

        try:
            barrier.wait()
            results.append(_write(world, session, "race", BODY)[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 50
    assert len({r["reading"] for r in results}) == 1
    assert VitalsReading.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
