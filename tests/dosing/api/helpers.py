"""Helpers for the dosing API tests: token clients and idempotent JSON writes."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.test import Client

from tests.dosing.conftest import actor_of


def token_client(world: Any, persona: str, scope: str = "write") -> Client:
    """A client that authenticates only with the persona's personal access token."""
    from kapcare.accounts.services import api_token_create

    issued = api_token_create(actor=actor_of(world, persona), name="tablet", scope=scope, days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")


def session_url(session: Any, tail: str = "") -> str:
    base = f"/api/v1/patients/{session.patient_id}/sessions/{session.pk}"
    return f"{base}/{tail}" if tail else base


def write(client: Client, url: str, body: Any = None, key: str | None = None) -> Any:
    """POST a JSON body with an Idempotency-Key (a fresh one unless given; "" sends none)."""
    key = uuid.uuid4().hex if key is None else key
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        url, json.dumps(body if body is not None else {}), content_type="application/json", **extra
    )


def act(client: Client, session: Any, tail: str, key: str | None = None, **body: Any) -> Any:
    """A transition with the session's current version."""
    session.refresh_from_db()
    return write(client, session_url(session, tail), {"version": session.version, **body}, key)
