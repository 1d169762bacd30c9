"""The "Mark ready to dose" button appears only once every gate item is met; until then, why not."""

from __future__ import annotations

from typing import Any

import pytest

from kapcare.dosing.services import vitals_record
from tests.dosing.conftest import actor_of, force_state, open_session, prepared
from tests.dosing.record_helpers import console

pytestmark = pytest.mark.django_db


def test_an_unmet_gate_shows_what_is_missing_instead_of_the_button(
    world: Any, client_for: Any
) -> None:
    session = force_state(open_session(world), "checked_in")
    page = console(client_for("nurse"), session).content.decode()
    assert "Mark ready to dose" not in page
    assert 'id="not-ready-why"' in page
    assert "pre-dose vital signs recorded and within limits" in page


def test_a_met_gate_offers_the_button(world: Any, client_for: Any) -> None:
    from kapcare.intake.demo import seed as intake_seed

    intake_seed()
    session = open_session(world)
    prepared(world, session)
    force_state(session, "checked_in", weight_kg=80)
    vitals_record(
        actor=actor_of(world, "nurse"),
        session=session,
        phase="pre_dose",
        systolic=124,
        diastolic=78,
        heart_rate=70,
        spo2=98,
    )
    page = console(client_for("nurse"), session).content.decode()
    assert 'id="not-ready-why"' not in page
    assert "Mark ready to dose" in page
