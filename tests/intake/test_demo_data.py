"""The demo clinic shows each intake state: a block, warnings, eligible and consented, a draft."""

from __future__ import annotations

from typing import Any

import pytest

from kapcare.intake.models import Intake, IntakeStatus, ScreeningFinding
from kapcare.intake.selectors import consent_is_current, eligibility_is_current
from kapcare.patients.models import Patient


@pytest.fixture
def demo(db: Any) -> None:
    from kapcare.demo.seed import seed_demo

    seed_demo()


def test_the_demo_has_each_intake_state_and_is_safe_to_run_twice(demo: None) -> None:
    from kapcare.demo.seed import seed_demo

    seed_demo()
    aisha, tomas, jordan, sam = (
        Patient.objects.get(mrn=mrn) for mrn in ("KC-1005", "KC-1012", "KC-1001", "KC-1002")
    )
    block = ScreeningFinding.objects.filter(run__patient=aisha, severity="block")
    assert block.get().rule_id == "contra.aneurysmal_vascular_disease.esketamine"
    warnings = set(
        ScreeningFinding.objects.filter(run__patient=tomas, severity="warn").values_list(
            "rule_id", flat=True
        )
    )
    assert any("naltrexone" in rule for rule in warnings), warnings
    assert any("benzodiazepine" in rule for rule in warnings), warnings
    assert eligibility_is_current(jordan)
    assert consent_is_current(jordan)
    assert Intake.objects.get(patient=sam).status == IntakeStatus.DRAFT
    assert Intake.objects.filter(patient__in=[aisha, tomas, jordan, sam]).count() == 4
