"""The exposure API: read a patient's exposure, list and record bladder checks (problem+json)."""

from __future__ import annotations

import json
from typing import Any

from kapcare.exposure.models import BladderCheck
from tests.exposure.conftest import course, dosed

ANSWERS = {
    "frequency": False,
    "urgency": False,
    "painful_urination": True,
    "blood_in_urine": False,
    "bladder_pain": False,
    "incontinence": False,
}


def _post(client: Any, patient: Any, body: Any) -> Any:
    return client.post(
        f"/api/v1/patients/{patient.pk}/bladder-checks",
        json.dumps(body),
        content_type="application/json",
    )


def test_a_clinician_reads_totals_limits_and_the_bladder_status(
    world: Any, client_for: Any
) -> None:
    plan = course(world)
    dosed(world, plan, days_ago=2, doses=("40",))
    body = client_for("therapist").get(f"/api/v1/patients/{world.jordan.pk}/exposure").json()
    assert body["week_mg"] == "40.00" or float(body["week_mg"]) == 40
    assert body["clinic_limits"]["week_mg"] is None
    assert body["bladder_check"]["status"] == "off"
    assert body["sessions"][0]["mg_per_kg"] in ("0.50", "0.5", 0.5)


def test_a_nurse_records_a_check_and_lists_it(world: Any, client_for: Any) -> None:
    nurse = client_for("nurse")
    response = _post(nurse, world.jordan, {"answers": ANSWERS, "notes": "Since Tuesday"})
    assert response.status_code == 201
    assert response.json()["needs_review"] is True
    listed = nurse.get(f"/api/v1/patients/{world.jordan.pk}/bladder-checks").json()
    assert [c["id"] for c in listed] == [response.json()["id"]]


def test_a_missing_answer_is_a_problem_naming_the_item(world: Any, client_for: Any) -> None:
    answers = {k: v for k, v in ANSWERS.items() if k != "incontinence"}
    response = _post(client_for("nurse"), world.jordan, {"answers": answers})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = [e["field"] for e in response.json()["errors"]]
    assert "incontinence" in fields
    assert not BladderCheck.objects.exists()


def test_the_patient_is_refused_and_another_clinic_finds_nothing(
    world: Any, client_for: Any
) -> None:
    assert _post(client_for("patient"), world.jordan, {"answers": ANSWERS}).status_code == 403
    assert _post(client_for("other"), world.jordan, {"answers": ANSWERS}).status_code == 404
    other = client_for("other").get(f"/api/v1/patients/{world.jordan.pk}/exposure")
    assert other.status_code == 404
    assert other["Content-Type"] == "application/problem+json"
