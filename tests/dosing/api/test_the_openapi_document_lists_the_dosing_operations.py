"""The OpenAPI description lists every dosing operation and the header each write needs."""

from __future__ import annotations

from typing import Any

from django.test import Client

SESSION = "/api/v1/patients/{patient_id}/sessions/{session_id}"
WRITES = [
    "/api/v1/patients/{patient_id}/appointments/{appointment_id}/session",
    *(
        f"{SESSION}/{tail}"
        for tail in (
            "check-in",
            "ready",
            "start-dose",
            "end-dose",
            "abort",
            "discharge",
            "weight",
            "questionnaire-waiver",
            "pre-dose-vitals-acceptance",
            "vitals",
            "orders",
            "orders/{order_id}/check",
            "administrations",
            # the in-session record (kapcare/dosing/observations_api.py)
            "observations",
            "interventions",
            "adverse-events",
            "adverse-events/{event_id}/follow-ups",
            "therapist-notes",
            "administrations/{administration_id}/events",
        )
    ),
]


def schema() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_every_dosing_operation_is_described(db: Any) -> None:
    paths = schema()["paths"]
    assert sorted(paths["/api/v1/patients/{patient_id}/sessions"]) == ["get"]
    assert sorted(paths[SESSION]) == ["get"]
    for path in WRITES:
        assert sorted(paths[path]) == ["post"], path


def test_every_write_requires_an_idempotency_key_header(db: Any) -> None:
    paths = schema()["paths"]
    for path in WRITES:
        headers = [p for p in paths[path]["post"]["parameters"] if p["in"] == "header"]
        assert [(h["name"], h["required"]) for h in headers] == [("Idempotency-Key", True)], path


def test_no_dosing_write_is_left_without_the_header(db: Any) -> None:
    """A write added later to either dosing router is caught here, not only the listed ones."""
    writes = {
        path
        for path, operations in schema()["paths"].items()
        for method, operation in operations.items()
        if method != "get" and "dosing" in operation.get("tags", [])
    }
    assert writes == set(WRITES)


def test_the_vitals_body_states_the_plausible_ranges(db: Any) -> None:
    body = schema()["components"]["schemas"]["VitalsIn"]
    assert body["additionalProperties"] is False
    systolic = body["properties"]["systolic"]
    assert (systolic["minimum"], systolic["maximum"]) == (50, 300)
    assert set(body["required"]) == {"phase", "systolic", "diastolic", "heart_rate", "spo2"}
