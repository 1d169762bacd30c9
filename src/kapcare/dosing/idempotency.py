"""Idempotency keys for tablet writes: a retry returns the first result, never a second row.

A tablet on clinic Wi-Fi retries. The first request with a key claims it by
inserting the row (the unique constraint decides races, even 50 at once); the
write and the stored response commit together. A retry with the same body gets
the stored response; the same key with another body is refused, because it
means a client bug, and guessing which body was meant is unsafe.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kapcare.accounts.actors import Actor
from kapcare.dosing.models import IdempotencyKey

MAX_KEY_LENGTH = 64
#: how long a key is kept for a retry. Tablets retry within seconds or minutes; the rows
#: hold the stored response (vitals included), so they are not kept for ever.
KEY_RETENTION = dt.timedelta(days=7)


class KeyReused(Exception):
    """The same key was sent with a different request body."""


def request_hash(body: Any) -> str:
    """A stable hash of the request body (key order and whitespace do not matter)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(
    *,
    actor: Actor,
    key: str,
    endpoint: str,
    body: Any,
    run: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any], bool]:
    """``(response, replayed)``: run the write once per key, or replay its stored result.

    ``run`` performs the write and returns a JSON-able response; it runs inside
    the same transaction as the key's row, so a failed write frees the key.
    """
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            {"idempotency_key": [f"Send a key of 1 to {MAX_KEY_LENGTH} characters."]}
        )
    digest = request_hash(body)
    found = _stored(actor, endpoint, key, digest)
    if found is not None:
        return found, True
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                key=key, actor=actor.user, endpoint=endpoint, request_hash=digest
            )
            response = run()
            IdempotencyKey.objects.filter(pk=row.pk).update(response=response)
    except IntegrityError:
        # Another request with this key won the race; it has committed by now.
        found = _stored(actor, endpoint, key, digest)
        if found is None:
            raise
        return found, True
    return response, False


def _stored(actor: Actor, endpoint: str, key: str, digest: str) -> dict[str, Any] | None:
    row = IdempotencyKey.objects.filter(actor=actor.user, endpoint=endpoint, key=key).first()
    if row is None:
        return None
    if row.request_hash != digest:
        raise KeyReused(
            f"idempotency_key: {key!r} was already used for a different request; "
            "send a new key for a new request."
        )
    return dict(row.response)


def prune_expired(now: dt.datetime | None = None) -> int:
    """Delete the keys older than ``KEY_RETENTION``; returns how many went.

    A retry later than that would run its write again, which is why the retention is
    days where retries take minutes.
    """
    cutoff = (now or timezone.now()) - KEY_RETENTION
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
