"""The prescriber screens the intake, reviews findings and signs a decision; the journey follows."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import reverse

from kapcare.accounts.mfa import STEP_UP_KEY
from kapcare.audit.models import AuditEvent
from kapcare.intake.models import EligibilityDecision, ScreeningFinding, ScreeningRun
from kapcare.intake.selectors import eligibility_is_current
from tests.intake.conftest import COMPLETE, fill_portal

ANEURYSM = {
    "medical": {**COMPLETE["medical"], "medical-conditions": ["aneurysmal_vascular_disease"]}
}


@pytest.fixture
def sam_with_aneurysm(world: Any, client_for: Any) -> Any:
    client = client_for("patient2")
    fill_portal(client, **ANEURYSM)
    assert client.post(reverse("intake:portal_submit"), {"confirm": "on"}).status_code == 302
    return world.sam


def screen(client: Any, patient: Any, route: str = "intranasal_esketamine") -> ScreeningRun:
    response = client.post(reverse("intake:screen", args=[patient.pk]), {"route": route})
    assert response.status_code == 302
    return ScreeningRun.objects.filter(patient=patient).first()


def decide(client: Any, patient: Any, run: ScreeningRun, **data: str) -> Any:
    return client.post(reverse("intake:decide", args=[patient.pk]), {"screening": run.pk, **data})


def stepped_up(client: Any) -> Any:
    session = client.session
    session[STEP_UP_KEY] = time.time()
    session.save()
    return client


def test_screening_stores_each_finding_with_its_rule_version_and_source(
    sam_with_aneurysm: Any, client_for: Any
) -> None:
    run = screen(client_for("prescriber"), sam_with_aneurysm)
    assert run.route == "intranasal_esketamine"
    block = ScreeningFinding.objects.get(run=run, severity="block")
    assert block.rule_id == "contra.aneurysmal_vascular_disease.esketamine"
    assert block.rule_version and block.ruleset_version == run.ruleset_version == "2026.1"
    assert block.source_keys == ["K12c"]
    assert block.message and block.action
    assert run.intake_version.number == sam_with_aneurysm.intake.version
    assert AuditEvent.objects.filter(object_type="intake.screeningrun", action="create").exists()


def test_the_review_page_lists_findings_block_first_with_their_sources(
    sam_with_aneurysm: Any, client_for: Any
) -> None:
    client = client_for("prescriber")
    screen(client, sam_with_aneurysm)
    page = client.get(reverse("intake:review", args=[sam_with_aneurysm.pk])).content.decode()
    assert "Aneurysmal vascular disease" in page
    assert "[K12c]" in page
    severities = [s for s in ("severity-block", "severity-warn", "severity-info") if s in page]
    assert severities[0] == "severity-block"


def test_eligible_over_a_block_without_a_reason_is_refused(
    sam_with_aneurysm: Any, client_for: Any
) -> None:
    client = stepped_up(client_for("prescriber"))
    run = screen(client, sam_with_aneurysm)
    response = decide(client, sam_with_aneurysm, run, decision="eligible")
    assert response.status_code == 400
    assert "Write why you are overriding" in response.content.decode()
    assert not EligibilityDecision.objects.exists()


def test_an_override_needs_a_fresh_identity_check(sam_with_aneurysm: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    run = screen(client, sam_with_aneurysm)
    response = decide(
        client, sam_with_aneurysm, run, decision="eligible", override_reason="Repaired in 2020"
    )
    assert response.status_code == 400
    assert "Confirm your identity (step-up)" in response.content.decode()
    assert not EligibilityDecision.objects.exists()


def test_an_override_with_a_reason_and_step_up_is_signed_and_audited(
    sam_with_aneurysm: Any, client_for: Any, world: Any
) -> None:
    client = stepped_up(client_for("prescriber"))
    run = screen(client, sam_with_aneurysm)
    response = decide(
        client,
        sam_with_aneurysm,
        run,
        decision="eligible",
        override_reason="Aneurysm repaired in 2020; vascular surgeon agrees.",
    )
    assert response.status_code == 302
    decision = EligibilityDecision.objects.get()
    assert decision.overridden_rule_ids == ["contra.aneurysmal_vascular_disease.esketamine"]
    assert decision.decided_by == world.users["prescriber"]
    assert decision.ruleset_version == "2026.1"
    override = AuditEvent.objects.get(action="override")
    assert override.detail["reason"].startswith("Aneurysm repaired")
    sam_with_aneurysm.refresh_from_db()
    assert sam_with_aneurysm.status == "eligible"
    assert eligibility_is_current(sam_with_aneurysm)


@pytest.mark.parametrize(
    ("decision", "notes", "status"),
    [
        ("not_eligible", "Unrepaired aortic aneurysm.", "not_eligible"),
        ("more_information_needed", "Need cardiology letter.", "screening"),
        ("eligible_with_conditions", "IV route only, BP checks.", "eligible"),
    ],
)
def test_the_journey_follows_the_decision(
    decision: str, notes: str, status: str, submitted_sam: Any, client_for: Any
) -> None:
    client = client_for("prescriber")
    run = screen(client, submitted_sam, route="iv_racemic")
    assert decide(client, submitted_sam, run, decision=decision, notes=notes).status_code == 302
    submitted_sam.refresh_from_db()
    assert submitted_sam.status == status


def test_a_refusal_needs_notes(submitted_sam: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    run = screen(client, submitted_sam, route="iv_racemic")
    response = decide(client, submitted_sam, run, decision="not_eligible")
    assert response.status_code == 400
    assert "Write the conditions or reasons" in response.content.decode()


def test_a_new_decision_supersedes_and_the_old_one_is_never_edited(
    submitted_sam: Any, client_for: Any
) -> None:
    client = client_for("prescriber")
    run = screen(client, submitted_sam, route="iv_racemic")
    decide(client, submitted_sam, run, decision="more_information_needed", notes="Need ECG")
    decide(client, submitted_sam, run, decision="eligible")
    first, second = EligibilityDecision.objects.order_by("id")
    assert second.supersedes == first
    first.notes = "changed"
    with pytest.raises(RuntimeError, match="never edited"):
        first.save()


def test_a_correction_after_the_decision_makes_eligibility_not_current(
    submitted_sam: Any, client_for: Any
) -> None:
    client = client_for("prescriber")
    run = screen(client, submitted_sam, route="iv_racemic")
    decide(client, submitted_sam, run, decision="eligible")
    assert eligibility_is_current(submitted_sam)
    client.post(
        reverse("intake:staff_save", args=[submitted_sam.pk, "vitals"]),
        {**COMPLETE["vitals"], "vitals-systolic_bp": "170"},
    )
    assert not eligibility_is_current(submitted_sam)


def test_deciding_on_an_old_screening_is_refused(submitted_sam: Any, client_for: Any) -> None:
    client = client_for("prescriber")
    old = screen(client, submitted_sam, route="iv_racemic")
    screen(client, submitted_sam, route="intranasal_esketamine")
    response = decide(client, submitted_sam, old, decision="eligible")
    assert response.status_code == 400
    assert "Screening was run again" in response.content.decode()


def test_a_nurse_may_see_the_review_but_not_decide(submitted_sam: Any, client_for: Any) -> None:
    nurse = client_for("nurse")
    page = nurse.get(reverse("intake:review", args=[submitted_sam.pk]))
    assert page.status_code == 200
    assert "Sign decision" not in page.content.decode()
    run = screen(client_for("prescriber"), submitted_sam, route="iv_racemic")
    assert decide(nurse, submitted_sam, run, decision="eligible").status_code == 403
