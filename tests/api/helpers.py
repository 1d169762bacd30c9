"""Helpers for the JSON API tests: JSON requests and problem+json assertions."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

PROBLEM = "application/problem+json"


def send(client: Client, method: str, path: str, body: Any = None, **extra: Any) -> Any:
    if body is None:
        return getattr(client, method)(path, **extra)
    return getattr(client, method)(path, json.dumps(body), content_type="application/json", **extra)


def problem(response: Any, status: int) -> dict[str, Any]:
    """Assert ``response`` is an RFC 9457 problem with ``status``; return its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = json.loads(response.content)
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


def field_errors(body: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in body.get("errors", [])}


def audit_mark() -> int:
    """The id of the newest audit row: rows written after it belong to the request under test."""
    from kapcare.audit.models import AuditEvent

    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def audit_rows(since: int = 0, **filters: Any) -> list[Any]:
    from kapcare.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(id__gt=since, **filters).order_by("id"))
