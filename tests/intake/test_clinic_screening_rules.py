"""A clinic adjusts its screening rules: versioned, attributed, and used by the next screening."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kapcare.audit.models import AuditEvent
from kapcare.intake.models import RuleAdjustment
from kapcare.intake.rules import clinic_rules

BENZO = "interaction.benzodiazepine_high_dose"
LIVER = "advice.baseline_liver_tests"


def threshold_field(rule_id: str) -> tuple[str, Any]:
    from kapcare.clinical.eligibility import load_default_rules

    rule = next(r for r in load_default_rules().rules if r.id == rule_id)
    ((name, value),) = rule.when.parameters().items()
    return f"threshold:{rule_id}:{name}", value


def test_a_prescriber_sees_every_rule_with_its_source(world: Any, client_for: Any) -> None:
    page = client_for("prescriber").get(reverse("intake:rules")).content.decode()
    assert "contra.aneurysmal_vascular_disease.esketamine" in page
    assert "Always on; override per patient with a reason" in page
    assert "The clinic uses the published rules unchanged." in page


def test_switching_off_a_rule_and_moving_a_threshold_makes_a_new_attributed_version(
    world: Any, client_for: Any
) -> None:
    field, value = threshold_field(BENZO)
    response = client_for("prescriber").post(
        reverse("intake:rules"),
        {"off": [LIVER], field: str(value + 2), "reason": "Local protocol 2026-03"},
    )
    assert response.status_code == 302
    adjustment = RuleAdjustment.objects.get(clinic=world.cedar)
    assert adjustment.disabled == [LIVER]
    assert adjustment.created_by == world.users["prescriber"]
    assert adjustment.ruleset_version.startswith("2026.1+clinic.")
    rules = clinic_rules(world.cedar)
    assert rules.version == adjustment.ruleset_version
    assert LIVER not in {r.id for r in rules.active_rules}
    assert (
        AuditEvent.objects.filter(action="update", object_type="intake.ruleadjustment").count() == 1
    )


def test_a_block_rule_cannot_be_switched_off(world: Any, client_for: Any) -> None:
    response = client_for("prescriber").post(
        reverse("intake:rules"),
        {"off": ["contra.aneurysmal_vascular_disease.esketamine"], "reason": "try"},
    )
    assert response.status_code == 400
    assert "cannot be switched off" in response.content.decode()
    assert not RuleAdjustment.objects.exists()


def test_a_threshold_that_is_not_a_number_is_named_and_nothing_is_saved(
    world: Any, client_for: Any
) -> None:
    field, _ = threshold_field(BENZO)
    response = client_for("prescriber").post(
        reverse("intake:rules"), {field: "eight", "reason": "x"}
    )
    assert response.status_code == 400
    assert f"{BENZO}" in response.content.decode()
    assert "is not a number" in response.content.decode()
    assert not RuleAdjustment.objects.exists()


def test_a_reason_is_required(world: Any, client_for: Any) -> None:
    response = client_for("prescriber").post(
        reverse("intake:rules"), {"off": [LIVER], "reason": " "}
    )
    assert response.status_code == 400
    assert "Say why the clinic changes its screening rules." in response.content.decode()


def test_therapists_and_admins_cannot_change_clinical_rules(world: Any, client_for: Any) -> None:
    for persona in ("therapist", "admin"):
        assert (
            client_for(persona)
            .post(reverse("intake:rules"), {"off": [LIVER], "reason": "x"})
            .status_code
            == 403
        )
    assert not RuleAdjustment.objects.exists()
