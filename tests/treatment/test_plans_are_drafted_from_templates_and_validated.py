"""A prescriber drafts a plan from a template; bad numbers are refused naming the field."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.treatment.models import ClinicPlanTemplate, PlanStatus, TreatmentPlanRecord
from kapcare.treatment.plan_data import plan_from_json, plan_to_json
from kapcare.treatment.templates_catalog import offered_templates, packaged_text
from tests.treatment.conftest import draft_plan


def test_every_packaged_template_round_trips_through_the_database_shape() -> None:
    from kapcare.clinical.plans import load_templates

    for template in load_templates().values():
        assert plan_from_json(plan_to_json(template.plan)) == template.plan


def test_the_plan_tab_offers_each_packaged_template(world: Any, client_for: Any) -> None:
    page = client_for("prescriber").get(reverse("treatment:plan", args=[world.jordan.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for title in ("IV racemic induction", "IM KAP titration", "Sublingual KAP", "Esketamine"):
        assert title in text
    assert "No treatment plan yet" in text


def test_a_draft_keeps_the_template_and_marks_changed_numbers_as_clinic_choices(
    world: Any, client_for: Any
) -> None:
    response = draft_plan(
        client_for("prescriber"),
        world.jordan,
        induction_sessions=8,
        reassessment_after_sessions=8,
        goals="Get back to work\nSleep through the night",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = TreatmentPlanRecord.objects.get()
    assert plan.status == PlanStatus.DRAFT and plan.version == 1
    assert plan.template_id == "iv_racemic_induction" and plan.template_version == "2026.1"
    content = plan_from_json(plan.content)
    assert content.induction.sessions == 8
    assert "sessions" in content.induction.local_choices
    assert content.goals == ("Get back to work", "Sleep through the night")
    event = AuditEvent.objects.get(action="create", object_type="treatment.treatmentplanrecord")
    assert event.patient_id == world.jordan.pk
    assert "induction_sessions" in event.detail["changed"]


def test_a_cap_below_the_starting_dose_is_refused_naming_the_field(
    world: Any, client_for: Any
) -> None:
    response = draft_plan(client_for("prescriber"), world.jordan, per_session_cap="0.3")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Per-session cap" in text and "below the starting dose" in text
    assert not TreatmentPlanRecord.objects.exists()


def test_findings_are_shown_with_severity_and_sources(world: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    assert (
        draft_plan(client, world.jordan, dose_starting="1.5", per_session_cap="1.5").status_code
        == 302
    )
    text = client.get(reverse("treatment:plan", args=[world.jordan.pk])).content.decode()
    assert "severity-warn" in text
    assert "outside the" in text and "Sources: K" in text


def test_only_a_prescriber_drafts_a_plan(world: Any, client_for: Any) -> None:
    assert draft_plan(client_for("nurse"), world.jordan).status_code == 403
    assert not TreatmentPlanRecord.objects.exists()


def test_a_clinic_revision_of_a_template_is_offered_instead_of_the_packaged_one(
    world: Any,
) -> None:
    text = packaged_text("iv_racemic_induction").replace(
        'title = "IV racemic induction', 'title = "Cedar IV induction'
    )
    ClinicPlanTemplate.objects.create(
        clinic=world.cedar,
        template_id="iv_racemic_induction",
        revision=1,
        title="Cedar IV induction",
        route="iv_racemic",
        text=text,
        created_by=world.users["prescriber"],
    )
    offered = offered_templates(world.cedar)["iv_racemic_induction"]
    assert offered.title.startswith("Cedar IV induction")
    assert offered.version == "2026.1+clinic.1"
    assert offered_templates(world.harbor)["iv_racemic_induction"].clinic_revision is None


def test_a_prescriber_saves_a_clinic_revision_and_bad_text_is_refused(
    world: Any, client_for: Any
) -> None:
    client = client_for("prescriber")
    url = reverse("treatment:plan_template_edit", args=["sublingual_kap"])
    text = packaged_text("sublingual_kap")
    broken = client.post(url, {"text": text.replace("sources = [", "sourcez = [", 1)})
    assert broken.status_code == 400 and "sourcez" in broken.content.decode()
    edited = text.replace('title = "Sublingual KAP', 'title = "Cedar sublingual KAP', 1)
    assert client.post(url, {"text": edited}).status_code == 302
    row = ClinicPlanTemplate.objects.get()
    assert (row.revision, row.created_by) == (1, world.users["prescriber"])
    listing = client.get(reverse("treatment:plan_templates")).content.decode()
    assert "Cedar sublingual KAP" in listing and "Clinic revision" in listing
    assert client_for("nurse").get(url).status_code == 403
