"""Idempotency keys are kept for retries, then deleted by the nightly ``kapcare maintain``.

Every tablet write leaves a key with its stored response (vitals included); kept for
ever, the table grew with every write and held copies of health information with no use.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from kapcare.dosing.idempotency import KEY_RETENTION, idempotent, prune_expired
from kapcare.dosing.models import IdempotencyKey
from tests.dosing.conftest import actor_of

pytestmark = pytest.mark.django_db


def _key(world: Any, key: str, age: dt.timedelta) -> IdempotencyKey:
    return IdempotencyKey.objects.create(
        key=key,
        actor=world.users["nurse"],
        endpoint="vitals",
        request_hash="0" * 64,
        response={"id": 1},
        created_at=timezone.now() - age,
    )


def test_keys_past_their_retention_are_deleted_and_fresh_ones_kept(world: Any) -> None:
    old = _key(world, "old", KEY_RETENTION + dt.timedelta(minutes=1))
    fresh = _key(world, "fresh", KEY_RETENTION - dt.timedelta(minutes=1))
    assert prune_expired() == 1
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()
    assert IdempotencyKey.objects.filter(pk=fresh.pk).exists()


def test_maintain_deletes_expired_keys_and_says_how_many(world: Any) -> None:
    _key(world, "a", KEY_RETENTION * 2)
    _key(world, "b", KEY_RETENTION * 3)
    out = StringIO()
    call_command("maintain", stdout=out)
    assert "Deleted 2 idempotency keys older than 7 days." in out.getvalue()
    assert not IdempotencyKey.objects.exists()


def test_a_retry_within_the_retention_still_replays_the_first_result(world: Any) -> None:
    nurse = actor_of(world, "nurse")
    runs: list[int] = []

    def write() -> dict[str, Any]:
        runs.append(1)
        return {"id": len(runs)}

    first = idempotent(actor=nurse, key="k1", endpoint="vitals", body={"spo2": 97}, run=write)
    prune_expired()
    again = idempotent(actor=nurse, key="k1", endpoint="vitals", body={"spo2": 97}, run=write)
    assert (first, again) == (({"id": 1}, False), ({"id": 1}, True))
    assert len(runs) == 1
