"""Signing: prescriber only, step-up, current eligibility and consent; a new version supersedes."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.treatment.models import PlanStatus, TreatmentPlanRecord
from tests.treatment.conftest import draft_plan, stepped_up


def _sign(client: Any, plan: TreatmentPlanRecord) -> Any:
    return client.post(reverse("treatment:plan_sign", args=[plan.patient_id, plan.pk]))


def test_signing_asks_for_the_second_factor_again(ready_sam: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    draft_plan(client, ready_sam)
    response = _sign(client, TreatmentPlanRecord.objects.get())
    assert response.status_code == 302 and reverse("mfa_step_up") in response["Location"]
    assert TreatmentPlanRecord.objects.get().status == PlanStatus.DRAFT


def test_a_plan_without_eligibility_or_consent_is_not_signed(world: Any, client_for: Any) -> None:
    client = stepped_up(client_for("prescriber"))
    draft_plan(client, world.jordan)
    plan = TreatmentPlanRecord.objects.get()
    page = client.get(reverse("treatment:plan", args=[world.jordan.pk])).content.decode()
    assert "No current eligibility decision" in page and "Consent is not current" in page
    response = _sign(client, plan)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.signed_at is None
    follow = client.get(reverse("treatment:plan", args=[world.jordan.pk])).content.decode()
    assert "No current eligibility decision" in follow


def test_signing_records_who_and_when_audits_and_starts_treatment(
    ready_sam: Any, client_for: Any, world: Any
) -> None:
    client = stepped_up(client_for("prescriber"))
    draft_plan(client, ready_sam)
    plan = TreatmentPlanRecord.objects.get()
    assert _sign(client, plan).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SIGNED
    assert plan.signed_by == world.users["prescriber"] and plan.signed_at is not None
    event = AuditEvent.objects.get(action="update", object_type="treatment.treatmentplanrecord")
    assert event.detail == {"signed": 1, "superseded": []}
    ready_sam.refresh_from_db()
    assert ready_sam.status == "active"


def test_a_change_is_a_new_version_that_supersedes_the_signed_one(
    ready_sam: Any, client_for: Any
) -> None:
    client = stepped_up(client_for("prescriber"))
    draft_plan(client, ready_sam)
    first = TreatmentPlanRecord.objects.get()
    _sign(client, first)
    first.refresh_from_db()
    content_before = first.content
    draft_plan(client, ready_sam, indication="Treatment-resistant depression with PTSD")
    second = TreatmentPlanRecord.objects.get(version=2)
    assert second.supersedes == first and second.status == PlanStatus.DRAFT
    first.refresh_from_db()
    assert first.status == PlanStatus.SIGNED, "a draft changes nothing until it is signed"
    _sign(client, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (PlanStatus.SUPERSEDED, PlanStatus.SIGNED)
    assert first.content == content_before, "the signed version is never edited"
    assert _sign(client, second).status_code == 302
    assert TreatmentPlanRecord.objects.filter(status=PlanStatus.SIGNED).count() == 1
    page = client.get(reverse("treatment:plan", args=[ready_sam.pk])).content.decode()
    assert "Versions" in page and "Superseded" in page


def test_a_new_draft_replaces_an_unsigned_one(ready_sam: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    draft_plan(client, ready_sam)
    draft_plan(client, ready_sam, induction_sessions=4, reassessment_after_sessions=4)
    statuses = dict(TreatmentPlanRecord.objects.values_list("version", "status"))
    assert statuses == {1: PlanStatus.DISCARDED, 2: PlanStatus.DRAFT}


def test_a_therapist_cannot_sign(ready_sam: Any, client_for: Any) -> None:
    draft_plan(client_for("prescriber"), ready_sam)
    plan = TreatmentPlanRecord.objects.get()
    assert _sign(stepped_up(client_for("therapist")), plan).status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
