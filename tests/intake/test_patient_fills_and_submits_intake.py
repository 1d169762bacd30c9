"""The patient fills the intake in the portal, section by section, and sends it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.intake.models import Intake, IntakeStatus, IntakeVersion, VersionKind
from tests.intake.conftest import COMPLETE, fill_portal


def test_the_intake_page_opens_empty_and_resumes_where_the_patient_left(
    world: Any, client_for: Any
) -> None:
    client = client_for("patient2")
    page = client.get(reverse("intake:portal"))
    assert page.status_code == 200
    assert b"Why you are here" in page.content
    client.post(reverse("intake:portal_save", args=["concerns"]), COMPLETE["concerns"])
    again = client.get(reverse("intake:portal"))
    assert b"Low mood for years" in again.content


def test_a_draft_save_over_htmx_answers_saved_and_keeps_a_version(
    world: Any, client_for: Any
) -> None:
    client = client_for("patient2")
    response = client.post(
        reverse("intake:portal_save", args=["vitals"]),
        COMPLETE["vitals"],
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.content == b"Saved"
    intake = Intake.objects.get(patient=world.sam)
    assert intake.data["vitals"]["systolic_bp"] == 124
    assert intake.data["vitals"]["weight_kg"] == "70.0"
    version = IntakeVersion.objects.get(intake=intake)
    assert (version.kind, version.section, version.changed_by) == (
        VersionKind.DRAFT,
        "vitals",
        world.users["patient2"],
    )
    assert AuditEvent.objects.filter(
        action="update", patient=world.sam, object_type="intake.intake"
    ).exists()


def test_saving_the_same_answers_twice_adds_no_version(world: Any, client_for: Any) -> None:
    client = client_for("patient2")
    for _ in range(2):
        client.post(reverse("intake:portal_save", args=["concerns"]), COMPLETE["concerns"])
    assert IntakeVersion.objects.filter(intake__patient=world.sam).count() == 1


def test_submitting_keeps_the_version_moves_to_screening_and_assigns_baselines(
    world: Any, client_for: Any
) -> None:
    world.sam.status = "referred"
    world.sam.save()
    client = client_for("patient2")
    fill_portal(client)
    response = client.post(reverse("intake:portal_submit"), {"confirm": "on"})
    assert response.status_code == 302
    intake = Intake.objects.get(patient=world.sam)
    assert intake.status == IntakeStatus.SUBMITTED
    assert intake.submitted_version.kind == VersionKind.SUBMITTED
    assert intake.submitted_version.data == intake.data
    world.sam.refresh_from_db()
    assert world.sam.status == "screening"
    assert world.sam.emergency_contact_name == "Casey Rivera"
    from kapcare.measures.models import Assignment

    assert sorted(
        Assignment.objects.filter(patient=world.sam).values_list("instrument", flat=True)
    ) == ["gad7", "pcl5", "phq9"]


def test_submitting_an_incomplete_intake_lists_what_is_missing(world: Any, client_for: Any) -> None:
    client = client_for("patient2")
    client.post(reverse("intake:portal_save", args=["concerns"]), COMPLETE["concerns"])
    response = client.post(reverse("intake:portal_submit"), {"confirm": "on"})
    assert response.status_code == 400
    assert b"Enter your blood pressure (top number)." in response.content
    assert Intake.objects.get(patient=world.sam).status == IntakeStatus.DRAFT


def test_after_submission_the_patient_can_no_longer_change_answers(
    submitted_sam: Any, client_for: Any
) -> None:
    client = client_for("patient2")
    before = Intake.objects.get(patient=submitted_sam).version
    response = client.post(
        reverse("intake:portal_save", args=["vitals"]),
        {**COMPLETE["vitals"], "vitals-systolic_bp": "200"},
    )
    assert response.status_code == 302
    intake = Intake.objects.get(patient=submitted_sam)
    assert intake.version == before
    assert intake.data["vitals"]["systolic_bp"] == 124
    page = client.get(reverse("intake:portal"))
    assert b"sent to your care team" in page.content


def test_staff_corrections_are_new_versions_and_the_submitted_one_stays(
    submitted_sam: Any, client_for: Any
) -> None:
    nurse = client_for("nurse")
    response = nurse.post(
        reverse("intake:staff_save", args=[submitted_sam.pk, "vitals"]),
        {**COMPLETE["vitals"], "vitals-systolic_bp": "150", "vitals-diastolic_bp": "95"},
    )
    assert response.status_code == 302
    intake = Intake.objects.get(patient=submitted_sam)
    assert intake.data["vitals"]["systolic_bp"] == 150
    assert intake.submitted_version.data["vitals"]["systolic_bp"] == 124
    latest = intake.versions.first()
    assert (latest.kind, latest.changed_by.email) == (VersionKind.STAFF, "nurse@example.com")
