"""A nurse records the bladder checklist; a "yes" flags it for a prescriber's review."""

from __future__ import annotations

from typing import Any

from kapcare.audit.models import AuditEvent
from kapcare.exposure.models import BladderCheck
from tests.exposure.conftest import NO_SYMPTOMS, course


def post(client: Any, patient: Any, **data: str) -> Any:
    return client.post(f"/patients/{patient.pk}/exposure/bladder-checks/", data)


def test_a_check_with_no_symptoms_is_recorded_and_audited(world: Any, client_for: Any) -> None:
    response = post(client_for("nurse"), world.jordan, idempotency_key="k1", **NO_SYMPTOMS)
    assert response.status_code == 302
    check = BladderCheck.objects.get(patient=world.jordan)
    assert not check.needs_review
    assert check.recorded_by == world.users["nurse"]
    assert AuditEvent.objects.filter(
        action="create", object_type="exposure.bladdercheck", object_id=str(check.pk)
    ).exists()


def test_any_yes_flags_the_check_on_the_chart_for_review(world: Any, client_for: Any) -> None:
    course(world)
    nurse = client_for("nurse")
    post(nurse, world.jordan, idempotency_key="k1", **{**NO_SYMPTOMS, "blood_in_urine": "yes"})
    assert BladderCheck.objects.get().needs_review
    page = nurse.get(f"/patients/{world.jordan.pk}/exposure/").content.decode()
    assert "Bladder symptoms to review" in page
    assert "Waiting for a prescriber's review" in page


def test_a_missing_answer_is_named_and_nothing_is_saved(world: Any, client_for: Any) -> None:
    answers = {k: v for k, v in NO_SYMPTOMS.items() if k != "urgency"}
    response = post(client_for("nurse"), world.jordan, idempotency_key="k1", **answers)
    assert response.status_code == 400
    assert "Sudden, strong urges to pass urine: Answer yes or no." in response.content.decode()
    assert not BladderCheck.objects.exists()


def test_a_resent_form_records_the_check_once(world: Any, client_for: Any) -> None:
    nurse = client_for("nurse")
    post(nurse, world.jordan, idempotency_key="same", **NO_SYMPTOMS)
    post(nurse, world.jordan, idempotency_key="same", **NO_SYMPTOMS)
    assert BladderCheck.objects.count() == 1


def test_a_patient_cannot_record_and_another_clinic_finds_nothing(
    world: Any, client_for: Any
) -> None:
    assert (
        post(client_for("patient"), world.jordan, idempotency_key="a", **NO_SYMPTOMS).status_code
        == 403
    )
    assert (
        post(client_for("other"), world.jordan, idempotency_key="b", **NO_SYMPTOMS).status_code
        == 404
    )
    assert not BladderCheck.objects.exists()
