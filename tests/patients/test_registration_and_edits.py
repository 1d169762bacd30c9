"""Registering and editing patients: clear messages, nothing half-written, no lost updates."""

from __future__ import annotations

from typing import Any

from kapcare.audit.models import AuditEvent
from kapcare.patients.models import Patient

VALID = {
    "mrn": "kc-2040",
    "given_name": "Ada",
    "family_name": "Quinn",
    "preferred_name": "",
    "pronouns": "she/her",
    "date_of_birth": "1990-05-01",
    "sex_at_birth": "female",
    "gender_identity": "",
    "email": "ada@example.net",
    "phone": "",
    "address": "",
    "emergency_contact_name": "",
    "emergency_contact_relationship": "",
    "emergency_contact_phone": "",
}


def test_a_nurse_registers_a_patient_and_lands_on_the_chart(world: Any, client_for: Any) -> None:
    response = client_for("nurse").post("/patients/new/", VALID)
    patient = Patient.objects.get(mrn="KC-2040")
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.pk}/"
    assert patient.clinic == world.cedar
    assert AuditEvent.objects.filter(patient=patient, action="create").count() == 1


def test_bad_input_names_the_field_and_what_is_allowed(world: Any, client_for: Any) -> None:
    bad = {**VALID, "date_of_birth": "31/12/1990", "mrn": "KC 20!", "sex_at_birth": "robot"}
    response = client_for("nurse").post("/patients/new/", bad)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Date of birth: Enter the date as YYYY-MM-DD" in page
    assert "Medical record number: Use only letters, digits and dashes" in page
    assert "Sex at birth: Select a valid choice" in page
    assert not Patient.objects.filter(given_name="Ada").exists()


def test_a_future_birth_date_is_refused(world: Any, client_for: Any) -> None:
    response = client_for("nurse").post("/patients/new/", {**VALID, "date_of_birth": "2999-01-01"})
    assert "cannot be in the future" in response.content.decode()


def test_a_duplicate_mrn_in_the_same_clinic_is_refused_but_allowed_in_another(
    world: Any, client_for: Any
) -> None:
    response = client_for("nurse").post("/patients/new/", {**VALID, "mrn": "KC-1001"})
    assert response.status_code == 400
    assert "KC-1001 is already in use at this clinic" in response.content.decode()
    other = client_for("other").post("/patients/new/", {**VALID, "mrn": "KC-1001"})
    assert other.status_code == 302
    assert Patient.objects.filter(mrn="KC-1001").count() == 2


def test_an_edit_from_a_stale_form_is_refused_and_keeps_the_other_change(
    world: Any, client_for: Any
) -> None:
    jordan = world.jordan
    form = {
        **VALID,
        "mrn": jordan.mrn,
        "given_name": "Jordan",
        "family_name": "Rivera",
        "date_of_birth": "1987-03-21",
        "version": jordan.version,
    }
    first = client_for("nurse").post(
        f"/patients/{jordan.pk}/edit/", {**form, "pronouns": "they/he"}
    )
    assert first.status_code == 302
    second = client_for("therapist").post(
        f"/patients/{jordan.pk}/edit/", {**form, "pronouns": "she/her"}
    )
    assert second.status_code == 400
    assert "changed by someone else" in second.content.decode()
    jordan.refresh_from_db()
    assert jordan.pronouns == "they/he"
    assert jordan.version == 2


def test_user_text_is_escaped_everywhere(world: Any, client_for: Any) -> None:
    client_for("nurse").post("/patients/new/", {**VALID, "given_name": "<script>alert(1)</script>"})
    page = client_for("nurse").get("/patients/?q=script").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
