"""The intake API: the same rules as the pages, answered as JSON and problem+json."""

from __future__ import annotations

import json
import time
from typing import Any

from kapcare.accounts.mfa import STEP_UP_KEY
from kapcare.audit.models import AuditEvent
from kapcare.intake.models import ConsentSignature, EligibilityDecision
from tests.api.helpers import field_errors, problem, send

COMPLETE_VALUES = {
    "concerns": {"primary_concerns": ["depression", "chronic_pain"]},
    "psychiatric": {"psychosis": "no", "mania": "no"},
    "medical": {
        "conditions": ["aneurysmal_vascular_disease"],
        "no_known_allergies": True,
        "pregnant": "no",
        "breastfeeding": "no",
    },
    "vitals": {
        "systolic_bp": 128,
        "diastolic_bp": 82,
        "weight": 80,
        "weight_unit": "kg",
        "height": 180,
        "height_unit": "cm",
    },
    "medications": {"none": True},
    "emergency_contact": {"name": "Pat Lee", "phone": "555-0101"},
}


def fill(client: Any) -> None:
    for section, values in COMPLETE_VALUES.items():
        response = send(client, "put", f"/api/v1/me/intake/sections/{section}", {"values": values})
        assert response.status_code == 200, response.content


def test_the_patient_fills_and_submits_through_the_api(world: Any, client_for: Any) -> None:
    client = client_for("patient2")
    fill(client)
    response = send(client, "post", "/api/v1/me/intake/submit")
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert body["status"] == "submitted"
    assert body["submitted_version"] == body["version"]
    assert body["data"]["vitals"]["systolic_bp"] == 128


def test_bad_vitals_are_a_problem_naming_the_field(world: Any, client_for: Any) -> None:
    client = client_for("patient2")
    response = send(
        client,
        "put",
        "/api/v1/me/intake/sections/vitals",
        {"values": {"systolic_bp": 120, "diastolic_bp": 130, "weight": 5, "weight_unit": "kg"}},
    )
    errors = field_errors(problem(response, 422))
    assert "lower than the top number (120)" in errors["values.diastolic_bp"]
    assert errors["values.weight"] == "Allowed: 25 to 350 kg."


def test_an_unknown_medication_class_is_a_problem(world: Any, client_for: Any) -> None:
    response = send(
        client_for("patient2"),
        "post",
        "/api/v1/me/intake/medications",
        {"name": "X", "dose": -1, "unit": "mg", "frequency": "once_daily", "drug_class": "herb"},
    )
    errors = field_errors(problem(response, 422))
    assert errors["drug_class"].startswith("Unknown medication class herb. Allowed values:")
    assert errors["dose"].startswith("Enter a number from 0.001 to 10000")


def test_the_prescriber_screens_and_decides_and_tokens_cannot_override(
    world: Any, client_for: Any
) -> None:
    fill(client_for("patient2"))
    prescriber = client_for("prescriber")
    screened = send(
        prescriber,
        "post",
        f"/api/v1/patients/{world.sam.pk}/screenings",
        {"route": "intranasal_esketamine"},
    )
    assert screened.status_code == 201, screened.content
    run = json.loads(screened.content)
    assert run["findings"][0]["severity"] == "block"
    assert run["findings"][0]["source_keys"] == ["K12c"]
    url = f"/api/v1/patients/{world.sam.pk}/eligibility-decisions"
    no_reason = send(prescriber, "post", url, {"screening_id": run["id"], "decision": "eligible"})
    assert "override_reason" in field_errors(problem(no_reason, 422))
    no_step_up = send(
        prescriber,
        "post",
        url,
        {"screening_id": run["id"], "decision": "eligible", "override_reason": "Repaired"},
    )
    problem(no_step_up, 403)
    session = prescriber.session
    session[STEP_UP_KEY] = time.time()
    session.save()
    signed = send(
        prescriber,
        "post",
        url,
        {"screening_id": run["id"], "decision": "eligible", "override_reason": "Repaired"},
    )
    assert signed.status_code == 201, signed.content
    assert EligibilityDecision.objects.get().overridden_rule_ids
    assert AuditEvent.objects.filter(action="override").count() == 1


def test_the_patient_lists_consent_versions_and_signs(world: Any, client_for: Any) -> None:
    client = client_for("patient2")
    documents = json.loads(send(client, "get", "/api/v1/consent-documents").content)
    current = documents[0]
    response = send(
        client,
        "post",
        "/api/v1/me/consent-signatures",
        {
            "document_id": current["id"],
            "document_sha256": current["sha256"],
            "typed_name": "Samuel Lee",
            "agreed": True,
        },
    )
    assert response.status_code == 201, response.content
    assert ConsentSignature.objects.get().document_sha256 == current["sha256"]


def test_a_nurse_reads_but_cannot_screen(world: Any, client_for: Any) -> None:
    nurse = client_for("nurse")
    assert send(nurse, "get", f"/api/v1/patients/{world.jordan.pk}/intake").status_code == 200
    response = send(
        nurse, "post", f"/api/v1/patients/{world.jordan.pk}/screenings", {"route": "iv_racemic"}
    )
    problem(response, 403)
