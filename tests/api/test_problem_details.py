"""Every API error is an RFC 9457 problem (application/problem+json)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.api.helpers import PROBLEM, field_errors, problem, send


def unverified_staff(world: Any) -> Client:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.users["nurse"], name="phone", confirmed=True)
    client = Client()
    client.post("/login/", {"username": "nurse@example.com", "password": "kapcare-test-pass"})
    return client


CASES = [
    ("anonymous", "get", "/api/v1/patients", None, 401),
    ("patient", "get", "/api/v1/patients", None, 403),
    ("nurse", "get", "/api/v1/patients/999999", None, 404),
    ("nurse", "get", "/api/v1/patients?limit=101", None, 422),
    ("nurse", "post", "/api/v1/patients", {"mrn": "KC-1"}, 422),
    ("nurse", "patch", "/api/v1/patients/{jordan}", {"version": 7, "pronouns": "x"}, 409),
    ("nurse", "delete", "/api/v1/patients/{jordan}", None, 405),
    ("nurse", "put", "/api/v1/me", None, 405),
    ("nurse", "get", "/api/v1/no-such-thing", None, 404),
    ("anonymous", "get", "/api/v1/no-such-thing", None, 404),
    ("nurse", "get", "/api/v1/patients/abc", None, 422),
]


@pytest.mark.parametrize(("persona", "method", "path", "body", "status"), CASES)
def test_every_error_is_a_problem_document(
    world: Any, client_for: Any, persona: str, method: str, path: str, body: Any, status: int
) -> None:
    path = path.format(jordan=world.jordan.pk)
    response = send(client_for(persona), method, path, body)
    document = problem(response, status)
    assert document["type"] == "about:blank"
    assert document["instance"] == path.split("?")[0]
    assert document["request_id"] == response["X-Request-ID"]
    assert response["Cache-Control"] == "no-store"


def test_a_validation_problem_lists_each_field_with_a_message(world: Any, client_for: Any) -> None:
    response = send(
        client_for("nurse"), "post", "/api/v1/patients", {"mrn": "KC-1", "given_name": 3}
    )
    body = problem(response, 422)
    assert body["title"] == "Invalid request"
    assert isinstance(body["errors"], list)
    assert all(set(e) == {"field", "message"} for e in body["errors"])
    assert field_errors(body)["date_of_birth"] == "is required"
    assert field_errors(body)["given_name"] == "Input should be a valid string"


def test_a_method_that_is_not_allowed_names_the_allowed_methods(
    world: Any, client_for: Any
) -> None:
    response = send(client_for("nurse"), "delete", f"/api/v1/patients/{world.jordan.pk}")
    body = problem(response, 405)
    assert set(response["Allow"].split(", ")) == {"GET", "PATCH"}
    assert "GET" in body["detail"]


def test_a_staff_member_who_has_not_finished_mfa_gets_a_401_problem(world: Any) -> None:
    problem(unverified_staff(world).get("/api/v1/patients"), 401)


def test_an_unexpected_failure_is_a_500_problem_that_reveals_nothing(
    world: Any, client_for: Any, monkeypatch: Any
) -> None:
    from kapcare.patients import services

    def explode(**kwargs: Any) -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(services, "patient_create", explode)
    client = client_for("nurse")
    client.raise_request_exception = False
    payload = {
        "mrn": "KC-2001",
        "given_name": "A",
        "family_name": "B",
        "date_of_birth": "1990-01-01",
    }
    response = send(client, "post", "/api/v1/patients", payload)
    body = problem(response, 500)
    assert "hunter2" not in response.content.decode()
    assert body["title"] == "Server error"


def test_problem_bodies_are_plain_json(world: Any) -> None:
    response = Client().get("/api/v1/me")
    assert response["Content-Type"] == PROBLEM
    assert json.loads(response.content)["status"] == 401
