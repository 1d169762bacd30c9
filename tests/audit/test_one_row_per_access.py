"""Exactly one audit row for each read or change of health information, and one per denial."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from kapcare.audit.models import AuditEvent


def rows(**filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("seq"))


def test_opening_a_chart_writes_one_view_row_naming_actor_role_and_patient(
    world: Any, client_for: Any
) -> None:
    client = client_for("therapist")
    before = AuditEvent.objects.count()
    response = client.get(
        reverse("patients:chart", args=[world.jordan.pk]), HTTP_X_REQUEST_ID="req-abcdef123"
    )
    assert response.status_code == 200
    new = list(AuditEvent.objects.order_by("id")[before:])
    assert len(new) == 1
    event = new[0]
    assert (event.action, event.patient_id, event.actor_id) == (
        "view",
        world.jordan.pk,
        world.users["therapist"].pk,
    )
    assert event.actor_role == "therapist"
    assert event.clinic_id == world.cedar.pk
    assert event.request_id == "req-abcdef123"
    assert event.ip == "127.0.0.1"
    assert response["X-Request-ID"] == "req-abcdef123"


def test_each_page_of_health_information_costs_exactly_one_row(world: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    pages = [
        (reverse("patients:list"), "list"),
        (reverse("patients:chart", args=[world.jordan.pk]), "view"),
        (reverse("patients:notes", args=[world.jordan.pk]), "view"),
        (reverse("patients:edit", args=[world.jordan.pk]), "view"),
        (reverse("api:patient", args=[world.jordan.pk]), "view"),
        (reverse("api:patients"), "list"),
    ]
    for url, action in pages:
        before = AuditEvent.objects.count()
        assert client.get(url).status_code == 200, url
        new = list(AuditEvent.objects.order_by("id")[before:])
        assert [e.action for e in new] == [action], url


def test_a_change_writes_one_row_in_the_same_transaction(world: Any, client_for: Any) -> None:
    client = client_for("therapist")
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("patients:notes", args=[world.jordan.pk]),
        {"title": "Integration", "body": "Felt calmer.", "visibility": "clinic"},
    )
    assert response.status_code == 302
    new = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.object_type) for e in new] == [("create", "patients.chartnote")]


def test_a_patch_through_the_api_writes_one_update_row(world: Any, client_for: Any) -> None:
    client = client_for("nurse")
    before = AuditEvent.objects.count()
    response = client.patch(
        reverse("api:patient_update", args=[world.jordan.pk]),
        data=json.dumps({"version": world.jordan.version, "pronouns": "they/he"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    new = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.detail.get("fields")) for e in new] == [("update", ["pronouns"])]


def test_a_foreign_clinic_id_answers_404_and_writes_one_denied_row(
    world: Any, client_for: Any
) -> None:
    client = client_for("other")
    before = AuditEvent.objects.count()
    response = client.get(reverse("patients:chart", args=[world.jordan.pk]))
    missing = client.get(reverse("patients:chart", args=[999999]))
    assert response.status_code == missing.status_code == 404
    new = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.outcome, e.object_id) for e in new] == [
        ("denied", "denied", str(world.jordan.pk)),
        ("denied", "denied", "999999"),
    ]
    assert all(e.patient_id is None for e in new), "a denial must not link the record it refused"


def test_static_assets_write_no_audit_rows(world: Any, client_for: Any) -> None:
    client = client_for("nurse")
    before = AuditEvent.objects.count()
    response = client.get("/static/kapcare/kapcare.css")
    assert response.status_code == 200
    assert AuditEvent.objects.count() == before


def test_the_patient_sees_who_looked_at_their_record(world: Any, client_for: Any) -> None:
    client_for("therapist").get(reverse("patients:chart", args=[world.jordan.pk]))
    client_for("nurse").get(reverse("patients:notes", args=[world.jordan.pk]))
    response = client_for("patient").get(reverse("portal:access_log"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Theo Okafor" in page and "Nina Alvarez" in page


def test_the_access_log_never_shows_another_patients_viewers(world: Any, client_for: Any) -> None:
    client_for("therapist").get(reverse("patients:chart", args=[world.sam.pk]))
    response = client_for("patient").get(reverse("portal:access_log"))
    assert "Theo Okafor" not in response.content.decode()
