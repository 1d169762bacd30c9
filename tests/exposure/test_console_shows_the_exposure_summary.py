"""The dosing console shows the patient's exposure and any bladder flag before dosing."""

from __future__ import annotations

from typing import Any

from kapcare.clinical import bladder_check
from kapcare.exposure import services
from tests.dosing.conftest import actor_of
from tests.exposure.conftest import course, dosed


def test_the_console_shows_totals_and_an_unreviewed_symptom(world: Any, client_for: Any) -> None:
    plan = course(world, days_ago=30)
    dosed(world, plan, days_ago=3, doses=("45",))
    session = dosed(world, plan, days_ago=0.05, doses=("5",), state="scheduled")
    services.bladder_check_record(
        actor=actor_of(world, "nurse"),
        patient=world.jordan,
        answers={k: k == "urgency" for k in bladder_check.KEYS},
    )
    page = (
        client_for("nurse")
        .get(f"/patients/{world.jordan.pk}/sessions/{session.pk}/")
        .content.decode()
    )
    assert 'id="exposure-summary"' in page
    assert "Last 7 days <strong>50 mg</strong>" in page
    assert "Bladder symptoms reported" in page
