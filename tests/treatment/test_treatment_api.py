"""The API drafts and signs plans, books and cancels appointments, and completes checklists."""

from __future__ import annotations

import json
from typing import Any

from kapcare.treatment.models import Appointment, PlanStatus, Room, TreatmentPlanRecord
from tests.treatment.conftest import stepped_up


def post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_a_plan_is_drafted_then_signed_only_with_step_up(ready_sam: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    base = f"/api/v1/patients/{ready_sam.pk}/plans"
    created = post(
        client, base, {"template_id": "im_kap_titration", "changes": {"goals": "Feel again"}}
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["status"] == "draft" and plan["content"]["goals"] == ["Feel again"]
    refused = post(client, f"{base}/{plan['id']}/sign", {})
    assert refused.status_code == 403 and "step-up" in refused.json()["detail"]
    signed = post(stepped_up(client), f"{base}/{plan['id']}/sign", {})
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    listed = client.get(base).json()
    assert [p["version"] for p in listed] == [1]


def test_bad_plan_input_names_the_field(world: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    base = f"/api/v1/patients/{world.jordan.pk}/plans"
    unknown = post(client, base, {"template_id": "nope"})
    assert unknown.status_code == 422 and "template_id" in unknown.content.decode()
    cap = post(
        client,
        base,
        {"template_id": "iv_racemic_induction", "changes": {"per_session_cap": "0.2"}},
    )
    assert cap.status_code == 422 and "per_session_cap" in cap.content.decode()
    assert not TreatmentPlanRecord.objects.exists()
    assert not TreatmentPlanRecord.objects.filter(status=PlanStatus.DRAFT).exists()


def test_booking_conflicts_answer_422_naming_the_room(world: Any, client_for: Any) -> None:
    room = Room.objects.create(clinic=world.cedar, name="Willow room")
    client = client_for("nurse")
    body = {
        "kind": "dosing",
        "start": "2030-01-07T16:00:00Z",
        "end": "2030-01-07T19:15:00Z",
        "room_id": room.pk,
    }
    first = post(client, f"/api/v1/patients/{world.jordan.pk}/appointments", body)
    assert first.status_code == 201
    clash = post(client, f"/api/v1/patients/{world.sam.pk}/appointments", body)
    assert clash.status_code == 422
    assert "Willow room is already booked" in clash.content.decode()
    listed = client.get(
        "/api/v1/appointments?start=2030-01-07T00:00:00Z&end=2030-01-08T00:00:00Z"
    ).json()
    assert [a["id"] for a in listed] == [first.json()["id"]]
    moved = post(
        client,
        f"/api/v1/appointments/{first.json()['id']}/reschedule",
        {"start": "2030-01-08T16:00:00Z", "end": "2030-01-08T19:15:00Z", "room_id": room.pk},
    )
    assert moved.status_code == 200 and moved.json()["version"] == 2
    cancelled = post(
        client, f"/api/v1/appointments/{first.json()['id']}/cancel", {"reason": "Snow"}
    )
    assert cancelled.json()["status"] == "cancelled"


def test_the_patient_completes_the_checklist_through_the_api(world: Any, client_for: Any) -> None:
    created = post(
        client_for("nurse"),
        f"/api/v1/patients/{world.jordan.pk}/appointments",
        {"kind": "dosing", "start": "2030-01-07T16:00:00Z", "end": "2030-01-07T19:15:00Z"},
    )
    appointment = Appointment.objects.get(pk=created.json()["id"])
    url = f"/api/v1/appointments/{appointment.pk}/preparation"
    patient = client_for("patient")
    assert patient.get(url).json()["missing"][0] == "fasting"
    done = post(
        patient,
        url,
        {
            "confirmed": ["fasting", "escort", "intention"],
            "escort_name": "Casey",
            "escort_phone": "555-0100",
            "intention": "Curiosity.",
        },
    )
    assert done.status_code == 200
    assert done.json()["missing"] == ["medication", "no_driving", "set_setting"]
    assert client_for("patient2").get(url).status_code == 404
