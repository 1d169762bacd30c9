"""GET /api/v1/me: who is signed in, where, and in which role."""

from __future__ import annotations

from typing import Any

from django.test import Client

from kapcare.accounts.models import Membership
from kapcare.audit.models import AuditEvent
from tests.api.helpers import problem


def test_it_describes_a_staff_member_at_their_clinic(world: Any, client_for: Any) -> None:
    response = client_for("prescriber").get("/api/v1/me")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "id": world.users["prescriber"].pk,
        "email": "prescriber@example.com",
        "full_name": "Priya Raman",
        "kind": "staff",
        "clinic": {
            "id": world.cedar.pk,
            "name": "Cedar Grove Ketamine Clinic",
            "time_zone": "America/Denver",
        },
        "role": "prescriber",
        "memberships": [
            {
                "clinic": {
                    "id": world.cedar.pk,
                    "name": "Cedar Grove Ketamine Clinic",
                    "time_zone": "America/Denver",
                },
                "role": "prescriber",
            }
        ],
        "patient_id": None,
    }


def test_it_lists_every_clinic_a_person_works_at(world: Any, client_for: Any) -> None:
    Membership.objects.create(user=world.users["prescriber"], clinic=world.harbor, role="therapist")
    body = client_for("prescriber").get("/api/v1/me").json()
    assert [(m["clinic"]["name"], m["role"]) for m in body["memberships"]] == [
        ("Cedar Grove Ketamine Clinic", "prescriber"),
        ("Harbor Light Wellness", "therapist"),
    ]


def test_it_describes_a_patient_with_their_own_record_id(world: Any, client_for: Any) -> None:
    body = client_for("patient").get("/api/v1/me").json()
    assert (body["kind"], body["role"], body["patient_id"]) == (
        "patient",
        "patient",
        world.jordan.pk,
    )
    assert body["clinic"]["name"] == "Cedar Grove Ketamine Clinic"
    assert body["memberships"] == []


def test_it_describes_a_support_person_without_a_clinic(world: Any, client_for: Any) -> None:
    body = client_for("support").get("/api/v1/me").json()
    assert (body["kind"], body["role"], body["clinic"]) == ("support", "support", None)


def test_it_shows_a_staff_member_of_another_clinic_only_that_clinic(
    world: Any, client_for: Any
) -> None:
    body = client_for("other").get("/api/v1/me").json()
    assert body["clinic"]["name"] == "Harbor Light Wellness"


def test_it_needs_a_signed_in_person(world: Any) -> None:
    response = Client().get("/api/v1/me")
    body = problem(response, 401)
    assert body["title"] == "Authentication required"
    assert response["WWW-Authenticate"] == 'Bearer realm="kapcare"'


def test_it_reads_no_health_information_so_writes_no_audit_row(world: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    before = AuditEvent.objects.count()
    client.get("/api/v1/me")
    assert AuditEvent.objects.count() == before


def test_it_is_never_cached(world: Any, client_for: Any) -> None:
    assert client_for("prescriber").get("/api/v1/me")["Cache-Control"] == "no-store"
